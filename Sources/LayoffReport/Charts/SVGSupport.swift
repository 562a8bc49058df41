/// XML text escaping for SVG output.
public enum XMLText {
    /// Escapes `&`, `<`, `>`, `"` and `'`, and drops characters XML 1.0 forbids
    /// (C0 controls other than tab, LF and CR; U+FFFE; U+FFFF). Safe in text and in
    /// double- or single-quoted attributes.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                let v = u.value
                if (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || v == 0xFFFE || v == 0xFFFF { continue }
                out.unicodeScalars.append(u)
            }
        }
        return out
    }
}

/// Chart colours.
public enum ChartPalette {
    /// The Okabe–Ito colour-blind-safe palette, ordered for lines on white: blue, vermillion,
    /// bluish green, orange, reddish purple, sky blue, black, yellow.
    public static let okabeIto = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"]
    /// Main text colour.
    static let text = "#1a1a1a"
    /// Secondary text (subtitle, tick labels, notes).
    static let secondary = "#555555"
    /// Grid lines.
    static let grid = "#dddddd"
    /// Axis and zero lines.
    static let axis = "#333333"
}

/// Estimated text extents, so labels can be laid out without a font engine. The widths
/// are deliberately generous (close to DejaVu Sans, wider than Helvetica/Segoe UI) so that
/// estimated boxes contain the rendered text with any of the listed fonts.
enum TextMetrics {
    static let fontFamily = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"

    /// Width of `s` in pixels at `size` px.
    static func width(_ s: String, size: Double, bold: Bool = false) -> Double {
        var em = 0.0
        for u in s.unicodeScalars {
            switch u {
            case "i", "l", "j", "'", ".", ",", ":", ";", "!", "|", "I": em += 0.30
            case " ", "f", "t", "r", "(", ")", "[", "]", "-", "/": em += 0.40
            case "m", "w", "M", "W", "%", "@": em += 0.95
            case "0"..."9", "$", "#", "+", "=", "<", ">": em += 0.64
            case "A"..."Z": em += 0.72
            case "a"..."z": em += 0.61
            default: em += u.value > 0x2E7F ? 1.0 : 0.70
            }
        }
        return em * size * (bold ? 1.08 : 1.0)
    }

    /// Splits `s` into lines no wider than `width` at spaces (a single word wider than
    /// `width` stays on its own line). Line breaks in `s` are kept. Never returns no lines.
    static func wrap(_ s: String, width: Double, size: Double, bold: Bool = false) -> [String] {
        var lines: [String] = []
        for paragraph in s.split(separator: "\n", omittingEmptySubsequences: false) {
            var current = ""
            for word in paragraph.split(separator: " ") {
                let candidate = current.isEmpty ? String(word) : current + " " + word
                if !current.isEmpty && self.width(candidate, size: size, bold: bold) > width {
                    lines.append(current)
                    current = String(word)
                } else {
                    current = candidate
                }
            }
            lines.append(current)
        }
        return lines
    }
}

/// Small deterministic SVG string builder (coordinates rounded to 0.1 px).
struct SVGBuilder {
    var body = ""

    /// A coordinate or length with at most one decimal, never `-0`.
    static func num(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let tenths = Int((x * 10).rounded())
        if tenths == 0 { return "0" }
        let sign = tenths < 0 ? "-" : ""
        let a = tenths.magnitude
        return a % 10 == 0 ? sign + String(a / 10) : sign + String(a / 10) + "." + String(a % 10)
    }

    mutating func raw(_ s: String) { body += s; body += "\n" }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1, dash: String? = nil, extra: String = "") {
        var s = "<line x1=\"\(Self.num(x1))\" y1=\"\(Self.num(y1))\" x2=\"\(Self.num(x2))\" y2=\"\(Self.num(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.num(width))\""
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        raw(s + extra + "/>")
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String? = nil, strokeWidth: Double = 1) {
        var s = "<rect x=\"\(Self.num(x))\" y=\"\(Self.num(y))\" width=\"\(Self.num(max(0, w)))\" height=\"\(Self.num(max(0, h)))\" fill=\"\(fill)\""
        if let stroke { s += " stroke=\"\(stroke)\" stroke-width=\"\(Self.num(strokeWidth))\"" }
        raw(s + "/>")
    }

    mutating func circle(_ cx: Double, _ cy: Double, r: Double, fill: String, stroke: String? = nil, strokeWidth: Double = 1, opacity: String? = nil) {
        var s = "<circle cx=\"\(Self.num(cx))\" cy=\"\(Self.num(cy))\" r=\"\(Self.num(r))\" fill=\"\(fill)\""
        if let opacity { s += " fill-opacity=\"\(opacity)\"" }
        if let stroke { s += " stroke=\"\(stroke)\" stroke-width=\"\(Self.num(strokeWidth))\"" }
        raw(s + "/>")
    }

    enum Anchor: String { case start, middle, end }

    mutating func text(_ x: Double, _ y: Double, _ content: String, size: Double, fill: String = ChartPalette.text,
                       anchor: Anchor = .start, bold: Bool = false, halo: Bool = false) {
        var s = "<text x=\"\(Self.num(x))\" y=\"\(Self.num(y))\" font-size=\"\(Self.num(size))\" fill=\"\(fill)\""
        if anchor != .start { s += " text-anchor=\"\(anchor.rawValue)\"" }
        if bold { s += " font-weight=\"bold\"" }
        // A white outline painted under the glyphs keeps labels legible over lines.
        if halo { s += " stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\"" }
        raw(s + ">" + XMLText.escape(content) + "</text>")
    }
}

import StatKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether terminal output may use ANSI styling, decided once and passed around.
///
/// Styling is on only when standard output is a terminal and `NO_COLOR` is unset or empty
/// (see https://no-color.org). Tests and the CLI can construct a style explicitly:
///
/// ```swift
/// let style = TerminalStyle.standardOutput        // decided once per process
/// print(style.bold("Layoffs") + " " + style.dim("(2024)"))
/// TerminalStyle.plain.bold("x") == "x"
/// ```
public struct TerminalStyle: Sendable, Equatable {
    /// `true` if ANSI escape sequences are emitted.
    public var isEnabled: Bool

    /// A style that emits escapes when `isEnabled` is `true`.
    public init(isEnabled: Bool) { self.isEnabled = isEnabled }

    /// No styling.
    public static let plain = TerminalStyle(isEnabled: false)
    /// Always styled (for tests and `--color=always`).
    public static let ansi = TerminalStyle(isEnabled: true)

    /// The decision for this process's standard output, made once on first use.
    public static let standardOutput = TerminalStyle.detect()

    /// Decides from the given facts; pure, for tests.
    /// - Parameters:
    ///   - isTerminal: Whether the output stream is a TTY.
    ///   - noColor: The value of `NO_COLOR`, or `nil` if unset. Any non-empty value disables colour.
    public static func decide(isTerminal: Bool, noColor: String?) -> TerminalStyle {
        TerminalStyle(isEnabled: isTerminal && (noColor ?? "").isEmpty)
    }

    /// Decides for a file descriptor (default: standard output) from `isatty` and `NO_COLOR`.
    public static func detect(fileDescriptor: Int32 = 1) -> TerminalStyle {
        let noColor = getenv("NO_COLOR").map { String(cString: $0) }
        return decide(isTerminal: isatty(fileDescriptor) == 1, noColor: noColor)
    }

    /// Foreground colours (the 8 standard ANSI colours, which terminals theme consistently).
    public enum Color: Int, Sendable {
        /// SGR 30–37.
        case black = 30, red, green, yellow, blue, magenta, cyan, white
    }

    /// `text` wrapped in the SGR codes, or unchanged when styling is off.
    public func apply(_ codes: [Int], _ text: String) -> String {
        guard isEnabled, !codes.isEmpty, !text.isEmpty else { return text }
        return "\u{1B}[" + codes.map(String.init).joined(separator: ";") + "m" + text + "\u{1B}[0m"
    }

    /// Bold text.
    public func bold(_ text: String) -> String { apply([1], text) }
    /// Dim (faint) text, for secondary information.
    public func dim(_ text: String) -> String { apply([2], text) }
    /// Underlined text.
    public func underline(_ text: String) -> String { apply([4], text) }
    /// Coloured text.
    public func color(_ color: Color, _ text: String) -> String { apply([color.rawValue], text) }
    /// Green for increases, red for decreases, unchanged for zero or `nil` (e.g. a signed percent).
    public func signed(_ text: String, value: Double?) -> String {
        guard let value, value != 0, value.isFinite else { return text }
        return color(value > 0 ? .green : .red, text)
    }
}

/// Unicode sparklines and horizontal bars for compact trends in a terminal.
public enum TextGraphics {
    /// The eight sparkline levels, lowest first.
    public static let sparkGlyphs: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// One glyph per value, scaled between the smallest and largest present value
    /// (`min` → `▁`, `max` → `█`); `nil` and non-finite values print as a space. A constant
    /// series prints at the middle level `▄`. Pass `minimum: 0` to anchor the scale at zero
    /// (bars then compare as magnitudes).
    public static func sparkline(_ values: [Double?], minimum: Double? = nil) -> String {
        let present = values.compactMap { $0 }.filter { $0.isFinite }
        guard let hi0 = present.max(), let lo0 = present.min() else {
            return String(repeating: " ", count: values.count)
        }
        let lo = minimum.map { Swift.min($0, lo0) } ?? lo0
        let hi = hi0
        return String(values.map { v -> Character in
            guard let v, v.isFinite else { return " " }
            guard hi > lo else { return sparkGlyphs[3] }
            let level = Int(((v - lo) / (hi - lo) * 7).rounded())
            return sparkGlyphs[Swift.max(0, Swift.min(7, level))]
        })
    }

    /// A horizontal bar of `value / maximum * width` cells drawn with eighth-block glyphs
    /// (`█` full, `▏▎▍▌▋▊▉` partial), no padding. Zero, negative, `nil` or non-finite values
    /// give an empty string; a tiny positive value gives at least `▏` so it stays visible.
    public static func bar(_ value: Double?, maximum: Double, width: Int) -> String {
        guard let value, value.isFinite, value > 0, maximum > 0, width > 0 else { return "" }
        let eighths = Swift.max(1, Int((Swift.min(value, maximum) / maximum * Double(width) * 8).rounded()))
        let partials: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var out = String(repeating: "█", count: eighths / 8)
        if eighths % 8 > 0 { out.append(partials[eighths % 8 - 1]) }
        return out
    }

    /// A labelled horizontal bar chart, one line per item: label (left-aligned),
    /// value (right-aligned, formatted with `format`), then the bar scaled to the largest value.
    ///
    /// ```
    /// Jan 2024   12,400 ██████████████▌
    /// Feb 2024    3,100 ███▋
    /// Mar 2024      n/a
    /// ```
    public static func bars(labels: [String], values: [Double?], width: Int = 40,
                            format: (Double?) -> String = { NumberStyle.count.format($0) }) -> String {
        let n = Swift.min(labels.count, values.count)
        let texts = (0..<n).map { format(values[$0]) }
        let labelWidth = labels.prefix(n).map { $0.count }.max() ?? 0
        let valueWidth = texts.map { $0.count }.max() ?? 0
        let maximum = values.prefix(n).compactMap { $0 }.filter { $0.isFinite }.max() ?? 0
        var out = ""
        for i in 0..<n {
            let b = bar(values[i], maximum: maximum, width: width)
            var line = TextWidth.pad(labels[i], to: labelWidth, .left) + "  " + TextWidth.pad(texts[i], to: valueWidth, .right)
            if !b.isEmpty { line += " " + b }
            out += line + "\n"
        }
        return out
    }
}

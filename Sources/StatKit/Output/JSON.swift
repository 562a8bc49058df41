/// A JSON value with ordered object keys, and a deterministic writer (RFC 8259).
///
/// Use it for every `--format json` output so that key order, number text and string
/// escaping are the same everywhere:
///
/// ```swift
/// let v: JSONValue = .object([("n", .int(27000)), ("rate", .number(0.125)), ("note", nil)])
/// v.serialized()            // {"n":27000,"rate":0.125,"note":null}
/// v.serialized(indent: 2)   // pretty-printed, two-space indent
/// ```
///
/// Numbers use ``NumberFormat/shortest(_:)`` (shortest round-trip text), NaN and ±infinity
/// become `null`. Object keys keep the order given; duplicate keys are written as given
/// (avoid them).
public enum JSONValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A floating-point number; non-finite values are written as `null`.
    case number(Double)
    /// An integer, written exactly.
    case int(Int)
    /// A string, escaped per RFC 8259.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object whose keys keep the given order.
    case object([(key: String, value: JSONValue)])

    /// A number, or `null` for `nil`.
    public static func number(_ x: Double?) -> JSONValue { x.map { .number($0) } ?? .null }
    /// An integer, or `null` for `nil`.
    public static func int(_ n: Int?) -> JSONValue { n.map { .int($0) } ?? .null }
    /// A string, or `null` for `nil`.
    public static func string(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }

    /// Structural equality; object keys must match in order. NaN numbers compare equal
    /// (both serialize as `null`).
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y || (x.isNaN && y.isNaN)
        case let (.int(x), .int(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// The JSON text. `indent: 0` (default) is compact with no spaces; a positive indent
    /// pretty-prints with that many spaces per level, `": "` after keys and `\n` line ends
    /// (no trailing newline). Empty arrays and objects print as `[]` and `{}`.
    public func serialized(indent: Int = 0) -> String {
        var out = ""
        write(to: &out, indent: max(0, indent), level: 0)
        return out
    }

    /// Appends the JSON text to `out`; see ``serialized(indent:)``.
    public func write(to out: inout String, indent: Int = 0, level: Int = 0) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let x): out += NumberFormat.shortest(x) ?? "null"
        case .int(let n): out += String(n)
        case .string(let s): JSONValue.writeString(s, to: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                newline(&out, indent: indent, level: level + 1)
                item.write(to: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent: indent, level: level)
            out += "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (i, member) in members.enumerated() {
                if i > 0 { out += "," }
                newline(&out, indent: indent, level: level + 1)
                JSONValue.writeString(member.key, to: &out)
                out += indent > 0 ? ": " : ":"
                member.value.write(to: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent: indent, level: level)
            out += "}"
        }
    }

    private func newline(_ out: inout String, indent: Int, level: Int) {
        guard indent > 0 else { return }
        out += "\n"
        out += String(repeating: " ", count: indent * level)
    }

    /// Appends `s` as a JSON string literal: `"` and `\` are escaped, control characters
    /// U+0000–U+001F use `\b \f \n \r \t` or `\u00XX`, and U+2028/U+2029 are escaped as
    /// `\u2028`/`\u2029` (safe to embed in JavaScript). Other characters are written as UTF-8.
    public static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    out += "\\u00"
                    out += hexDigit(scalar.value >> 4)
                    out += hexDigit(scalar.value & 0xF)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// `s` as a JSON string literal including the quotes.
    public static func quoted(_ s: String) -> String {
        var out = ""
        writeString(s, to: &out)
        return out
    }

    private static func hexDigit(_ v: UInt32) -> String {
        String(Character(Unicode.Scalar(v < 10 ? 48 + v : 87 + v)!))
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    /// `nil` is `null`.
    public init(nilLiteral: ()) { self = .null }
    /// A boolean literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer literal is ``int(_:)-swift.enum.case``.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A float literal is ``number(_:)-swift.enum.case``.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// A string literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An array literal.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// A dictionary literal; keys keep the order written.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(elements.map { (key: $0.0, value: $0.1) })
    }
}

/// A syntax error in a model formula: where (1-based character position) and what was expected.
///
/// ```
/// let e = try? Formula("y ~ x +")   // throws
/// print(e.caretDisplay)
/// // y ~ x +
/// //        ^ expected a term, found end of formula
/// ```
public struct FormulaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The formula text as given.
    public let formula: String
    /// 1-based position of the offending character (one past the end for "end of formula").
    public let position: Int
    /// What the parser expected there, e.g. `"a term"`, `"')'"`.
    public let expected: String
    /// What it found, e.g. `"'$'"` or `"end of formula"`.
    public let found: String

    /// An error at 1-based `position` of `formula`.
    public init(formula: String, position: Int, expected: String, found: String) {
        self.formula = formula
        self.position = position
        self.expected = expected
        self.found = found
    }

    /// `formula error at position P: expected E, found F`.
    public var description: String {
        "formula error at position \(position): expected \(expected), found \(found)"
    }

    /// The formula on one line and a caret under the offending position on the next,
    /// followed by the message; suitable for a terminal (assumes one column per character).
    public var caretDisplay: String {
        formula + "\n" + String(repeating: " ", count: max(0, position - 1)) + "^ expected \(expected), found \(found)"
    }
}

/// A lexical token of the formula language.
struct FormulaToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        case number(Double)
        case string(String)
        /// One of `~ + - * / ^ : ( ) , =`; `**` is read as `^` (as R does).
        case symbol(Character)
        case end
    }
    var kind: Kind
    /// 1-based character position of the first character.
    var position: Int
    /// The characters as written (whitespace never included).
    var text: String

    var describe: String {
        switch kind {
        case .end: return "end of formula"
        case .string: return "string \(text)"
        default: return "'\(text)'"
        }
    }
}

enum FormulaLexer {
    /// A name cannot begin with a combining mark (`c` is then a lone mark, as after a line
    /// break): a formula's description puts a space before each name, and a mark after a
    /// space is one character with it, which would read back as whitespace.
    static func isIdentifierStart(_ c: Character) -> Bool {
        (c.isLetter || c == "_" || c == ".") && !startsWithMark(c)
    }
    static func isIdentifierPart(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "." }

    /// Whether `c` begins with a combining mark (general category Mn, Mc or Me).
    static func startsWithMark(_ c: Character) -> Bool {
        switch c.unicodeScalars.first!.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// Whitespace: every scalar of `c` is (a space with a combining mark after it is not:
    /// skipping it would drop the mark from the formula unseen).
    static func isWhitespace(_ c: Character) -> Bool { c.unicodeScalars.allSatisfy(\.properties.isWhitespace) }

    static func tokenize(_ source: String) throws(FormulaError) -> [FormulaToken] {
        let chars = Array(source)
        var tokens: [FormulaToken] = []
        var i = 0
        func fail(_ at: Int, _ expected: String, _ found: String) -> FormulaError {
            FormulaError(formula: source, position: at + 1, expected: expected, found: found)
        }
        while i < chars.count {
            let c = chars[i]
            if isWhitespace(c) { i += 1; continue }
            let start = i
            if c.isASCII && c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isASCII && chars[i + 1].isNumber) {
                // number: digits [. digits] [e [+-] digits]
                while i < chars.count, chars[i].isASCII, chars[i].isNumber { i += 1 }
                if i < chars.count, chars[i] == "." {
                    i += 1
                    while i < chars.count, chars[i].isASCII, chars[i].isNumber { i += 1 }
                }
                if i < chars.count, chars[i] == "e" || chars[i] == "E" {
                    var j = i + 1
                    if j < chars.count, chars[j] == "+" || chars[j] == "-" { j += 1 }
                    guard j < chars.count, chars[j].isASCII, chars[j].isNumber else {
                        throw fail(j, "digits of an exponent", j < chars.count ? "'\(chars[j])'" : "end of formula")
                    }
                    while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
                    i = j
                }
                if i < chars.count, isIdentifierStart(chars[i]) {
                    throw fail(i, "an operator after the number", "'\(chars[i])'")
                }
                let text = String(chars[start..<i])
                guard let v = Double(text) else { throw fail(start, "a number", "'\(text)'") }
                tokens.append(FormulaToken(kind: .number(v), position: start + 1, text: text))
            } else if isIdentifierStart(c) {
                while i < chars.count, isIdentifierPart(chars[i]) { i += 1 }
                let text = String(chars[start..<i])
                tokens.append(FormulaToken(kind: .identifier(text), position: start + 1, text: text))
            } else if c == "\"" || c == "'" {
                i += 1
                while i < chars.count, chars[i] != c { i += 1 }
                guard i < chars.count else { throw fail(i, "closing \(c) of the string started at position \(start + 1)", "end of formula") }
                i += 1
                let text = String(chars[start..<i])
                tokens.append(FormulaToken(kind: .string(String(chars[(start + 1)..<(i - 1)])), position: start + 1, text: text))
            } else if c == "*" && i + 1 < chars.count && chars[i + 1] == "*" {
                i += 2
                tokens.append(FormulaToken(kind: .symbol("^"), position: start + 1, text: "**"))
            } else if "~+-*/^:(),=|".contains(c) {
                i += 1
                tokens.append(FormulaToken(kind: .symbol(c), position: start + 1, text: String(c)))
            } else {
                throw fail(i, "a column name, number, operator or parenthesis", "'\(c)'")
            }
        }
        tokens.append(FormulaToken(kind: .end, position: chars.count + 1, text: ""))
        return tokens
    }
}

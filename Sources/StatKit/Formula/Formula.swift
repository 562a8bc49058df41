#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A function allowed in a formula: `log` (natural), `log1p`, `log2`, `log10`, `sqrt`, `exp`, `abs`.
public enum FormulaFunction: String, Sendable, CaseIterable {
    case log, log1p, log2, log10, sqrt, exp, abs

    /// Applies the function (IEEE semantics: `log(0) = −∞`, `sqrt(−1) = NaN`).
    public func apply(_ x: Double) -> Double {
        switch self {
        case .log: return LibM.log(x)
        case .log1p: return LibM.log1p(x)
        case .log2: return LibM.log2(x)
        case .log10: return LibM.log10(x)
        case .sqrt: return x.squareRoot()
        case .exp: return LibM.exp(x)
        case .abs: return Swift.abs(x)
        }
    }
}

/// An arithmetic operator inside `I()` or a function argument.
public enum ArithmeticOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", power = "^"
}

/// An arithmetic expression over columns, as found inside `I(…)`, `log(…)` and the like,
/// or a bare column name.
public indirect enum FormulaExpression: Sendable, Hashable {
    case number(Double)
    case column(String)
    case negate(FormulaExpression)
    case binary(ArithmeticOperator, FormulaExpression, FormulaExpression)
    case call(FormulaFunction, FormulaExpression)
    /// `I(…)`: protects arithmetic from formula operators; evaluates to its argument.
    case identity(FormulaExpression)

    /// Whether the expression is a bare column (exact in double, no low-order part).
    public var isBareColumn: Bool { if case .column = self { return true } else { return false } }

    /// Column names referenced, in order of first appearance.
    public var columns: [String] {
        var out: [String] = []
        func walk(_ e: FormulaExpression) {
            switch e {
            case .number: break
            case .column(let n): if !out.contains(n) { out.append(n) }
            case .negate(let a), .call(_, let a), .identity(let a): walk(a)
            case .binary(_, let a, let b): walk(a); walk(b)
            }
        }
        walk(self)
        return out
    }

    /// Evaluates with `value(name)` giving each column's value.
    public func evaluate(_ value: (String) -> Double) -> Double {
        switch self {
        case .number(let v): return v
        case .column(let n): return value(n)
        case .negate(let a): return -a.evaluate(value)
        case .identity(let a): return a.evaluate(value)
        case .call(let f, let a): return f.apply(a.evaluate(value))
        case .binary(let op, let a, let b):
            let x = a.evaluate(value), y = b.evaluate(value)
            switch op {
            case .add: return x + y
            case .subtract: return x - y
            case .multiply: return x * y
            case .divide: return x / y
            case .power: return LibM.pow(x, y)
            }
        }
    }
}

/// One factor of a formula term: an expression (a column, possibly transformed) or an
/// explicit categorical `C(column)` / `C(column, ref="level")`.
public struct FormulaFactor: Sendable, Hashable, CustomStringConvertible {
    /// What the factor is syntactically (whether a bare column is numeric or categorical
    /// is decided by the table's column type when the design is built).
    public enum Kind: Sendable, Hashable {
        /// A bare column (numeric, or categorical if the column holds text) or a numeric
        /// transformation such as `log(x)` or `I(a/b)`.
        case expression(FormulaExpression)
        /// `C(column)` or `C(column, ref="level")`: categorical with treatment coding.
        case categorical(column: String, reference: String?)
        /// `offset(expr)`: a known part of the linear predictor with coefficient 1 (log
        /// exposure in a count model); not a design column. See ``Formula/offsets``.
        case offset(FormulaExpression)
    }
    /// The parsed factor.
    public let kind: Kind
    /// The factor as written with whitespace removed, e.g. `log(x2)`, `I(x^2)`,
    /// `C(g,ref="b")`. Two factors with the same text are the same factor.
    public let text: String

    /// The stem of design-matrix column names: `text`, except `C(g, ref=…)` gives `C(g)`.
    public var displayName: String {
        if case .categorical(let column, _) = kind { return "C(\(column))" }
        return text
    }

    /// Column names referenced, in order of first appearance.
    public var columns: [String] {
        switch kind {
        case .expression(let e), .offset(let e): return e.columns
        case .categorical(let c, _): return [c]
        }
    }

    /// The factor's ``text``.
    public var description: String { text }
}

/// A term: an interaction of one or more factors (the intercept is not a term here;
/// see ``Formula/hasIntercept``). Terms are equal when they have the same set of factors
/// (`a:b` equals `b:a`); ``factors`` keeps the order of first appearance.
public struct FormulaTerm: Sendable, Hashable, CustomStringConvertible {
    /// The factors, in order of first appearance, without repeats.
    public let factors: [FormulaFactor]

    /// A term of `factors` (repeats removed; the empty term is the intercept).
    public init(_ factors: [FormulaFactor]) {
        var seen = Set<FormulaFactor>()
        self.factors = factors.filter { seen.insert($0).inserted }
    }

    /// Equal when the factor sets are equal (order ignored).
    public static func == (a: FormulaTerm, b: FormulaTerm) -> Bool { Set(a.factors) == Set(b.factors) }
    /// Hashes the factor set.
    public func hash(into h: inout Hasher) { h.combine(Set(factors)) }

    /// `a:b` style name.
    public var description: String { factors.map(\.text).joined(separator: ":") }
}

/// A parsed model formula in Wilkinson–Rogers notation, as in R and patsy.
///
/// Supported: `y ~ x1 + log(x2) + log1p(x3) + sqrt(x4) + exp(x) + I(x^2) + I(a/b)
/// + C(group) + C(g, ref="b") + a:b + a*b`, parentheses such as `(a + b):c`,
/// `- 1` / `+ 0` / `0 +` / `-1 +` to drop the intercept and `+ 1` to restore it, and
/// `- term` to remove a term. Inside `I()` and function arguments: numeric literals,
/// `+ - * / ^` (`**` also means `^`) with the usual precedence, right-associative `^`,
/// and unary minus binding looser than `^` (`-x^2` is `-(x^2)`, as in R and Python).
/// Column names consist of letters, digits, `_` and `.` and do not start with a digit.
///
/// The term algebra follows patsy: `a*b` is `a + b + a:b`, terms are de-duplicated keeping
/// the first occurrence, and `a:b` distributes over sums. The response may be any single
/// factor, e.g. `log(total_laid_off)`.
public struct Formula: Sendable, Equatable, CustomStringConvertible {
    /// The formula text as given.
    public let source: String
    /// The left-hand side, or `nil` for a one-sided formula `~ x`.
    public let response: FormulaFactor?
    /// Right-hand-side terms in order of appearance (intercept excluded).
    public let terms: [FormulaTerm]
    /// Whether the model has an intercept (the default; removed by `- 1` or `+ 0`).
    public let hasIntercept: Bool
    /// Fixed effects absorbed, fixest's syntax `y ~ x1 + x2 | company + year`: the columns
    /// whose levels each get their own intercept, absorbed rather than estimated as
    /// dummies (``FixedEffectsModel``). The model then has no intercept of its own.
    public let fixedEffects: [String]
    /// `offset(…)` terms: parts of the linear predictor with coefficient 1 (summed), such as
    /// `offset(log(employees))` for counts out of a workforce (factors of kind
    /// ``FormulaFactor/Kind/offset(_:)``).
    public let offsets: [FormulaFactor]

    /// Parses `source`; throws ``FormulaError`` with the 1-based position of the problem.
    public init(_ source: String) throws(FormulaError) {
        var p = FormulaParser(source: source, tokens: try FormulaLexer.tokenize(source))
        let parsed = try p.parseFormula()
        self.source = source
        self.response = parsed.response
        var terms: [FormulaTerm] = [], offsets: [FormulaFactor] = []
        for t in parsed.rhs.terms {
            let inside = t.factors.filter { if case .offset = $0.kind { return true } else { return false } }
            if inside.isEmpty { terms.append(t); continue }
            guard t.factors.count == 1 else {
                throw FormulaError(formula: source, position: 1, expected: "offset() as a term of its own, not in an interaction",
                                   found: t.description)
            }
            offsets.append(inside[0])
        }
        if let r = parsed.response, case .offset = r.kind {
            throw FormulaError(formula: source, position: 1, expected: "a response that is not offset()", found: r.text)
        }
        self.terms = terms
        self.offsets = offsets
        self.fixedEffects = parsed.fixedEffects
        self.hasIntercept = !parsed.rhs.interceptRemoved && parsed.fixedEffects.isEmpty
    }

    /// Every column the formula references (response first), in order of first appearance.
    public var columnsUsed: [String] {
        var out: [String] = []
        let factors = (response.map { [$0] } ?? []) + terms.flatMap(\.factors)
        for f in factors { for c in f.columns where !out.contains(c) { out.append(c) } }
        for f in offsets { for c in f.columns where !out.contains(c) { out.append(c) } }
        for c in fixedEffects where !out.contains(c) { out.append(c) }
        return out
    }

    /// The formula rebuilt from its parts, e.g. `y ~ 1 + x + C(g) + x:C(g)`.
    public var description: String {
        let rhs = (hasIntercept || !fixedEffects.isEmpty ? ["1"] : ["0"]) + terms.map(\.description) + offsets.map(\.text)
        return (response.map { $0.text + " " } ?? "") + "~ " + rhs.joined(separator: " + ")
            + (fixedEffects.isEmpty ? "" : " | " + fixedEffects.joined(separator: " + "))
    }

    /// Equal when response, terms, offsets and intercept agree (the source text may differ).
    public static func == (a: Formula, b: Formula) -> Bool {
        a.response == b.response && a.terms == b.terms && a.hasIntercept == b.hasIntercept && a.offsets == b.offsets
            && a.fixedEffects == b.fixedEffects
    }
}

/// Intermediate value of the term algebra (patsy's `IntermediateExpr`).
struct TermSet {
    var intercept: Bool
    var interceptRemoved: Bool
    var terms: [FormulaTerm]
    /// 0 or 1 when this came straight from that literal (so `x - 1`, `x + 0` work).
    var literal: Int?
    /// Position of the first token, for errors.
    var position: Int

    static func unique(_ ts: [FormulaTerm]) -> [FormulaTerm] {
        var seen = Set<FormulaTerm>()
        return ts.filter { seen.insert($0).inserted }
    }

    init(intercept: Bool, interceptRemoved: Bool, terms: [FormulaTerm], literal: Int? = nil, position: Int) {
        self.intercept = intercept
        self.interceptRemoved = interceptRemoved
        self.terms = TermSet.unique(terms)
        self.literal = literal
        self.position = position
    }
}

struct FormulaParser {
    let source: String
    let tokens: [FormulaToken]
    var index = 0

    init(source: String, tokens: [FormulaToken]) {
        self.source = source
        self.tokens = tokens
    }

    var current: FormulaToken { tokens[index] }

    func error(_ expected: String, at token: FormulaToken? = nil) -> FormulaError {
        let t = token ?? current
        return FormulaError(formula: source, position: t.position, expected: expected, found: t.describe)
    }

    func isSymbol(_ c: Character) -> Bool { current.kind == .symbol(c) }

    mutating func expect(_ c: Character) throws(FormulaError) {
        guard isSymbol(c) else { throw error("'\(c)'") }
        index += 1
    }

    // MARK: formula level

    mutating func parseFormula() throws(FormulaError) -> (response: FormulaFactor?, rhs: TermSet, fixedEffects: [String]) {
        var response: FormulaFactor? = nil
        if !isSymbol("~") {
            let lhsStart = current
            if current.kind == .end { throw error("a response and '~'") }
            let lhs = try parseSum()
            guard isSymbol("~") else {
                throw error(current.kind == .end ? "'~' (a formula needs a left- and right-hand side)" : "'~' or an operator")
            }
            guard lhs.terms.count == 1, lhs.terms[0].factors.count == 1, !lhs.intercept else {
                throw error("a single response (one column or transformation) before '~'", at: lhsStart)
            }
            response = lhs.terms[0].factors[0]
        }
        try expect("~")
        let rhs = try parseSum()
        var fixedEffects: [String] = []
        if isSymbol("|") {
            // fixest: `| fe1 + fe2`, column names only.
            index += 1
            repeat {
                if isSymbol("+") { index += 1 }
                guard case .identifier(let name) = current.kind else { throw error("a column name of a fixed effect after '|'") }
                if !fixedEffects.contains(name) { fixedEffects.append(name) }
                index += 1
            } while isSymbol("+")
        }
        guard current.kind == .end else {
            if isSymbol("^") || isSymbol("/") {
                throw error("'+', '-', '*', ':' or end of formula (arithmetic belongs inside I(), e.g. I(x^2), I(a/b))")
            }
            throw error("an operator ('+', '-', '*', ':', '|') or end of formula")
        }
        return (response, rhs, fixedEffects)
    }

    /// sum := ['+'|'-'] product (('+'|'-') product)*
    mutating func parseSum() throws(FormulaError) -> TermSet {
        var left: TermSet
        if isSymbol("-") || isSymbol("+") {
            let op = current
            index += 1
            let operand = try parseProduct()
            if op.text == "+" {
                left = operand
            } else {
                switch operand.literal {
                case 1: left = TermSet(intercept: false, interceptRemoved: true, terms: [], position: op.position)
                case 0: left = TermSet(intercept: true, interceptRemoved: false, terms: [], position: op.position)
                default: throw error("1 or 0 after a leading '-' (only the intercept can be removed this way)",
                                     at: tokenAt(operand.position))
                }
            }
        } else {
            left = try parseProduct()
        }
        while isSymbol("+") || isSymbol("-") {
            let plus = isSymbol("+")
            index += 1
            let right = try parseProduct()
            left = plus ? Self.plus(left, right) : Self.minus(left, right)
        }
        return left
    }

    func tokenAt(_ position: Int) -> FormulaToken {
        tokens.first { $0.position == position } ?? current
    }

    static func plus(_ l: TermSet, _ r: TermSet) -> TermSet {
        if r.literal == 0 { return TermSet(intercept: false, interceptRemoved: true, terms: l.terms, position: l.position) }
        if r.intercept { return TermSet(intercept: true, interceptRemoved: false, terms: l.terms + r.terms, position: l.position) }
        return TermSet(intercept: l.intercept, interceptRemoved: l.interceptRemoved, terms: l.terms + r.terms, position: l.position)
    }

    static func minus(_ l: TermSet, _ r: TermSet) -> TermSet {
        if r.literal == 0 { return TermSet(intercept: true, interceptRemoved: false, terms: l.terms, position: l.position) }
        if r.literal == 1 { return TermSet(intercept: false, interceptRemoved: true, terms: l.terms, position: l.position) }
        let remaining = l.terms.filter { !r.terms.contains($0) }
        if r.intercept { return TermSet(intercept: false, interceptRemoved: true, terms: remaining, position: l.position) }
        return TermSet(intercept: l.intercept, interceptRemoved: l.interceptRemoved, terms: remaining, position: l.position)
    }

    func interaction(_ l: TermSet, _ r: TermSet) throws(FormulaError) -> [FormulaTerm] {
        for side in [l, r] where side.intercept || side.literal != nil {
            throw error("a column or transformation (the intercept cannot be part of an interaction)", at: tokenAt(side.position))
        }
        guard l.terms.count * r.terms.count + l.terms.count + r.terms.count <= FormulaParser.maxTerms else {
            throw error("a formula with at most \(FormulaParser.maxTerms) terms (this product expands to more)", at: tokenAt(r.position))
        }
        var out: [FormulaTerm] = []
        for a in l.terms { for b in r.terms { out.append(FormulaTerm(a.factors + b.factors)) } }
        return out
    }

    /// Largest number of terms a product may expand to: `a*b*…` with k factors has 2^k − 1
    /// terms, so without a cap a short formula could ask for millions of columns.
    static let maxTerms = 256

    /// product := interaction ('*' interaction)*
    mutating func parseProduct() throws(FormulaError) -> TermSet {
        var left = try parseInteraction()
        while isSymbol("*") {
            index += 1
            let right = try parseInteraction()
            let inter = try interaction(left, right)
            left = TermSet(intercept: false, interceptRemoved: false, terms: left.terms + right.terms + inter, position: left.position)
        }
        return left
    }

    /// interaction := atom (':' atom)*
    mutating func parseInteraction() throws(FormulaError) -> TermSet {
        var left = try parseAtom()
        while isSymbol(":") {
            index += 1
            let right = try parseAtom()
            left = TermSet(intercept: false, interceptRemoved: false, terms: try interaction(left, right), position: left.position)
        }
        return left
    }

    /// atom := '(' sum ')' | '0' | '1' | factor
    mutating func parseAtom() throws(FormulaError) -> TermSet {
        let t = current
        switch t.kind {
        case .symbol("("):
            index += 1
            var inner = try parseSum()
            try expect(")")
            inner.position = t.position
            return inner
        case .number(let v):
            guard v == 0 || v == 1 else {
                throw error("a term (numbers other than 0 and 1 are allowed only inside I())")
            }
            index += 1
            return v == 1
                ? TermSet(intercept: true, interceptRemoved: false, terms: [], literal: 1, position: t.position)
                : TermSet(intercept: false, interceptRemoved: true, terms: [], literal: 0, position: t.position)
        case .identifier:
            let f = try parseFactor()
            return TermSet(intercept: false, interceptRemoved: false, terms: [FormulaTerm([f])], position: t.position)
        default:
            throw error("a term (a column name, a function such as log(), I(), C(), '(' or 1/0)")
        }
    }

    /// The source text of tokens[from..<to] with whitespace removed.
    func text(_ from: Int, _ to: Int) -> String { tokens[from..<to].map(\.text).joined() }

    /// factor := C '(' identifier [',' 'ref' '=' (string|number)] ')' | expressionPrimary
    mutating func parseFactor() throws(FormulaError) -> FormulaFactor {
        let start = index
        if case .identifier("offset") = current.kind, tokens[index + 1].kind == .symbol("(") {
            index += 2
            let e = try parseArithmetic()
            try expect(")")
            return FormulaFactor(kind: .offset(e), text: text(start, index))
        }
        if case .identifier("C") = current.kind, tokens[index + 1].kind == .symbol("(") {
            index += 2
            guard case .identifier(let column) = current.kind else { throw error("a column name inside C()") }
            index += 1
            var reference: String? = nil
            if isSymbol(",") {
                index += 1
                guard case .identifier(let key) = current.kind, key == "ref" || key == "reference" else {
                    throw error("'ref=' (the reference level)")
                }
                index += 1
                try expect("=")
                switch current.kind {
                case .string(let s): reference = s
                case .number(let v): reference = formulaLevelLabel(v)
                default: throw error("a quoted level name or a number after 'ref='")
                }
                index += 1
            }
            try expect(")")
            return FormulaFactor(kind: .categorical(column: column, reference: reference), text: text(start, index))
        }
        let e = try parsePrimary()
        return FormulaFactor(kind: .expression(e), text: text(start, index))
    }

    // MARK: arithmetic (inside I() and function arguments)

    /// arith := term (('+'|'-') term)*
    mutating func parseArithmetic() throws(FormulaError) -> FormulaExpression {
        var left = try parseArithmeticTerm()
        while isSymbol("+") || isSymbol("-") {
            let op: ArithmeticOperator = isSymbol("+") ? .add : .subtract
            index += 1
            left = .binary(op, left, try parseArithmeticTerm())
        }
        return left
    }

    /// term := unary (('*'|'/') unary)*
    mutating func parseArithmeticTerm() throws(FormulaError) -> FormulaExpression {
        var left = try parseUnary()
        while isSymbol("*") || isSymbol("/") {
            let op: ArithmeticOperator = isSymbol("*") ? .multiply : .divide
            index += 1
            left = .binary(op, left, try parseUnary())
        }
        return left
    }

    /// unary := ('-'|'+') unary | power
    mutating func parseUnary() throws(FormulaError) -> FormulaExpression {
        if isSymbol("-") { index += 1; return .negate(try parseUnary()) }
        if isSymbol("+") { index += 1; return try parseUnary() }
        return try parsePower()
    }

    /// power := primary ['^' unary]   (right-associative; `2^-1` allowed)
    mutating func parsePower() throws(FormulaError) -> FormulaExpression {
        let base = try parsePrimary()
        if isSymbol("^") {
            index += 1
            return .binary(.power, base, try parseUnary())
        }
        return base
    }

    /// primary := number | column | function '(' arith ')' | 'I' '(' arith ')' | '(' arith ')'
    mutating func parsePrimary() throws(FormulaError) -> FormulaExpression {
        let t = current
        switch t.kind {
        case .number(let v):
            index += 1
            return .number(v)
        case .symbol("("):
            index += 1
            let inner = try parseArithmetic()
            try expect(")")
            return inner
        case .identifier(let name):
            index += 1
            guard isSymbol("(") else { return .column(name) }
            let functions = FormulaFunction.allCases.map(\.rawValue).joined(separator: ", ")
            if name == "C" { throw error("a column or number (C() cannot be used inside an expression)", at: t) }
            guard name == "I" || FormulaFunction(rawValue: name) != nil else {
                throw error("a known function (\(functions), I, C)", at: t)
            }
            index += 1
            if isSymbol(")") { throw error("an argument") }
            let arg = try parseArithmetic()
            guard isSymbol(")") else {
                throw error(isSymbol(",") ? "')' (\(name)() takes one argument)" : "')' or an arithmetic operator")
            }
            index += 1
            if name == "I" { return .identity(arg) }
            return .call(FormulaFunction(rawValue: name)!, arg)
        default:
            throw error("a number, column name, function or '('")
        }
    }
}

/// The shortest text of a numeric level: `2` for 2.0, `2.5`, `1e-05`.
func formulaLevelLabel(_ v: Double) -> String {
    if v == v.rounded(), Swift.abs(v) < 9.007_199_254_740_992e15 { return String(Int64(v)) }
    return "\(v)"
}

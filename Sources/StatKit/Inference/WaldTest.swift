/// A Wald test of linear hypotheses about the coefficients, `Rβ = q`, under the fit's
/// covariance: `F = (Rβ̂ − q)ᵀ(R V Rᵀ)⁻¹(Rβ̂ − q)/r` on `(r, df)` degrees of freedom, `df` the
/// fit's ``RegressionResult/inferenceDegreesOfFreedom`` (statsmodels' `f_test`, R's
/// `car::linearHypothesis` with `test = "F"`); for a generalized linear model with a fixed
/// dispersion (z tests), the χ² form `r·F` on `r` degrees of freedom (``df2`` `nil`).
///
/// ```swift
/// let joint = try fit.test("x1 = 0, x2 = 0")
/// let equal = try fit.test("log(employees) = 1")
/// let same  = try fit.test("C(g)[T.b] - C(g)[T.c] = 0")
/// ```
public struct WaldTest: Sendable, Equatable {
    /// The hypotheses as written.
    public let hypothesis: String
    /// `F`.
    public let statistic: Double
    /// Number of restrictions `r`.
    public let df1: Int
    /// Denominator degrees of freedom; `nil` for the χ² form.
    public let df2: Int?
    /// `P(F(r, df) ≥ statistic)`, or `P(χ²ᵣ ≥ statistic)`.
    public let pValue: Double
}

extension RegressionResult {
    /// Tests linear hypotheses written as equations between sums of terms, separated by
    /// commas: `a = 0`, `a = b`, `a - 2*b = 1`, `a + b = 0, c = 0`. Terms are the design's
    /// column names as printed (`log(employees)`, `C(g)[T.b]`, `(Intercept)`).
    public func test(_ hypotheses: String) throws(RegressionError) -> WaldTest {
        let (r, q) = try Self.restrictions(hypotheses, terms: termNames, kept: keptTerms)
        let k = keptTerms.count, m = r.count
        let beta = coefficients.compactMap(\.estimate)
        // d = Rβ − q, W = R V Rᵀ.
        var d = [Double](repeating: 0, count: m)
        for i in 0..<m { d[i] = (0..<k).reduce(-q[i]) { $0 + r[i][$1] * beta[$1] } }
        var w = Matrix(rows: m, columns: m)
        for a in 0..<m { for b in 0..<m {
            var s = 0.0
            for i in 0..<k where r[a][i] != 0 { for j in 0..<k where r[b][j] != 0 { s += r[a][i] * covarianceMatrix[i, j] * r[b][j] } }
            w[a, b] = s
        } }
        var rhs = Matrix(columns: [d])
        let chol = Self.cholesky(w)
        guard let l = chol else {
            throw .unusableColumn("the hypotheses '\(hypotheses)' are not linearly independent under this covariance (R V Rᵀ is singular)")
        }
        // ‖L⁻¹d‖².
        for i in 0..<m {
            for c in 0..<i { rhs[i, 0] -= l[i, c] * rhs[c, 0] }
            rhs[i, 0] /= l[i, i]
        }
        let w2 = (0..<m).reduce(0.0) { $0 + rhs[$1, 0] * rhs[$1, 0] }
        if state.normal {
            return WaldTest(hypothesis: hypotheses, statistic: w2, df1: m, df2: nil,
                            pValue: ChiSquaredDistribution(degreesOfFreedom: Double(m)).sf(w2))
        }
        let f = w2 / Double(m)
        let df2 = inferenceDegreesOfFreedom
        let p = FDistribution(numeratorDF: Double(m), denominatorDF: Double(df2)).sf(f)
        return WaldTest(hypothesis: hypotheses, statistic: f, df1: m, df2: df2, pValue: p)
    }

    /// Lower Cholesky factor of a symmetric positive definite matrix, `nil` otherwise.
    static func cholesky(_ a: Matrix) -> Matrix? {
        let n = a.rows
        var l = Matrix(rows: n, columns: n)
        for j in 0..<n {
            var s = a[j, j]
            for c in 0..<j { s -= l[j, c] * l[j, c] }
            guard s > 1e-10 * abs(a[j, j]), s.isFinite else { return nil }
            l[j, j] = s.squareRoot()
            for i in (j + 1)..<max(j + 1, n) {
                var t = a[i, j]
                for c in 0..<j { t -= l[i, c] * l[j, c] }
                l[i, j] = t / l[j, j]
            }
        }
        return l
    }

    /// The rows of `R` (over the kept terms) and `q` of comma-separated equations.
    static func restrictions(_ text: String, terms: [String], kept: [String]) throws(RegressionError) -> ([[Double]], [Double]) {
        func bad(_ why: String) -> RegressionError { .unusableColumn("hypothesis '\(text)': \(why)") }
        var rows: [[Double]] = [], q: [Double] = []
        for equation in split(text, on: ",") {
            let sides = split(equation, on: "=")
            guard sides.count == 2 else { throw bad("'\(equation.trimmed)' is not one equation (a = b)") }
            var row = [Double](repeating: 0, count: kept.count)
            var constant = 0.0
            for (side, sign) in [(sides[0], 1.0), (sides[1], -1.0)] {
                for (coefficient, term) in try summands(side, text: text) {
                    guard let term else { constant -= sign * coefficient; continue }
                    guard let j = kept.firstIndex(of: term) else {
                        if terms.contains(term) { throw bad("'\(term)' is aliased: it has no estimate to test") }
                        throw .unknownTerm(term, terms: terms)
                    }
                    row[j] += sign * coefficient
                }
            }
            guard row.contains(where: { $0 != 0 }) else { throw bad("'\(equation.trimmed)' involves no coefficient") }
            rows.append(row)
            q.append(constant)
        }
        guard !rows.isEmpty else { throw bad("no equation") }
        return (rows, q)
    }

    /// The summands of one side: `(coefficient, term)`, `term` nil for a number.
    static func summands(_ side: String, text: String) throws(RegressionError) -> [(Double, String?)] {
        var tokens: [(Double, String)] = []
        var current = "", sign = 1.0, depth = 0
        for ch in side {
            if ch == "(" || ch == "[" { depth += 1 }
            if ch == ")" || ch == "]" { depth -= 1 }
            let t = current.trimmed
            // The sign of an exponent (`1e-5`) belongs to its number.
            let exponent = (t.last == "e" || t.last == "E") && Double(t.dropLast()) != nil
            if depth == 0 && (ch == "+" || ch == "-") && !exponent {
                if !t.isEmpty { tokens.append((sign, t)); current = ""; sign = 1 }
                if ch == "-" { sign = -sign }
                continue
            }
            current.append(ch)
        }
        if !current.trimmed.isEmpty { tokens.append((sign, current.trimmed)) }
        return try tokens.map { (sign, token) throws(RegressionError) -> (Double, String?) in
            if let v = Double(token) { return (sign * v, nil) }
            let parts = split(token, on: "*").map(\.trimmed)
            if parts.count == 1 { return (sign, token) }
            if parts.count == 2, let v = Double(parts[0]) { return (sign * v, parts[1]) }
            if parts.count == 2, let v = Double(parts[1]) { return (sign * v, parts[0]) }
            throw .unusableColumn("hypothesis '\(text)': cannot read '\(token)' (write a number times a term, e.g. 2*x)")
        }
    }

    /// `s` split at `separator` outside parentheses and brackets.
    static func split(_ s: String, on separator: Character) -> [String] {
        var parts: [String] = [], current = "", depth = 0
        for ch in s {
            if ch == "(" || ch == "[" { depth += 1 }
            if ch == ")" || ch == "]" { depth -= 1 }
            if ch == separator && depth == 0 { parts.append(current); current = ""; continue }
            current.append(ch)
        }
        parts.append(current)
        return parts
    }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}

/// Why a model could not be fitted: the one error type of StatKit's model fitting, from
/// the formula and the data to the numerics. Every case is thrown, never trapped, and its
/// ``description`` is a message for the person who wrote the formula or gave the data.
public enum RegressionError: Error, Sendable, Equatable, CustomStringConvertible {
    // MARK: The formula and the table

    /// The formula text does not parse (``FormulaError/caretDisplay`` shows where).
    case formula(FormulaError)
    /// A column named by the formula, the weights or the clusters is not in the data.
    case missingColumn(String, available: [String])
    /// A text column appears inside arithmetic or a function such as `log()`.
    case textColumnInArithmetic(column: String, expression: String)
    /// The response is a text column or `C(…)`; it must be numeric.
    case categoricalResponse(String)
    /// The formula is one-sided (`~ x`) but a response is needed.
    case noResponse
    /// `C(g, ref="z")` names a level that does not occur among the rows kept.
    case unknownReferenceLevel(factor: String, level: String, levels: [String])
    /// A categorical factor coded by treatment contrasts has fewer than two levels left.
    case tooFewLevels(factor: String, levels: [String])
    /// Listwise deletion removed every row.
    case noRowsLeft(RowExclusions)
    /// A weights or cluster column that cannot serve (e.g. text weights).
    case unusableColumn(String)

    // MARK: Files read in blocks

    /// The CSV file cannot be read or is malformed (located by file, line and field).
    case csv(CSVError)
    /// One value, located by file, physical line and 1-based field (0: the whole record).
    case located(file: String, line: Int, column: Int, message: String)
    /// Passes over the same data that disagree (a column changing type, a level that
    /// appears only in a later pass because the file changed in between).
    case inconsistentInput(String)

    // MARK: Arrays and matrices

    /// The design has no columns.
    case emptyDesign
    /// The design has no rows.
    case noObservations
    /// Lengths of design, response, weights, clusters or names disagree.
    case dimensionMismatch(String)
    /// A NaN or infinite value in the data given to the fit; `column` is the term name,
    /// `"response"` or `"weights"`; `row` is zero-based among the rows fitted.
    case nonFinite(column: String, row: Int, value: Double)
    /// A weight that is not strictly positive and finite (zero-based `row`).
    case nonPositiveWeight(row: Int, value: Double)

    // MARK: The fit and its inference

    /// `n − rank ≤ 0`: no degrees of freedom left to estimate σ².
    case noResidualDegreesOfFreedom(observations: Int, rank: Int)
    /// Every column was found aliased (e.g. every column is zero).
    case noEstimableColumns
    /// Confidence level outside (0, 1).
    case invalidLevel(Double)
    /// A cluster-robust covariance without usable cluster ids.
    case clustersRequired(String)
    /// HC2/HC3 divide by `1 − hᵢᵢ`, undefined for observations with leverage 1
    /// (zero-based rows among those fitted, at most the first 10).
    case leverageOne(covariance: String, rows: [Int])
    /// A coefficient name that is not in the model.
    case unknownTerm(String, terms: [String])
    /// LAPACK reported a failure (a bug or a pathological input, never a data problem).
    case numerical(String)

    public var description: String {
        switch self {
        case .formula(let e): return e.description
        case let .missingColumn(c, available):
            return "no column named '\(c)'; the columns are: \(available.joined(separator: ", "))"
        case let .textColumnInArithmetic(c, e):
            return "column '\(c)' holds text and cannot be used in arithmetic ('\(e)'); use it bare or as C(\(c)) for a categorical term"
        case .categoricalResponse(let r): return "the response '\(r)' is categorical; it must be a numeric column or transformation"
        case .noResponse: return "the formula has no response (left-hand side)"
        case let .unknownReferenceLevel(f, l, ls):
            return "reference level '\(l)' of \(f) does not occur; the levels are: \(ls.joined(separator: ", "))"
        case let .tooFewLevels(f, ls):
            return "\(f) has \(ls.count) level\(ls.count == 1 ? "" : "s") (\(ls.joined(separator: ", "))) among the rows kept; at least 2 are needed"
        case .noRowsLeft(let x): return "no rows left after listwise deletion (\(x))"
        case .unusableColumn(let m): return m
        case .csv(let e): return e.description
        case let .located(file, line, column, message):
            // Without a line (blocks from memory) a field number alone would read as a line.
            return "\(file)\(line > 0 ? ":\(line)" : "")\(line > 0 && column > 0 ? ":\(column)" : ""): \(message)"
        case .inconsistentInput(let m): return m
        case .emptyDesign: return "the design matrix has no columns"
        case .noObservations: return "the design matrix has no rows"
        case let .dimensionMismatch(d): return "dimension mismatch: \(d)"
        case let .nonFinite(c, r, v): return "non-finite value \(v) in column '\(c)', row \(r + 1)"
        case let .nonPositiveWeight(r, v): return "weight \(v) in row \(r + 1) is not strictly positive and finite"
        case let .noResidualDegreesOfFreedom(n, k):
            return "no residual degrees of freedom: \(n) observations for \(k) estimable coefficients (need n > rank)"
        case .noEstimableColumns: return "no estimable column: every column of the design is aliased (e.g. all zero)"
        case let .invalidLevel(l): return "confidence level \(l) is not in (0, 1)"
        case let .clustersRequired(d): return "cluster-robust covariance: \(d)"
        case let .leverageOne(c, rows):
            return "\(c) covariance is undefined: observation(s) \(rows.map { String($0 + 1) }.joined(separator: ", ")) have leverage h_ii = 1"
        case let .unknownTerm(t, terms): return "no term '\(t)' in the model; the terms are: \(terms.joined(separator: ", "))"
        case .numerical(let m): return "numerical failure: \(m)"
        }
    }
}

import Foundation
import Testing
@testable import StatKit

/// `Reference/formula-reference.json`, written by `scripts/reference/formula_reference.py`
/// from `patsy.dmatrices(formula, data, NA_action="drop")` (see the script for the
/// documented naming differences and the dropping of unused levels).
private struct FormulaReference: Decodable {
    struct ColumnData: Decodable {
        var type: String
        var numbers: [Double?]?
        var strings: [String?]?
        enum CodingKeys: String, CodingKey { case type, values }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            type = try c.decode(String.self, forKey: .type)
            if type == "text" { strings = try c.decode([String?].self, forKey: .values) }
            else { numbers = try c.decode([Double?].self, forKey: .values) }
        }
    }
    struct Case: Decodable, CustomTestStringConvertible {
        var formula: String
        var also_require: [String]
        var column_names: [String]
        var term_names: [String]
        var assign: [Int]
        var response_name: String
        var x: [[Double]]
        var y: [Double]
        var kept_rows: [Int]
        var exclusions: [String: Int]
        var testDescription: String { formula }
    }
    var column_order: [String]
    var data: [String: ColumnData]
    var cases: [Case]

    static let shared: FormulaReference = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Reference/formula-reference.json")
        do {
            return try JSONDecoder().decode(FormulaReference.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot load \(url.path): \(error)")
        }
    }()

    var table: DataTable {
        get throws {
            try DataTable(column_order.map { name in
                let c = data[name]!
                return (name, c.type == "text" ? Column.text(TextColumn(c.strings!)) : Column.numeric(NumericColumn(c.numbers!)))
            })
        }
    }
}

/// X and y: |actual − patsy| ≤ 1e-13 · max(1, |patsy|) (libm log/exp/sqrt/pow may differ
/// from numpy's in the last bit; everything else is exact arithmetic on the same doubles).
private func near(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-13 * max(1, abs(b)) }

@Suite struct FormulaDesignTests {
    @Test(arguments: FormulaReference.shared.cases)
    fileprivate func matchesPatsy(_ c: FormulaReference.Case) throws {
        let d = try DesignMatrix(formula: c.formula, data: try FormulaReference.shared.table, alsoRequire: c.also_require)
        #expect(d.termNames == c.column_names)
        #expect(d.terms.map(\.name) == c.term_names)
        #expect(d.assign == c.assign)
        #expect(d.responseName == c.response_name)
        #expect(d.keptRows == c.kept_rows)
        #expect(d.exclusions.byReason == c.exclusions)
        #expect(d.exclusions.keptCount == c.kept_rows.count)
        #expect(d.x.rows == c.x.count && d.x.columns == c.column_names.count)
        #expect(d.y.count == c.y.count)
        for (i, v) in zip(d.y, c.y).enumerated() where !near(v.0, v.1) {
            Issue.record("y[\(i)] = \(v.0), patsy \(v.1)")
        }
        guard d.x.rows == c.x.count, d.x.columns == c.column_names.count else { return }
        var bad: [String] = []
        for i in 0..<d.x.rows {
            for j in 0..<d.x.columns where !near(d.x[i, j], c.x[i][j]) {
                bad.append("X[\(i), \(c.column_names[j])] = \(d.x[i, j]), patsy \(c.x[i][j])")
            }
        }
        #expect(bad.isEmpty, "\(bad.prefix(10).joined(separator: "\n"))")
        // Term column ranges agree with the assign vector.
        for (k, t) in d.terms.enumerated() {
            #expect(t.columns.allSatisfy { d.assign[$0] == k })
        }
    }

    private func smallTable() throws -> DataTable {
        try DataTable([
            ("y", .numeric(NumericColumn([1, 2, nil, 4, 5, 6, nil, 8]))),
            ("x", .numeric(NumericColumn([1, 0, 3, -1, nil, 2, nil, 4]))),
            ("employees", .numeric(NumericColumn([10, 20, 30, 40, 50, 60, 70, 80]))),
            ("g", .text(TextColumn(["b", "a", "c", "a", "b", nil, "c", "b"]))),
            ("w", .numeric(NumericColumn([1, 1, 1, 1, 1, 1, 1, nil]))),
        ])
    }

    @Test func exclusionsAreCountedOncePerRowByFirstReason() throws {
        // Row 2: y missing. Row 4: x missing. Row 6: y and x missing → "missing y".
        // Row 1: log(0); row 3: log(-1) → "log(x) not finite". Row 5: g missing, row 7: w missing
        // (alsoRequire, checked after the formula's columns, in the order given).
        let d = try DesignMatrix(formula: "y ~ log(x) + employees", data: smallTable(), alsoRequire: ["w", "g"])
        #expect(d.exclusions.byReason == ["missing y": 2, "missing x": 1, "missing g": 1, "missing w": 1, "log(x) not finite": 2])
        #expect(d.exclusions.reasons.map(\.reason) == ["missing y", "missing x", "missing w", "missing g", "log(x) not finite"])
        #expect(d.exclusions.excludedCount == 7 && d.exclusions.totalRows == 8)
        #expect(d.keptRows == [0])
        #expect(d.termNames == ["(Intercept)", "log(x)", "employees"])
        // With only row 0 left, g has one level: treatment coding is impossible.
        #expect(throws: RegressionError.tooFewLevels(factor: "C(g)", levels: ["b"])) {
            try DesignMatrix(formula: "y ~ log(x) + C(g)", data: smallTable(), alsoRequire: ["w"])
        }
        let e = try DesignMatrix(formula: "y ~ log(employees) + x", data: smallTable())
        #expect(e.keptRows == [0, 1, 3, 5, 7])
        #expect(e.exclusions.description == "3 of 8 rows excluded: missing y: 2, missing x: 1")
        #expect(e.y == [1, 2, 4, 6, 8])
        #expect(e.x.column(1) == [10, 20, 40, 60, 80].map { log(Double($0)) })
    }

    @Test func missingColumnListsTheColumnsThatExist() throws {
        let t = try smallTable()
        #expect(throws: RegressionError.missingColumn("nope", available: ["y", "x", "employees", "g", "w"])) {
            try DesignMatrix(formula: "y ~ x + log(nope)", data: t)
        }
        #expect(throws: RegressionError.missingColumn("weights", available: ["y", "x", "employees", "g", "w"])) {
            try DesignMatrix(formula: "y ~ x", data: t, alsoRequire: ["weights"])
        }
        let message = RegressionError.missingColumn("nope", available: t.names).description
        #expect(message.contains("y, x, employees, g, w"))
    }

    @Test func textColumnInArithmeticIsAClearError() throws {
        let t = try smallTable()
        #expect(throws: RegressionError.textColumnInArithmetic(column: "g", expression: "log(g)")) {
            try DesignMatrix(formula: "y ~ log(g)", data: t)
        }
        #expect(throws: RegressionError.textColumnInArithmetic(column: "g", expression: "I(x*g)")) {
            try DesignMatrix(formula: "y ~ I(x * g)", data: t)
        }
        #expect(throws: RegressionError.categoricalResponse("g")) { try DesignMatrix(formula: "g ~ x", data: t) }
        #expect(throws: RegressionError.noResponse) { try DesignMatrix(formula: "~ x", data: t) }
        #expect(RegressionError.textColumnInArithmetic(column: "g", expression: "log(g)").description.contains("C(g)"))
    }

    @Test func unknownReferenceLevelListsLevels() throws {
        let t = try smallTable()
        // Level "c" occurs only in rows whose y is missing, so it is dropped.
        #expect(throws: RegressionError.unknownReferenceLevel(factor: "C(g)", level: "z", levels: ["a", "b"])) {
            try DesignMatrix(formula: "y ~ C(g, ref=\"z\")", data: t)
        }
        let d = try DesignMatrix(formula: "employees ~ C(g, ref='c')", data: t)
        #expect(d.termNames == ["(Intercept)", "C(g)[T.a]", "C(g)[T.b]"])
        #expect(d.keptRows == [0, 1, 2, 3, 4, 6, 7])
        #expect(d.categoricalLevels == [CategoricalLevels(factor: "C(g)", levels: ["a", "b", "c"], reference: "c")])
    }

    @Test func numericColumnInsideCIsCategoricalWithShortestLabels() throws {
        let t = try DataTable([
            ("y", .numeric(NumericColumn([1, 2, 3, 4, 5, 6]))),
            ("n", .numeric(NumericColumn([2.5, 10, 2.5, 1e-5, 10, 10]))),
        ])
        let d = try DesignMatrix(formula: "y ~ C(n)", data: t)
        #expect(d.termNames == ["(Intercept)", "C(n)[T.2.5]", "C(n)[T.10]"])
        #expect(d.x.column(2) == [0, 1, 0, 0, 1, 1])
        let r = try DesignMatrix(formula: "y ~ C(n, ref=10)", data: t)
        #expect(r.termNames == ["(Intercept)", "C(n)[T.1e-05]", "C(n)[T.2.5]"])
    }

    @Test func noRowsLeftIsThrown() throws {
        let t = try DataTable([("y", .numeric(NumericColumn([1, 2]))), ("x", .numeric(NumericColumn([-1, 0])))])
        #expect(throws: RegressionError.self) { try DesignMatrix(formula: "y ~ sqrt(x) + log(x)", data: t) }
        do {
            _ = try DesignMatrix(formula: "y ~ sqrt(x) + log(x)", data: t)
        } catch {
            guard case .noRowsLeft(let ex) = error else { Issue.record("unexpected \(error)"); return }
            #expect(ex.byReason == ["sqrt(x) not finite": 1, "log(x) not finite": 1])
        }
    }

    @Test func syntaxErrorsAreWrapped() throws {
        #expect(throws: RegressionError.formula(FormulaError(formula: "y ~ x +", position: 8, expected: "a term (a column name, a function such as log(), I(), C(), '(' or 1/0)", found: "end of formula"))) {
            try DesignMatrix(formula: "y ~ x +", data: smallTable())
        }
    }
}

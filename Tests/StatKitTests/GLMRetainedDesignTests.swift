import Foundation
import Testing
@testable import StatKit

/// IRLS on a table in memory keeps the design after its first full pass instead of
/// evaluating the formula in every step: the same blocks come back, the source is read
/// twice whatever the number of steps, a pass with cluster codes still reads the source,
/// and a design over the budget is read from the source every time. The fits are those of
/// the same rows read from a CSV file (never kept).
@Suite("GLM: design kept between IRLS steps")
struct GLMRetainedDesignTests {
    /// Counts the reads of a table.
    final class CountingSource: TableBlockSource, @unchecked Sendable {
        let table: DataTableBlockSource
        var reads = 0
        init(_ table: DataTable) { self.table = DataTableBlockSource(table, blockRows: 64) }
        var name: String { "counted" }
        func columnNames() throws(RegressionError) -> [String] { try table.columnNames() }
        func forEachBlock(columns: [String], _ body: (DataTable, [Int]?) throws(RegressionError) -> Void) throws(RegressionError) {
            reads += 1
            try table.forEachBlock(columns: columns, body)
        }
    }

    /// Counts of layoffs out of a workforce: y, employees, x, a factor g, a firm id.
    static func counts(_ n: Int) throws -> DataTable {
        var y: [Double?] = [], e: [Double?] = [], x: [Double?] = [], g: [String?] = [], firm: [String?] = []
        for i in 0..<n {
            let level = ["a", "b", "c", "d"][(i * 7) % 4], xi = Double((i * 37) % 101) / 50 - 1
            let employees = Double(50 + (i * 7919) % 5000)
            let mu = employees * 0.01 * (1 + 0.5 * xi) * (level == "b" ? 1.5 : 1)
            y.append(Double(max(0, Int(mu + Double((i * 104_729) % 17) - 8))))
            e.append(employees); x.append(xi); g.append(level); firm.append("f\(i % 37)")
        }
        return try DataTable([("y", .numeric(NumericColumn(y))), ("employees", .numeric(NumericColumn(e))),
                              ("x", .numeric(NumericColumn(x))), ("g", .text(TextColumn(g))), ("firm", .text(TextColumn(firm)))])
    }

    static func blocks(_ s: some DesignStream, _ layout: DesignLayout?, clusters: [String] = []) throws -> [[Double]] {
        var out: [[Double]] = []
        try s.forEachBlock(layout: layout, clusters: clusters, threads: 1) { (b) throws(RegressionError) in
            out.append(b.x.storage + b.y + (b.offset ?? []) + b.sourceRows.map(Double.init))
        }
        return out
    }

    @Test("kept blocks are the source's, read twice in all")
    func keptBlocks() throws {
        let table = try Self.counts(500)
        let parsed = try Formula("y ~ x + C(g) + offset(log(employees))")
        let counted = CountingSource(table)
        let kept = RetainedStream(base: try FormulaStream(formula: parsed, source: counted, weights: nil, clusters: ["firm"]),
                                  budget: 1 << 20)
        _ = try Self.blocks(kept, nil)
        let layout = try kept.layout()
        let first = try Self.blocks(kept, layout)
        for _ in 0..<3 { #expect(try Self.blocks(kept, layout) == first) }
        #expect(counted.reads == 2)
        // Cluster codes come from the source.
        _ = try Self.blocks(kept, layout, clusters: ["firm"])
        #expect(counted.reads == 3)

        let reference = try FormulaStream(formula: parsed, source: DataTableBlockSource(table, blockRows: 64), weights: nil, clusters: ["firm"])
        _ = try Self.blocks(reference, nil)
        #expect(try Self.blocks(reference, try reference.layout()) == first)
    }

    /// Without categorical terms the first pass's columns are the final ones: the blocks
    /// are kept from it, and the source is read once.
    @Test("a design whose first pass has the final columns is read once")
    func numericDesignReadOnce() throws {
        let table = try Self.counts(500)
        let parsed = try Formula("y ~ x + log(employees) + offset(log(employees))")
        let counted = CountingSource(table)
        let kept = RetainedStream(base: try FormulaStream(formula: parsed, source: counted, weights: nil, clusters: []), budget: 1 << 20)
        let first = try Self.blocks(kept, nil)
        let layout = try kept.layout()
        for _ in 0..<3 { #expect(try Self.blocks(kept, layout) == first) }
        #expect(counted.reads == 1)
        let reference = try FormulaStream(formula: parsed, source: DataTableBlockSource(table, blockRows: 64), weights: nil, clusters: [])
        _ = try Self.blocks(reference, nil)
        #expect(try Self.blocks(reference, try reference.layout()) == first)
    }

    @Test("a design over the budget is read from the source in every pass")
    func overBudget() throws {
        let table = try Self.counts(500)
        let parsed = try Formula("y ~ x + C(g) + offset(log(employees))")
        let counted = CountingSource(table)
        let kept = RetainedStream(base: try FormulaStream(formula: parsed, source: counted, weights: nil, clusters: []), budget: 1000)
        _ = try Self.blocks(kept, nil)
        let layout = try kept.layout()
        let first = try Self.blocks(kept, layout)
        #expect(try Self.blocks(kept, layout) == first && counted.reads == 3)
        #expect(try Self.blocks(kept, layout) == first && counted.reads == 4)
    }

    @Test("fits of a table (design kept) and of its CSV file (read in every step) agree",
          arguments: [GLMFamily.poisson, .negativeBinomial(theta: nil)])
    func tableAndFileAgree(_ family: GLMFamily) throws {
        let table = try Self.counts(3000)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("glm-kept-\(family.name)-\(ProcessInfo.processInfo.processIdentifier).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var csv = "y,employees,x,g,firm\n"
        for i in 0..<table.rowCount {
            guard case .numeric(let y)? = table.column(named: "y"), case .numeric(let e)? = table.column(named: "employees"),
                  case .numeric(let x)? = table.column(named: "x"), case .text(let g)? = table.column(named: "g"),
                  case .text(let f)? = table.column(named: "firm") else { Issue.record("columns"); return }
            csv += "\(y[i]!),\(e[i]!),\(x[i]!),\(g[i]!),\(f[i]!)\n"
        }
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        let formula = "y ~ x + C(g) + offset(log(employees))"
        let options = LinearModel.Options(blockRows: 4096)
        let memory = try GeneralizedLinearModel.fit(formula, data: table, family: family, covariance: .cluster("firm"), options: options)
        let file = try GeneralizedLinearModel.fit(formula, csvFile: path, family: family, covariance: .cluster("firm"), options: options)
        #expect(memory.iterations == file.iterations && memory.converged && file.converged)
        for (a, b) in zip(memory.coefficients, file.coefficients) {
            #expect(abs(a.estimate! - b.estimate!) <= 1e-12 * max(abs(b.estimate!), b.standardError!), "\(a.term)")
            #expect(abs(a.standardError! - b.standardError!) <= 1e-12 * b.standardError!, "\(a.term)")
        }
        for (a, b) in [(memory.deviance, file.deviance), (memory.nullDeviance, file.nullDeviance),
                       (memory.logLikelihood, file.logLikelihood), (memory.nullLogLikelihood, file.nullLogLikelihood)] {
            #expect(abs(a - b) <= 1e-12 * abs(b))
        }
        // Two threads read the kept blocks in the same order: the same bits.
        var two = options
        two.threads = 2
        let parallel = try GeneralizedLinearModel.fit(formula, data: table, family: family, covariance: .cluster("firm"), options: two)
        #expect(parallel.coefficients == memory.coefficients && parallel.deviance == memory.deviance && parallel.theta == memory.theta)
    }
}

/// A formula evaluated over a ``TableBlockSource``: the design stream of every formula
/// fit. The frame is touched only by the stage that builds blocks, one pass at a time.
final class FormulaStream<Source: TableBlockSource>: DesignStream, @unchecked Sendable {
    let source: Source
    let formula: Formula
    private var frame: ModelFrame
    private var finished: ModelFrame.Layout?
    /// Exclusions of the first pass.
    private(set) var exclusions = RowExclusions(totalRows: 0, reasons: [])

    init(formula: Formula, source: Source, weights: String?, clusters: [String]) throws(RegressionError) {
        self.source = source
        self.formula = formula
        frame = try ModelFrame(formula: formula, columns: try source.columnNames(), weights: weights, clusters: clusters)
    }

    var weightsColumn: String? { frame.weightsColumn }

    /// Design entries per block at most (2 MiB of doubles): a wide design (many level
    /// columns) is handed on in fewer rows at a time, so blocks stay in cache.
    static var blockElements: Int { 1 << 18 }

    func forEachBlock(layout: DesignLayout?, clusters: [String], threads: Int,
                      _ body: (DesignBlock) throws(RegressionError) -> Void) throws(RegressionError) {
        let columns = frame.used + clusters.filter { !frame.used.contains($0) }
        let file = source.name
        if layout != nil { frame.restartCounts() }
        try StreamingPipeline.run(threads: threads, capacity: 2, produce: { [self] (emit: (DesignBlock) throws(RegressionError) -> Void) throws(RegressionError) in
            var firstRow = 0
            try source.forEachBlock(columns: columns) { (table, lines) throws(RegressionError) in
                defer { firstRow += table.rowCount }
                guard let b = try frame.evaluate(table, lines: lines, file: file, firstRow: firstRow, clusters: clusters) else { return }
                for part in b.parts(maxElements: Self.blockElements) { try emit(part) }
            }
        }, consume: body)
        if layout == nil {
            exclusions = frame.exclusions
        } else if frame.exclusions != exclusions {
            throw .inconsistentInput("a later pass excluded other rows than the first (\(frame.exclusions) against \(exclusions)); did the data change?")
        }
    }

    func codesInOrder(_ column: String) throws(RegressionError) -> [Int32] { frame.codesInOrder(column) }

    /// The label of each code of `column` (index = code).
    func codeLabels(_ column: String) -> [String] { frame.codeLabels(column) }

    func layout() throws(RegressionError) -> DesignLayout {
        let l = try frame.finish()
        finished = l
        return DesignLayout(source: l.source, names: l.names, hasIntercept: l.hasIntercept,
                            interceptColumn: l.hasIntercept ? l.names.firstIndex(of: "(Intercept)") : nil,
                            terms: l.terms, assign: l.assign, levels: l.levels)
    }
}

/// A design given as a matrix (and its response, weights), read in blocks of rows.
struct MatrixStream: DesignStream {
    let x: Matrix
    let low: Matrix?
    let y: [Double]
    let weights: [Double]?
    let names: [String]
    let hasIntercept: Bool
    let blockRows = 4096

    func forEachBlock(layout: DesignLayout?, clusters: [String], threads: Int,
                      _ body: (DesignBlock) throws(RegressionError) -> Void) throws(RegressionError) {
        guard clusters.isEmpty else { throw .clustersRequired("a fit from a matrix has no columns to cluster by; give one id per observation") }
        let n = x.rows, p = x.columns
        var start = 0
        while start < n {
            let r = start..<min(n, start + blockRows)
            // The block's rows of each column, copied as one run per column (column-major).
            func rows(_ m: Matrix) -> Matrix {
                if r.count == n && m.leadingDimension == n { return m }
                var out = Matrix(rows: r.count, columns: p)
                let ld = m.leadingDimension, k = r.count
                m.storage.withUnsafeBufferPointer { src in
                    out.storage.withUnsafeMutableBufferPointer { dst in
                        for j in 0..<p { (dst.baseAddress! + j * k).update(from: src.baseAddress! + j * ld + start, count: k) }
                    }
                }
                return out
            }
            var b = DesignBlock(x: rows(x), low: low.map(rows), y: Array(y[r]), weights: weights.map { Array($0[r]) })
            b.sourceRows = Array(r)
            try body(b)
            start = r.upperBound
        }
    }

    func codesInOrder(_ column: String) throws(RegressionError) -> [Int32] {
        throw .clustersRequired("a fit from arrays has no column '\(column)'")
    }

    func layout() -> DesignLayout {
        // The constant column: the first whose values are all equal and not zero.
        let constant = !hasIntercept ? nil : (0..<x.columns).first { j in
            x.rows > 0 && x[0, j] != 0 && (0..<x.rows).allSatisfy { x[$0, j] == x[0, j] }
        }
        return DesignLayout(source: Array(0..<x.columns), names: names, hasIntercept: hasIntercept, interceptColumn: constant,
                            terms: names.enumerated().map { DesignTerm(name: $1, columns: $0..<($0 + 1)) },
                            assign: Array(0..<x.columns))
    }
}

/// The final design of another stream with each block changed by `transform` (a response
/// replaced, columns appended): how the diagnostics fit their auxiliary regressions on the
/// rows of a fit without building them again by hand.
struct MappedStream: DesignStream {
    let base: any DesignStream
    let baseLayout: DesignLayout
    /// The new design's column names.
    let names: [String]
    let transform: @Sendable (DesignBlock) -> DesignBlock

    func forEachBlock(layout: DesignLayout?, clusters: [String], threads: Int,
                      _ body: (DesignBlock) throws(RegressionError) -> Void) throws(RegressionError) {
        try base.forEachBlock(layout: baseLayout, clusters: clusters, threads: threads) { (b) throws(RegressionError) in
            try body(transform(b))
        }
    }

    func layout() throws(RegressionError) -> DesignLayout {
        DesignLayout(source: Array(names.indices), names: names, hasIntercept: baseLayout.hasIntercept,
                     interceptColumn: baseLayout.interceptColumn,
                     terms: names.enumerated().map { DesignTerm(name: $1, columns: $0..<($0 + 1)) }, assign: Array(names.indices))
    }

    func codesInOrder(_ column: String) throws(RegressionError) -> [Int32] { try base.codesInOrder(column) }
}

/// Another stream's final blocks, kept in memory after their first read and handed out
/// again from there: how IRLS reads a table in memory once per fit rather than evaluating
/// its formula once per step. The first pass's blocks (accumulated columns) are the final
/// ones when the final layout takes every accumulated column in its order and every block
/// had them all: then they are kept from that pass. Passes that ask for cluster codes read
/// the base; so does every pass once the blocks have outgrown `budget` entries, the base
/// then being read as if there were no copy.
final class RetainedStream: DesignStream, @unchecked Sendable {
    let base: any DesignStream
    /// Most entries (design, low parts, response, weights, offset, rows) kept.
    let budget: Int
    private var kept: (layout: DesignLayout, blocks: [DesignBlock])? = nil
    private var firstPass: [DesignBlock]? = nil
    private var outgrown = false

    init(base: any DesignStream, budget: Int) {
        self.base = base
        self.budget = budget
    }

    func forEachBlock(layout: DesignLayout?, clusters: [String], threads: Int,
                      _ body: (DesignBlock) throws(RegressionError) -> Void) throws(RegressionError) {
        guard clusters.isEmpty, !outgrown else {
            return try base.forEachBlock(layout: layout, clusters: clusters, threads: threads, body)
        }
        if let layout {
            if let kept, kept.layout == layout {
                for b in kept.blocks { try body(b) }
                return
            }
            let width = layout.source.count
            if let first = firstPass, layout.source == Array(0..<width), first.allSatisfy({ $0.columns == width }) {
                kept = (layout, first)
                firstPass = nil
                for b in first { try body(b) }
                return
            }
        }
        var blocks: [DesignBlock] = [], size = 0
        try base.forEachBlock(layout: layout, clusters: [], threads: threads) { (b) throws(RegressionError) in
            if !outgrown {
                size += b.rows * (b.columns * (b.low == nil ? 1 : 2) + 4)
                if size <= budget { blocks.append(b) } else { outgrown = true; blocks = [] }
            }
            try body(b)
        }
        if outgrown { firstPass = nil; return }
        if let layout { kept = (layout, blocks) } else { firstPass = blocks }
    }

    func layout() throws(RegressionError) -> DesignLayout { try base.layout() }

    func codesInOrder(_ column: String) throws(RegressionError) -> [Int32] { try base.codesInOrder(column) }
}

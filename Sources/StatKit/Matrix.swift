/// A dense, column-major matrix of `Double` with value semantics.
///
/// Storage is a Swift array, so copies are cheap until one of them is mutated
/// (copy-on-write). Element `(i, j)` lives at `storage[i + j * leadingDimension]`,
/// which is the layout BLAS and LAPACK expect (`CblasColMajor`, `LAPACK_COL_MAJOR`).
/// The leading dimension is explicit so a matrix can carry padding rows, but every
/// initializer here produces `leadingDimension == rows` (at least 1, as LAPACK requires).
public struct Matrix: Sendable, Equatable {
    /// Number of rows.
    public private(set) var rows: Int
    /// Number of columns.
    public private(set) var columns: Int
    /// Distance in elements between the starts of consecutive columns (`≥ max(1, rows)`).
    public private(set) var leadingDimension: Int
    /// Column-major elements; `storage.count == leadingDimension * columns`.
    public var storage: [Double]

    /// A `rows × columns` matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.leadingDimension = max(1, rows)
        self.storage = [Double](repeating: value, count: max(1, rows) * columns)
    }

    /// A matrix over existing column-major storage.
    /// - Precondition: `storage.count == max(1, rows) * columns` (a programming error otherwise).
    public init(rows: Int, columns: Int, columnMajor storage: [Double]) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
        precondition(storage.count == max(1, rows) * columns, "storage has \(storage.count) elements, expected \(max(1, rows) * columns)")
        self.rows = rows
        self.columns = columns
        self.leadingDimension = max(1, rows)
        self.storage = storage
    }

    /// A matrix from an array of equally long rows (convenient in tests and small examples).
    public init(rowMajor rowArrays: [[Double]]) {
        let r = rowArrays.count
        let c = rowArrays.first?.count ?? 0
        self.init(rows: r, columns: c)
        for i in 0..<r {
            precondition(rowArrays[i].count == c, "row \(i) has \(rowArrays[i].count) elements, expected \(c)")
            for j in 0..<c { self[i, j] = rowArrays[i][j] }
        }
    }

    /// A matrix whose columns are the given arrays (all of one length).
    public init(columns columnArrays: [[Double]]) {
        let c = columnArrays.count
        let r = columnArrays.first?.count ?? 0
        var s = [Double]()
        s.reserveCapacity(max(1, r) * c)
        for col in columnArrays {
            precondition(col.count == r, "column has \(col.count) elements, expected \(r)")
            s.append(contentsOf: col)
            if r == 0 { s.append(0) }
        }
        self.init(rows: r, columns: c, columnMajor: s)
    }

    /// The `n × n` identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// Element at row `i`, column `j` (zero-based).
    @inlinable
    public subscript(i: Int, j: Int) -> Double {
        get { storage[i + j * leadingDimension] }
        set { storage[i + j * leadingDimension] = newValue }
    }

    /// Column `j` as a new array.
    public func column(_ j: Int) -> [Double] {
        let start = j * leadingDimension
        return Array(storage[start..<(start + rows)])
    }

    /// Row `i` as a new array.
    public func row(_ i: Int) -> [Double] {
        (0..<columns).map { self[i, $0] }
    }

    /// The transpose.
    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for j in 0..<columns { for i in 0..<rows { t[j, i] = self[i, j] } }
        return t
    }

    /// Whether the matrix has no elements.
    public var isEmpty: Bool { rows == 0 || columns == 0 }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        var lines: [String] = []
        for i in 0..<rows {
            lines.append((0..<columns).map { "\(self[i, $0])" }.joined(separator: "\t"))
        }
        return "Matrix(\(rows)×\(columns))\n" + lines.joined(separator: "\n")
    }
}

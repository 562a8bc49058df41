/// A numeric column: values plus an explicit presence mask. A missing value is never
/// stored as 0 or NaN that could leak into a sum; readers check `isPresent[i]`.
public struct NumericColumn: Sendable, Equatable {
    /// Values; the entry at a missing position is unspecified (kept as 0) and must not be read.
    public var values: [Double]
    /// `true` where the value is present.
    public var isPresent: [Bool]

    public init(values: [Double], isPresent: [Bool]) {
        precondition(values.count == isPresent.count, "values and mask differ in length")
        self.values = values
        self.isPresent = isPresent
    }

    /// A column from optionals (`nil` is missing).
    public init(_ optionals: [Double?]) {
        self.values = optionals.map { $0 ?? 0 }
        self.isPresent = optionals.map { $0 != nil }
    }

    public init() { values = []; isPresent = [] }

    public var count: Int { values.count }
    /// Value at `i`, or `nil` when missing.
    @inlinable public subscript(i: Int) -> Double? { isPresent[i] ? values[i] : nil }
    /// Number of missing entries.
    public var missingCount: Int { isPresent.reduce(0) { $0 + ($1 ? 0 : 1) } }

    public mutating func append(_ v: Double?) {
        values.append(v ?? 0)
        isPresent.append(v != nil)
    }
}

/// A text column, dictionary-encoded: `codes[i]` indexes `levels`, `-1` is missing.
/// Levels are kept in order of first appearance, so encoding is deterministic.
///
/// For text that repeats (categories, group keys); ``StringColumn`` holds text that rarely
/// repeats (URLs, notes) as written.
public struct TextColumn: Sendable, Equatable {
    public var codes: [Int32]
    /// The distinct values: level `k` is the value of code `k`.
    public var levels: [String]
    /// Code of each of `levels[0..<indexed]` by its text. Levels appended to `levels`
    /// directly (the CSV loaders do: they find levels by their bytes,
    /// ``TextColumnInterner``) join it when ``code(for:)`` next needs it, so that loading
    /// a column of many distinct values hashes no `String`.
    private var index: [String: Int32]
    private var indexed: Int

    public init() { codes = []; levels = []; index = [:]; indexed = 0 }

    /// Rows of a column as a read-only view: its codes and the whole column's levels,
    /// without the lookup index (``code(for:)`` and ``existingCode(for:)`` are not used on
    /// it). How a fit hands a table to its design builder in blocks without re-encoding.
    init<C: Collection>(viewCodes codes: C, levels: [String]) where C.Element == Int32 {
        self.codes = Array(codes)
        self.levels = levels
        index = [:]
        indexed = 0
    }

    /// A column from optionals (`nil` is missing).
    public init(_ strings: [String?]) {
        self.init()
        codes.reserveCapacity(strings.count)
        for s in strings { append(s) }
    }

    public var count: Int { codes.count }

    /// The rows at `indices`, their levels in order of first appearance among them: codes
    /// mapped through a table of the levels (no level's text hashed), each level kept as it
    /// is (equal levels stay apart, as in this column).
    package func selectingRows(_ indices: [Int]) -> TextColumn {
        var remap = [Int32](repeating: -1, count: levels.count)
        var out = TextColumn()
        out.codes.reserveCapacity(indices.count)
        for i in indices {
            let c = codes[i]
            if c < 0 {
                out.codes.append(-1)
                continue
            }
            var m = remap[Int(c)]
            if m < 0 {
                m = Int32(out.levels.count)
                remap[Int(c)] = m
                out.levels.append(levels[Int(c)])
            }
            out.codes.append(m)
        }
        return out
    }

    /// Value at `i`, or `nil` when missing.
    @inlinable public subscript(i: Int) -> String? {
        let c = codes[i]
        return c < 0 ? nil : levels[Int(c)]
    }

    /// Appends a value, adding a level if it is new.
    public mutating func append(_ s: String?) {
        codes.append(s.map { code(for: $0) } ?? -1)
    }

    /// The code of `s`, adding it as a level if new.
    public mutating func code(for s: String) -> Int32 {
        if indexed != levels.count { indexLevels() }
        // One hash of `s` whether it is found or added: the defaulted subscript's in-place
        // access finds the entry or makes it (-1, then set to the new code).
        let c = TextColumn.claim(&index[s, default: -1], Int32(levels.count))
        if c == Int32(levels.count) {
            levels.append(s)
            indexed = levels.count
        }
        return c
    }

    /// Adds the levels appended to `levels` directly to the index (the first of equal
    /// levels keeps its code); starts over if `levels` was shortened.
    private mutating func indexLevels() {
        if indexed > levels.count {
            index = [:]
            indexed = 0
        }
        index.reserveCapacity(levels.count)
        for k in indexed..<levels.count { _ = TextColumn.claim(&index[levels[k], default: -1], Int32(k)) }
        indexed = levels.count
    }

    /// `slot`'s code, or `next` stored into it when it holds none (-1).
    @inline(__always) private static func claim(_ slot: inout Int32, _ next: Int32) -> Int32 {
        if slot < 0 { slot = next }
        return slot
    }

    /// The code of an existing level, or `nil`. Levels appended to `levels` directly and
    /// not yet indexed (see ``code(for:)``) are compared one by one.
    public func existingCode(for s: String) -> Int32? {
        // An index of more levels than there are belongs to a longer list: unused.
        let from = indexed <= levels.count ? indexed : 0
        if from > 0, let c = index[s] { return c }
        for k in from..<levels.count where levels[k] == s { return Int32(k) }
        return nil
    }

    public static func == (a: TextColumn, b: TextColumn) -> Bool {
        a.count == b.count && (0..<a.count).allSatisfy { a[$0] == b[$0] }
    }
}

/// One column of a ``DataTable``.
public enum Column: Sendable, Equatable {
    case numeric(NumericColumn)
    case text(TextColumn)

    public var count: Int {
        switch self {
        case .numeric(let c): return c.count
        case .text(let c): return c.count
        }
    }
}

/// A rectangular table of named columns, the input of formulas and models.
///
/// Column names are unique. Row order is significant (it is the file's order).
public struct DataTable: Sendable, Equatable {
    public private(set) var names: [String]
    public private(set) var columns: [Column]
    /// Number of rows (all columns have this length).
    public private(set) var rowCount: Int

    public init() { names = []; columns = []; rowCount = 0 }

    /// A table from named columns. Throws if names repeat or lengths differ.
    public init(_ named: [(String, Column)]) throws(DataTableError) {
        self.init()
        for (n, c) in named { try add(n, c) }
    }

    /// Adds a column. Throws if the name exists or the length differs.
    public mutating func add(_ name: String, _ column: Column) throws(DataTableError) {
        if names.contains(name) { throw .duplicateColumn(name) }
        if !columns.isEmpty && column.count != rowCount {
            throw .lengthMismatch(name: name, expected: rowCount, actual: column.count)
        }
        if columns.isEmpty { rowCount = column.count }
        names.append(name)
        columns.append(column)
    }

    /// The column called `name`, or `nil`.
    public func column(named name: String) -> Column? {
        names.firstIndex(of: name).map { columns[$0] }
    }

    /// The column called `name`; throws an error listing the columns that exist.
    public func require(_ name: String) throws(DataTableError) -> Column {
        guard let c = column(named: name) else { throw .missingColumn(name, available: names) }
        return c
    }
}

/// Errors building or reading a ``DataTable``.
public enum DataTableError: Error, Sendable, Equatable, CustomStringConvertible {
    case duplicateColumn(String)
    case lengthMismatch(name: String, expected: Int, actual: Int)
    case missingColumn(String, available: [String])

    public var description: String {
        switch self {
        case .duplicateColumn(let n): return "duplicate column name '\(n)'"
        case .lengthMismatch(let n, let e, let a): return "column '\(n)' has \(a) rows, expected \(e)"
        case .missingColumn(let n, let av): return "no column named '\(n)'; the columns are: \(av.joined(separator: ", "))"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StatKit
import Synchronization

// The final columns of an events load parsed in segments, which every segment writes its
// rows into in place (see `EventLoader.loadSegments`): a segment's rows are written once,
// where they end up (give or take the move that closes the gap the row estimate left),
// instead of into a table of its own that is then copied into the first segment's.

/// Base addresses of the final columns of a segmented events load, each `capacity` rows
/// (valid inside ``EventLoader/withPlacedColumns(textColumns:capacity:_:)``).
struct PlacedColumns: @unchecked Sendable {
    /// Codes of the text columns: company, location, industry, source, stage, country,
    /// then the extras.
    let codes: [UnsafeMutablePointer<Int32>]
    let day: UnsafeMutablePointer<Day>
    /// Values of `cut`, `fraction`, `fundsRaised`.
    let values: [UnsafeMutablePointer<Double>]
    /// Presence of `cut`, `fraction`, `fundsRaised`.
    let present: [UnsafeMutablePointer<Bool>]
    /// Day numbers of `date_added` (``OptionalDayColumn/missing`` when missing).
    let added: UnsafeMutablePointer<Int32>
    let line: UnsafeMutablePointer<Int32>
    /// Rows each column holds.
    let capacity: Int

    /// Gives the whole pages of rows `from..<to` of every column back to the system (rows
    /// written, then moved away; beyond the columns' count, never read).
    func release(from: Int, to: Int) {
        #if canImport(Glibc)
        guard to > from else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        func release<T>(_ p: UnsafeMutablePointer<T>) {
            let first = (Int(bitPattern: p + from) + page - 1) / page * page
            let last = Int(bitPattern: p + to) / page * page
            if last > first { madvise(UnsafeMutableRawPointer(bitPattern: first), last - first, MADV_DONTNEED) }
        }
        for p in codes { release(p) }
        release(day)
        for p in values { release(p) }
        for p in present { release(p) }
        release(added)
        release(line)
        #endif
    }
}

/// The rows of the final columns one segment writes in place: from `start` (the row its
/// first byte is estimated to start at) up to `limit` (the next segment's start, or the
/// capacity). Rows beyond the limit stay in the segment's table (its overflow).
///
/// The limit moves down when another thread takes over the rest of the segment
/// (``cut(at:)``) while the segment writes (``claim(_:)``): both under one lock, so the
/// segment never writes a row the new one owns.
final class PlacedRows: @unchecked Sendable {
    let columns: PlacedColumns
    /// File offset of the segment's first byte.
    let byteStart: Int
    /// Estimated rows per byte of the file (for the start of a segment taken over).
    let rowsPerByte: Double
    private let state: Mutex<(start: Int, end: Int, limit: Int)>
    /// Whether a flush found too little room: the segment's later rows all go to its table,
    /// after the ones placed. Touched only by the thread parsing the segment (and after it).
    var overflowed = false

    /// Rows from `start` up to `limit` of `columns` for the segment from file offset `byteStart`.
    init(columns: PlacedColumns, byteStart: Int, start: Int, limit: Int, rowsPerByte: Double) {
        self.columns = columns
        self.byteStart = byteStart
        self.rowsPerByte = rowsPerByte
        state = Mutex((start, start, limit))
    }

    /// First row, row after the last one written, and limit.
    var range: (start: Int, end: Int, limit: Int) { state.withLock { $0 } }

    /// Claims room for up to `n` more rows: returns where they go and how many fit (the
    /// rest overflow).
    func claim(_ n: Int) -> (at: Int, count: Int) {
        state.withLock { s in
            let k = max(0, min(n, s.limit - s.end))
            defer { s.end += k }
            return (s.end, k)
        }
    }

    /// The rows of the segment taken over from file offset `byte` on: from the row that
    /// byte is estimated to start at (never before a row already claimed here) up to this
    /// segment's limit, which becomes that row.
    func cut(at byte: Int) -> PlacedRows {
        state.withLock { s in
            let estimate = Double(s.start) + Double(byte - byteStart) * rowsPerByte
            let first = max(s.end, min(s.limit, Int(min(Double(s.limit), estimate.rounded(.down)))))
            let limit = s.limit
            s.limit = first
            return PlacedRows(columns: columns, byteStart: byte, start: first, limit: limit, rowsPerByte: rowsPerByte)
        }
    }

    /// Takes over the rows of the next segment, `next`, whose parse was dropped (this one
    /// parses through it): this segment's limit becomes that one's, unless this one
    /// already overflowed (its further rows then go to its table, after the others).
    /// Only once all segments are parsed.
    func absorb(_ next: PlacedRows) {
        guard !overflowed else { return }
        let n = next.range
        state.withLock { s in
            if s.limit == n.start { s.limit = n.limit }
        }
    }
}

/// Where the placed rows of each segment are and where they go: segment `k`'s rows
/// `starts[k]..<starts[k] + counts[k]` move to `finals[k]` (its overflow follows them).
struct PlacementPlan: Sendable {
    let starts: [Int]
    let counts: [Int]
    let finals: [Int]

    /// Rows that move.
    var movedRows: Int { starts.indices.reduce(0) { $0 + (starts[$1] == finals[$1] ? 0 : counts[$1]) } }

    /// Moves each segment's rows of column `p` to their final place. The runs are in order
    /// and so are their destinations: runs that move down are moved first to last, then runs
    /// that move up last to first, so that no run is overwritten before it moves.
    func move<T>(_ p: UnsafeMutablePointer<T>) {
        let size = MemoryLayout<T>.stride
        for k in starts.indices where finals[k] < starts[k] && counts[k] > 0 {
            memmove(p + finals[k], p + starts[k], counts[k] * size)
        }
        for k in starts.indices.reversed() where finals[k] > starts[k] && counts[k] > 0 {
            memmove(p + finals[k], p + starts[k], counts[k] * size)
        }
    }

    /// Moves each segment's codes of column `p` as ``move(_:)`` does, mapping the codes of
    /// a segment `k` with `maps[k]` on the way (-1, missing, stays).
    func move(_ p: UnsafeMutablePointer<Int32>, maps: [[Int32]?]) {
        func moveRun(_ k: Int) {
            guard counts[k] > 0 else { return }
            if let map = maps[k] {
                let from = p + starts[k], to = p + finals[k], n = counts[k]
                map.withUnsafeBufferPointer { m in
                    // Forward when moving down, backward when moving up: each code is read
                    // before it is overwritten.
                    if finals[k] <= starts[k] {
                        var i = 0
                        while i < n { let c = from[i]; to[i] = c < 0 ? -1 : m[Int(c)]; i += 1 }
                    } else {
                        var i = n - 1
                        while i >= 0 { let c = from[i]; to[i] = c < 0 ? -1 : m[Int(c)]; i -= 1 }
                    }
                }
            } else if finals[k] != starts[k] {
                memmove(p + finals[k], p + starts[k], counts[k] * MemoryLayout<Int32>.stride)
            }
        }
        for k in starts.indices where finals[k] <= starts[k] { moveRun(k) }
        for k in starts.indices.reversed() where finals[k] > starts[k] { moveRun(k) }
    }

    /// Joins the text columns of the segments (`text[k]`: segment `k`'s columns, with its
    /// levels and its overflow's codes) into the final columns' codes: the levels of each
    /// later segment are added to the first one's in order of first appearance, its codes
    /// mapped to them. Returns the joined levels (codes empty).
    func joinText(_ text: [[TextColumn]], interners: [[TextColumnInterner]], _ c: PlacedColumns) -> [TextColumn] {
        var into = text[0], first = interners[0]
        for j in into.indices {
            let maps: [[Int32]?] = text.indices.map { k in
                k == 0 ? nil : first[j].codes(of: interners[k][j], in: &into[j])
            }
            move(c.codes[j], maps: maps)
            for k in text.indices where !text[k][j].codes.isEmpty {
                let to = c.codes[j] + finals[k] + counts[k]
                text[k][j].codes.withUnsafeBufferPointer { from in
                    if let map = maps[k] {
                        map.withUnsafeBufferPointer { m in
                            for i in from.indices { to[i] = from[i] < 0 ? -1 : m[Int(from[i])] }
                        }
                    } else {
                        to.initialize(from: from.baseAddress!, count: from.count)
                    }
                }
            }
            into[j].codes = []
        }
        return into
    }
}

/// Test settings of the in-place segments.
struct PlacementKnobs: Sendable {
    /// Multiplies the estimated rows per byte: below 1 segments start too early (the
    /// segment before overflows), above 1 too late (gaps to close).
    var rowEstimateScale = 1.0
    /// Rows of the final columns instead of the file's upper bound (too few: the join
    /// falls back to the tables).
    var capacity: Int?
    /// Receives what the join did.
    var stats: PlacementStats?

    init(rowEstimateScale: Double = 1.0, capacity: Int? = nil, stats: PlacementStats? = nil) {
        self.rowEstimateScale = rowEstimateScale
        self.capacity = capacity
        self.stats = stats
    }
}

/// What the join of placed segments did (tests check that each path was taken).
final class PlacementStats: Sendable {
    /// Rows that overflowed their segment's room.
    let overflowRows = Atomic<Int>(0)
    /// Placed rows moved to close gaps or make room for overflows.
    let movedRows = Atomic<Int>(0)
    /// Whether the rows did not fit the columns (joined the ordinary way).
    let fellBack = Atomic<Bool>(false)
}

extension EventLoader {
    /// Calls `body` with the base addresses of new final columns of `capacity` rows each
    /// (`textColumns` code columns, then the others), and returns what it returned with
    /// the columns as arrays of the rows it reported written (`count`, the first rows of each).
    static func withPlacedColumns(textColumns: Int, capacity: Int, _ body: (PlacedColumns) -> PlacedJoin)
        -> (join: PlacedJoin, codes: [[Int32]], day: [Day], values: [[Double]], present: [[Bool]], added: [Int32], line: [Int32]) {
        let ints = withNewArrays(textColumns + 2, of: Int32.self, capacity: capacity) { ints in
            let doubles = withNewArrays(3, of: Double.self, capacity: capacity) { doubles in
                let bools = withNewArrays(3, of: Bool.self, capacity: capacity) { bools in
                    let days = withNewArrays(1, of: Day.self, capacity: capacity) { days in
                        let join = body(PlacedColumns(codes: Array(ints[0..<textColumns]), day: days[0], values: doubles,
                                                      present: bools, added: ints[textColumns],
                                                      line: ints[textColumns + 1], capacity: capacity))
                        return (join, join.count)
                    }
                    return ((days.arrays[0], days.result), days.count)
                }
                return ((bools.arrays, bools.result.0, bools.result.1), bools.count)
            }
            return ((doubles.arrays, doubles.result.0, doubles.result.1, doubles.result.2), doubles.count)
        }
        let (values, present, day, join) = ints.result
        return (join, Array(ints.arrays[0..<textColumns]), day, values, present,
                ints.arrays[textColumns], ints.arrays[textColumns + 1])
    }

    /// Calls `body` with the base addresses of `n` new arrays of `capacity` elements, and
    /// returns them holding the first `count` elements `body` reported written, with its result.
    private static func withNewArrays<T, R>(_ n: Int, of: T.Type, capacity: Int,
                                            _ body: ([UnsafeMutablePointer<T>]) -> (result: R, count: Int))
        -> (arrays: [[T]], result: R, count: Int) {
        if n == 0 {
            let b = body([])
            return ([], b.result, b.count)
        }
        var inner: (arrays: [[T]], result: R, count: Int)?
        let first = [T](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            let base = buffer.baseAddress!
            let r = withNewArrays(n - 1, of: T.self, capacity: capacity) { rest in body([base] + rest) }
            initialized = r.count
            inner = r
        }
        return ([first] + inner!.arrays, inner!.result, inner!.count)
    }

    /// Rows per byte of the file from offset `from`, estimated on its first 256 KiB (line
    /// feeds per byte; a fallback guess when it cannot be read).
    static func rowsPerByteEstimate(path: String, from: Int) -> Double {
        let fd = open(path, O_RDONLY)
        if fd < 0 { return 1.0 / 64 }
        defer { close(fd) }
        let size = 1 << 18
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
        defer { buffer.deallocate() }
        let n = pread(fd, buffer.baseAddress, size, off_t(from))
        guard n > 0 else { return 1.0 / 64 }
        var lines = 0
        for i in 0..<n where buffer[i] == 10 { lines += 1 }
        return Double(max(lines, 1)) / Double(n)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

// The rows of a segmented CSV parse (`SegmentedCSVParse`) as lanes: one column of
// fixed-width values per thing a record gives (a number, its presence, a text code, a
// line). Every segment writes its rows in place, into the final lanes, from the row its
// first byte is estimated to start at, so that rows are written once where they end up
// (give or take the move that closes the gap the estimate left), not into a table of the
// segment's own that is then copied.

/// What one lane holds, and what the join of the segments does to it.
package enum LaneKind: Sendable, Hashable {
    case int32, uint64, double, bool, day
    /// `Int32` line numbers counted from 1 at each segment's start: the join makes them the file's.
    case line
    /// `Int32` codes of a text column dictionary-encoded in each segment (-1: missing): the
    /// join adds each later segment's levels to the first's and maps its codes to them.
    case dictionary
    /// `UInt64` spans (``StringColumn/span(start:count:)``) of text stored as written in a
    /// buffer of each segment: the join puts the buffers back to back and moves the spans.
    case spans

    /// Bytes per value.
    package var stride: Int {
        switch self {
        case .bool: return 1
        case .int32, .day, .line, .dictionary: return 4
        case .uint64, .double, .spans: return 8
        }
    }
}

/// The values of one lane once parsed, as an array of its type.
package enum LaneValues: Sendable {
    case int32([Int32]), uint64([UInt64]), double([Double]), bool([Bool]), day([Day])

    package var int32: [Int32] { if case .int32(let v) = self { return v }; preconditionFailure("not an Int32 lane") }
    package var uint64: [UInt64] { if case .uint64(let v) = self { return v }; preconditionFailure("not a UInt64 lane") }
    package var double: [Double] { if case .double(let v) = self { return v }; preconditionFailure("not a Double lane") }
    package var bool: [Bool] { if case .bool(let v) = self { return v }; preconditionFailure("not a Bool lane") }
    package var day: [Day] { if case .day(let v) = self { return v }; preconditionFailure("not a Day lane") }
}

/// Calls `body` with the base addresses of new arrays of `capacity` values, one per lane of
/// `kinds`, and returns them holding the first `count` values (the count `body` returns,
/// all of which it must have written), with its result. Memory is committed only where
/// values are written, so `capacity` may be a generous upper bound.
package func withUninitializedLanes<R>(_ kinds: [LaneKind], capacity: Int,
                                       _ body: ([UnsafeMutableRawPointer]) -> (result: R, count: Int)) -> (lanes: [LaneValues], result: R) {
    func build(_ rest: ArraySlice<LaneKind>, _ bases: [UnsafeMutableRawPointer]) -> (lanes: [LaneValues], result: R, count: Int) {
        guard let kind = rest.first else {
            let b = body(bases)
            return ([], b.result, b.count)
        }
        func one<T>(_: T.Type, _ wrap: ([T]) -> LaneValues) -> (lanes: [LaneValues], result: R, count: Int) {
            var inner: (lanes: [LaneValues], result: R, count: Int)?
            let array = [T](unsafeUninitializedCapacity: max(capacity, 1)) { buffer, initialized in
                let r = build(rest.dropFirst(), bases + [UnsafeMutableRawPointer(buffer.baseAddress!)])
                initialized = r.count
                inner = r
            }
            return ([wrap(array)] + inner!.lanes, inner!.result, inner!.count)
        }
        switch kind {
        case .int32, .line, .dictionary: return one(Int32.self, LaneValues.int32)
        case .uint64, .spans: return one(UInt64.self, LaneValues.uint64)
        case .double: return one(Double.self, LaneValues.double)
        case .bool: return one(Bool.self, LaneValues.bool)
        case .day: return one(Day.self, LaneValues.day)
        }
    }
    let b = build(kinds[...], [])
    return (b.lanes, b.result)
}

/// Base addresses of the final lanes of a parse, each `capacity` rows (valid inside
/// ``withUninitializedLanes(_:capacity:_:)``).
package struct FinalLanes: @unchecked Sendable {
    package let bases: [UnsafeMutableRawPointer]
    package let strides: [Int]
    package let capacity: Int

    package init(bases: [UnsafeMutableRawPointer], kinds: [LaneKind], capacity: Int) {
        self.bases = bases
        strides = kinds.map(\.stride)
        self.capacity = capacity
    }

    /// Gives the whole pages of rows `from..<to` of every lane back to the system (rows
    /// written, then moved away; beyond the lanes' count, never read).
    func release(from: Int, to: Int) {
        #if canImport(Glibc)
        guard to > from else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        for (base, stride) in zip(bases, strides) {
            let first = (Int(bitPattern: base + from * stride) + page - 1) / page * page
            let last = Int(bitPattern: base + to * stride) / page * page
            if last > first { madvise(UnsafeMutableRawPointer(bitPattern: first), last - first, MADV_DONTNEED) }
        }
        #endif
    }
}

/// The rows of the final lanes one segment writes in place: from `start` (the row its
/// first byte is estimated to start at) up to `limit` (the next segment's start, or the
/// capacity). Rows beyond the limit stay in the segment's own lanes (its overflow).
///
/// The limit moves down when another thread takes over the rest of the segment
/// (``cut(at:)``) while the segment writes (``claim(_:)``): both under one lock, so the
/// segment never writes a row the new one owns.
package final class PlacedRows: Sendable {
    package let lanes: FinalLanes
    /// File offset of the segment's first byte.
    let byteStart: Int
    /// Estimated rows per byte of the file (for the start of a segment taken over).
    let rowsPerByte: Double
    private let state: Mutex<(start: Int, end: Int, limit: Int)>

    /// Rows from `start` up to `limit` of `lanes` for the segment from file offset `byteStart`.
    package init(lanes: FinalLanes, byteStart: Int, start: Int, limit: Int, rowsPerByte: Double) {
        self.lanes = lanes
        self.byteStart = byteStart
        self.rowsPerByte = rowsPerByte
        state = Mutex((start, start, limit))
    }

    /// First row, row after the last one written, and limit.
    package var range: (start: Int, end: Int, limit: Int) { state.withLock { $0 } }

    /// Claims room for up to `n` more rows: returns where they go and how many fit (the
    /// rest overflow).
    package func claim(_ n: Int) -> (at: Int, count: Int) {
        state.withLock { s in
            let k = max(0, min(n, s.limit - s.end))
            defer { s.end += k }
            return (s.end, k)
        }
    }

    /// The rows of the segment taken over from file offset `byte` on: from the row that
    /// byte is estimated to start at (never before a row already claimed here) up to this
    /// segment's limit, which becomes that row.
    package func cut(at byte: Int) -> PlacedRows {
        state.withLock { s in
            let estimate = Double(s.start) + Double(byte - byteStart) * rowsPerByte
            let first = max(s.end, min(s.limit, Int(min(Double(s.limit), estimate.rounded(.down)))))
            let limit = s.limit
            s.limit = first
            return PlacedRows(lanes: lanes, byteStart: byte, start: first, limit: limit, rowsPerByte: rowsPerByte)
        }
    }

    /// Takes over the rows of the next segment, `next`, whose parse was dropped (this one
    /// parses through it): this segment's limit becomes that one's, unless this one
    /// `overflowed` already (its further rows then go to its overflow, after the others).
    /// Only once all segments are parsed.
    package func absorb(_ next: PlacedRows, overflowed: Bool) {
        guard !overflowed else { return }
        let n = next.range
        state.withLock { s in
            if s.limit == n.start { s.limit = n.limit }
        }
    }
}

/// A segment's rows on their way to the final lanes: a block of staged rows per lane,
/// written in place through ``placed`` as far as it has room, the rest kept in lanes of the
/// segment's own (its overflow). A parser writes row `r`'s values at row `r` of each lane's
/// staging block (``staging``) and, when the block is full (``blockRows``) or its records
/// end, hands the rows over with ``flush(_:)``: appending a block of rows per lane copies
/// them, while appending value by value costs a uniqueness and a capacity check per value.
package final class SegmentRows: @unchecked Sendable {
    /// Rows staged before a flush.
    package static let blockRows = 256
    package let kinds: [LaneKind]
    /// The staging block of each lane, ``blockRows`` values.
    package let staging: [UnsafeMutableRawPointer]
    /// Where rows go in place.
    package let placed: PlacedRows
    /// Whether a flush found too little room: the segment's later rows all go to its
    /// overflow, after the ones placed. Touched only by the thread parsing the segment (and after it).
    package private(set) var overflowed = false
    /// Rows that did not fit in place, lane by lane (raw values).
    private(set) var overflow: [[UInt8]]
    package private(set) var overflowCount = 0

    package init(kinds: [LaneKind], placed: PlacedRows) {
        self.kinds = kinds
        self.placed = placed
        staging = kinds.map { UnsafeMutableRawPointer.allocate(byteCount: $0.stride * SegmentRows.blockRows, alignment: 8) }
        overflow = kinds.map { _ in [] }
    }

    deinit { for p in staging { p.deallocate() } }

    /// Writes the first `n` staged rows in place as far as there is room, the rest to the
    /// overflow; the block is free for the next rows.
    package func flush(_ n: Int) {
        guard n > 0 else { return }
        var from = 0
        if !overflowed {
            let (at, k) = placed.claim(n)
            if k > 0 {
                for (j, kind) in kinds.enumerated() {
                    (placed.lanes.bases[j] + at * kind.stride).copyMemory(from: staging[j], byteCount: k * kind.stride)
                }
            }
            if k < n { overflowed = true }
            from = k
        }
        guard from < n else { return }
        for (j, kind) in kinds.enumerated() {
            overflow[j].append(contentsOf: UnsafeRawBufferPointer(start: staging[j] + from * kind.stride, count: (n - from) * kind.stride))
        }
        overflowCount += n - from
    }

    /// Overflow rows of lane `j` as raw bytes.
    func withOverflow<R>(_ j: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        overflow[j].withUnsafeBytes(body)
    }

    /// Drops the overflow (after it was copied out).
    func dropOverflow() {
        overflow = kinds.map { _ in [] }
    }
}

/// Where the placed rows of each segment are and where they go: segment `k`'s rows
/// `starts[k]..<starts[k] + counts[k]` move to `finals[k]` (its overflow follows them).
package struct PlacementPlan: Sendable {
    package let starts: [Int]
    package let counts: [Int]
    package let finals: [Int]

    package init(starts: [Int], counts: [Int], finals: [Int]) {
        self.starts = starts
        self.counts = counts
        self.finals = finals
    }

    /// Rows that move.
    package var movedRows: Int { starts.indices.reduce(0) { $0 + (starts[$1] == finals[$1] ? 0 : counts[$1]) } }

    /// Moves each segment's rows of the lane at `p` (values of `stride` bytes) to their
    /// final place. The runs are in order and so are their destinations: runs that move
    /// down are moved first to last, then runs that move up last to first, so that no run
    /// is overwritten before it moves.
    package func move(_ p: UnsafeMutableRawPointer, stride: Int) {
        for k in starts.indices where finals[k] < starts[k] && counts[k] > 0 {
            memmove(p + finals[k] * stride, p + starts[k] * stride, counts[k] * stride)
        }
        for k in starts.indices.reversed() where finals[k] > starts[k] && counts[k] > 0 {
            memmove(p + finals[k] * stride, p + starts[k] * stride, counts[k] * stride)
        }
    }
}

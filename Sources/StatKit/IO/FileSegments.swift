#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

// Where the segments of a file parsed on several threads (``SegmentedCSVParse``) begin and
// end, and how a thread done with its own takes over half of another's remainder.

/// The offset just after the first line feed at or after `offset` and before `end`
/// (`nil` when there is none within 1 MiB, or the file cannot be read).
package func lineStart(path: String, atOrAfter offset: Int, before end: Int) -> Int? {
    let fd = open(path, O_RDONLY)
    if fd < 0 { return nil }
    defer { close(fd) }
    var buf = [UInt8](repeating: 0, count: 1 << 16)
    var at = offset
    while at < end && at < offset + (1 << 20) {
        let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(at)) }
        if n <= 0 { return nil }
        if let i = buf[0..<n].firstIndex(of: 10) { return at + i + 1 < end ? at + i + 1 : nil }
        at += n
    }
    return nil
}

/// Offsets just after the first line feed at or after each `size·k/parts` (k ≥ 1)
/// beyond `from`; empty when no such line feed is found within 1 MiB of a target.
package func splitOffsets(path: String, from: Int, size: Int, parts: Int) -> [Int] {
    let fd = open(path, O_RDONLY)
    if fd < 0 { return [] }
    defer { close(fd) }
    var out: [Int] = []
    var buf = [UInt8](repeating: 0, count: 1 << 16)
    for k in 1..<parts {
        var at = max(size * k / parts, (out.last ?? from))
        var found: Int?
        while found == nil && at < size && at < size * k / parts + (1 << 20) {
            let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(at)) }
            if n <= 0 { break }
            if let i = buf[0..<n].firstIndex(of: 10) { found = at + i + 1 } else { at += n }
        }
        guard let f = found, f < size, f > out.last ?? from else { continue }
        out.append(f)
    }
    return out
}

/// Rows per byte of the file from offset `from`, estimated on its first 256 KiB (line
/// feeds per byte; a fallback guess when it cannot be read).
package func rowsPerByteEstimate(path: String, from: Int) -> Double {
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

/// Size of the file at `path` in bytes, 0 when it cannot be read.
package func fileSize(path: String) -> Int {
    var st = stat()
    return stat(path, &st) == 0 ? Int(st.st_size) : 0
}

/// The segments of a file being parsed in parallel, for threads that finish early to take
/// over half of what another has left (work stealing by moving its reader's stop).
final class SegmentBoard: Sendable {
    private struct Entry: Sendable {
        var progress: SegmentProgress
        var placed: PlacedRows
        var running: Bool
    }
    private let entries = Mutex<[Entry]>([])
    private let path: String
    private let size: Int
    private let minimumSteal: Int

    /// A board for the file at `path` of `size` bytes; remainders under `minimumSteal`
    /// bytes are left alone.
    init(path: String, size: Int, minimumSteal: Int) {
        self.path = path
        self.size = size
        self.minimumSteal = minimumSteal
    }

    /// Registers a running segment from `start` to `stop`, whose rows go through `placed`,
    /// and returns its progress (and `placed`).
    func add(start: Int, stop: Int, placed: PlacedRows) -> (progress: SegmentProgress, placed: PlacedRows) {
        let p = SegmentProgress(start: start, stop: stop)
        entries.withLock { $0.append(Entry(progress: p, placed: placed, running: true)) }
        return (p, placed)
    }

    /// Marks the segment of `progress` finished (nothing more to take from it).
    func finished(_ progress: SegmentProgress) {
        entries.withLock { e in
            if let i = e.firstIndex(where: { $0.progress === progress }) { e[i].running = false }
        }
    }

    /// Takes over the second half of the largest remainder of a running segment: moves that
    /// segment's stop to the first line feed after its midpoint and returns the new segment
    /// from there to the old stop (registered, running), with the rows it takes from that
    /// segment's in place (``PlacedRows/cut(at:)``). `nil` when no remainder is at least
    /// `minimumSteal` bytes or no line feed is found in it.
    func takeOver() -> (start: Int, progress: SegmentProgress, placed: PlacedRows)? {
        entries.withLock { e -> (start: Int, progress: SegmentProgress, placed: PlacedRows)? in
            // The last segment's stop is `Int.max` (to the end of the file, however long):
            // its remainder is counted to the size the file had at the start.
            var best: (index: Int, from: Int, stop: Int)?
            for (i, x) in e.enumerated() where x.running {
                let stop = x.progress.stop
                let end = min(stop, size)
                let from = x.progress.readThrough
                if end - from >= minimumSteal && end - from > (best.map { min($0.stop, size) - $0.from } ?? 0) {
                    best = (i, from, stop)
                }
            }
            guard let b = best else { return nil }
            let end = min(b.stop, size)
            let target = b.from + (end - b.from) / 2
            guard let split = lineStart(path: path, atOrAfter: target, before: end),
                  e[b.index].progress.moveStop(from: b.stop, to: split) else { return nil }
            let p = SegmentProgress(start: split, stop: b.stop)
            let placed = e[b.index].placed.cut(at: split)
            e.append(Entry(progress: p, placed: placed, running: true))
            return (split, p, placed)
        }
    }
}

/// Where a segment's ``CSVReader`` stops, movable from another thread, and how far the
/// reader has read: what one thread needs to take over the second half of what another
/// has left to parse.
///
/// The reader (``CSVReader/follow(_:)``) publishes the file offset it has read through
/// and loads the stop at each read from the file, so a stop moved to beyond the published
/// offset (by more than one read) takes effect before the reader gets there: it then stops
/// at the first record boundary at or after the new stop, as with ``CSVReader/stop(at:)``.
package final class SegmentProgress: Sendable {
    private let stopOffset: Atomic<Int>
    private let readOffset: Atomic<Int>

    /// Progress of a reader of the segment from file offset `start` that is to stop at
    /// file offset `stop` (`Int.max`: the end of the file).
    package init(start: Int, stop: Int) {
        stopOffset = Atomic(stop)
        readOffset = Atomic(start)
    }

    /// The stop now.
    package var stop: Int { stopOffset.load(ordering: .acquiring) }

    /// File offset up to which the reader has read (it parses nothing beyond it before
    /// its next read).
    package var readThrough: Int { readOffset.load(ordering: .acquiring) }

    /// Moves the stop from `expected` to `offset`; `false` (and nothing changes) when the
    /// stop is no longer `expected`.
    package func moveStop(from expected: Int, to offset: Int) -> Bool {
        stopOffset.compareExchange(expected: expected, desired: offset, ordering: .acquiringAndReleasing).exchanged
    }

    func publish(_ offset: Int) { readOffset.store(offset, ordering: .releasing) }
}

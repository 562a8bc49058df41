#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Turns the records of a CSV reader into rows: implemented by a loader for its layout and
/// run by ``SegmentedCSVParse`` on each segment of the file, on as many threads as it is
/// given.
package protocol CSVRecordParser: SendableMetatype {
    /// Parses the records of `reader` into `segment` until the reader stops (at the end of
    /// the input, or at its stop offset): a valid record's values are written to the
    /// segment's staging block and flushed a block at a time (``SegmentRows``; every row
    /// staged is flushed before returning or throwing), its text interned in the segment's
    /// dictionaries or appended to its buffers; an invalid one is reported in the segment.
    /// Throws the reader's error. May be called again on the same segment with a reader
    /// that continues where the last one stopped.
    mutating func parse(_ reader: CSVReader, into segment: CSVSegment) throws(CSVError)
}

/// What one segment of a file produced: its rows (on their way to the final lanes), the
/// levels and bytes of its text, its problems and, when its CSV is malformed, the error
/// (raised only if the segment is used).
package final class CSVSegment: @unchecked Sendable {
    package let rows: SegmentRows
    /// Per ``LaneKind/dictionary`` lane, in lane order: the interner and the levels (codes
    /// are in the lane).
    package var interners: [TextColumnInterner]
    package var levels: [TextColumn]
    /// Per ``LaneKind/spans`` lane, in lane order: the bytes the spans point into.
    package var texts: [[UInt8]]
    /// Problems found, lines counted from the segment's first line (made the file's at the join).
    package var problems: [DataProblem] = []
    /// Records left out, by the reason of their first problem.
    package var excluded: [String: Int] = [:]
    /// Data records read.
    package var records = 0
    var csvError: CSVError?
    /// File offset and line where parsing stopped (at a record boundary).
    var stopPosition = 0
    var stopLine = 1
    /// Added to the segment's line numbers to make them the file's.
    var lineOffset = 0
    /// Bytes of the file the segment was made for (it may parse more or fewer).
    package let expectedBytes: Int

    init(kinds: [LaneKind], placed: PlacedRows, expectedBytes: Int) {
        self.expectedBytes = expectedBytes
        rows = SegmentRows(kinds: kinds, placed: placed)
        let dictionaries = kinds.filter { $0 == .dictionary }.count
        interners = [TextColumnInterner](repeating: TextColumnInterner(), count: dictionaries)
        levels = [TextColumn](repeating: TextColumn(), count: dictionaries)
        texts = kinds.filter { $0 == .spans }.map { _ in
            var b: [UInt8] = []
            // Room for the segment's text, reserved up front so that the buffer never
            // moves while growing (memory is committed only as bytes are written).
            b.reserveCapacity(max(0, expectedBytes))
            return b
        }
    }

    /// Parses with `parser` from `reader`, recording where it stopped or the CSV error.
    func parse<P: CSVRecordParser>(_ parser: inout P, _ reader: CSVReader) {
        do throws(CSVError) {
            try parser.parse(reader, into: self)
        } catch {
            csvError = error
        }
        stopPosition = reader.position
        stopLine = reader.currentLine
    }
}

/// Settings of a segmented parse that tests change (small files split and shared, small
/// reads, skewed row estimates), and what the parse did.
package struct SegmentTuning: Sendable {
    /// Smallest file split into segments (smaller ones parse faster on one thread).
    package var minimumSplitBytes = 8 << 20
    /// Smallest remainder a thread takes over from another.
    package var minimumStealBytes = 8 << 20
    /// Bytes read at a time.
    package var chunkSize = 1 << 20
    /// Multiplies the estimated rows per byte: below 1 segments start too early (the
    /// segment before overflows), above 1 too late (gaps to close).
    package var rowEstimateScale = 1.0
    /// Rows of the final lanes instead of the file's upper bound (too few: the rows are
    /// joined by copying).
    package var capacity: Int?
    /// Receives what the parse did.
    package var report: SegmentReport?

    package init(minimumSplitBytes: Int = 8 << 20, minimumStealBytes: Int = 8 << 20, chunkSize: Int = 1 << 20,
                 rowEstimateScale: Double = 1.0, capacity: Int? = nil, report: SegmentReport? = nil) {
        self.minimumSplitBytes = minimumSplitBytes
        self.minimumStealBytes = minimumStealBytes
        self.chunkSize = chunkSize
        self.rowEstimateScale = rowEstimateScale
        self.capacity = capacity
        self.report = report
    }
}

/// What a segmented parse did (tests check that each path was taken).
package final class SegmentReport: Sendable {
    /// Segments taken over from other threads.
    package let takenOver = Atomic<Int>(0)
    /// Rows that overflowed their segment's room.
    package let overflowRows = Atomic<Int>(0)
    /// Placed rows moved to close gaps or make room for overflows.
    package let movedRows = Atomic<Int>(0)
    /// Whether the rows did not fit the final lanes (joined by copying).
    package let fellBack = Atomic<Bool>(false)

    package init() {}
}

/// The rows of a parse, its text and what it reported.
package struct ParsedRows: Sendable {
    /// The lanes, in the order they were asked for.
    package var lanes: [LaneValues] = []
    /// Rows.
    package var count = 0
    /// Per dictionary lane: the levels the codes refer to (in order of first appearance).
    package var levels: [TextColumn] = []
    /// Per spans lane: the bytes the spans point into.
    package var texts: [[UInt8]] = []
    /// Every problem, in file order, lines the file's.
    package var problems: [DataProblem] = []
    package var excluded: [String: Int] = [:]
    /// Data records read.
    package var records = 0
    /// The first CSV error: the rows, text and problems are then empty.
    package var error: CSVError?
}

/// A CSV file parsed into lanes of rows, in segments on several threads when it is large:
/// the result, problems and errors are the same as with one thread, byte for byte.
///
/// Segments start after a line feed near each 1/`threads` of the file, on the guess that
/// the line feed is not inside a quoted field. The guess is checked: the segment before
/// must end exactly there. When it does not (a quoted field with a line break straddles
/// the split), that segment's parse is discarded and the segment before continues through
/// it, so a wrong guess costs time, never correctness.
///
/// A thread that finishes its segment early takes over the second half of the largest
/// remainder another thread still has to parse (from a line feed on, checked the same
/// way), so the threads finish together however the cores are shared at the moment.
///
/// Every segment writes its rows in place, into the final lanes (arrays of an upper bound
/// of the file's rows, allocated once: memory is committed only where rows are written),
/// from the row its first byte is estimated to start at. A segment reaching the next one's
/// start keeps its further rows in lanes of its own (its overflow). At the end the
/// segments' rows are moved together (gaps closed, overflows inserted), their text codes
/// remapped, spans moved and line numbers made the file's; a file that grew beyond the
/// lanes while read is joined by copying.
package enum SegmentedCSVParse {
    /// Parses the records of `reader` (positioned after the header) into `kinds` lanes with
    /// parsers made by `makeParser`, one per segment. `path` is the file `reader` reads (for
    /// the segments; `nil` parses on one thread); `minimumRecordBytes`, the fewest bytes a
    /// record that makes a row can take (for the upper bound of the rows).
    package static func parse<P: CSVRecordParser>(_ reader: CSVReader, path: String?, size: Int, kinds: [LaneKind],
                                                  minimumRecordBytes: Int, threads: Int, tuning: SegmentTuning = .init(),
                                                  makeParser: @escaping @Sendable () -> P) -> ParsedRows {
        let dataStart = reader.position
        let splits = path != nil && threads > 1 && size >= tuning.minimumSplitBytes
            ? splitOffsets(path: path!, from: dataStart, size: size, parts: threads) : []
        let capacity = max(1, tuning.capacity ?? (size - dataStart) / max(1, minimumRecordBytes) + 1)
        let (lanes, joined) = withUninitializedLanes(kinds, capacity: capacity) { bases -> (result: Join, count: Int) in
            let final = FinalLanes(bases: bases, kinds: kinds, capacity: capacity)
            let segments: [CSVSegment]
            if splits.isEmpty {
                let segment = CSVSegment(kinds: kinds, placed: PlacedRows(lanes: final, byteStart: dataStart, start: 0,
                                                                          limit: capacity, rowsPerByte: 0),
                                         expectedBytes: size - dataStart)
                var parser = makeParser()
                segment.parse(&parser, reader)
                segments = [segment]
            } else {
                segments = parseSegments(reader, path: path!, size: size, kinds: kinds, splits: splits, final: final,
                                         tuning: tuning, makeParser: makeParser)
            }
            let j = join(segments, final, kinds: kinds, threads: threads, report: tuning.report)
            return (j, j.placedCount)
        }
        var out = joined.rows
        out.lanes = joined.copied ?? lanes
        return out
    }

    /// The rows of the segments joined, and how many of them are in the final lanes (0 when
    /// they did not fit: `copied` then holds them).
    private struct Join {
        var rows = ParsedRows()
        var placedCount = 0
        var copied: [LaneValues]?
    }

    // MARK: - Segments

    /// The parse in segments on `splits.count + 1` threads (this one included), in file
    /// order, each one's end checked against the next one's start.
    private static func parseSegments<P: CSVRecordParser>(_ reader: CSVReader, path: String, size: Int, kinds: [LaneKind],
                                                          splits: [Int], final: FinalLanes, tuning: SegmentTuning,
                                                          makeParser: @escaping @Sendable () -> P) -> [CSVSegment] {
        let dataStart = reader.position, capacity = final.capacity
        // Estimated rows per byte, with 1 % to spare, so that a segment seldom overflows
        // into the next one's rows (a gap costs nothing but the move that closes it).
        let rowsPerByte = rowsPerByteEstimate(path: path, from: dataStart) * 1.01 * tuning.rowEstimateScale
        let chunkSize = tuning.chunkSize
        // Segment 0 here, segments 1..<k on other threads. A thread done with its segment
        // takes over the second half of the largest remainder still being parsed (from a
        // line feed on, as the splits are made), until no remainder is worth it: the
        // threads then finish together however the system shares the cores among them
        // and the other work of the moment.
        let board = SegmentBoard(path: path, size: size, minimumSteal: max(2, tuning.minimumStealBytes))
        /// The segment from `start` whose reader follows `progress`, marked finished once parsed.
        @Sendable func parseSegment(from start: Int, _ progress: SegmentProgress, _ placed: PlacedRows) -> CSVSegment {
            let segment = CSVSegment(kinds: kinds, placed: placed, expectedBytes: progress.stop == Int.max ? size - start : progress.stop - start)
            var parser = makeParser()
            do throws(CSVError) {
                let r = try CSVReader(path: path, segmentStart: start, firstLine: 1, chunkSize: chunkSize)
                r.follow(progress)
                segment.parse(&parser, r)
            } catch {
                segment.csvError = error
            }
            board.finished(progress)
            return segment
        }
        @Sendable func parseTakenOver() -> [(start: Int, segment: CSVSegment)] {
            var out: [(start: Int, segment: CSVSegment)] = []
            while let s = board.takeOver() { out.append((s.start, parseSegment(from: s.start, s.progress, s.placed))) }
            return out
        }
        // Segment k from the row its first byte is estimated to start at, up to the next one's.
        let firstRows = [0] + splits.map { byte in
            Int(min(Double(capacity), (Double(byte - dataStart) * rowsPerByte).rounded(.down)))
        }
        func placed(_ k: Int) -> PlacedRows {
            PlacedRows(lanes: final, byteStart: k == 0 ? dataStart : splits[k - 1], start: firstRows[k],
                       limit: k + 1 < firstRows.count ? firstRows[k + 1] : capacity, rowsPerByte: rowsPerByte)
        }
        let first = board.add(start: dataStart, stop: splits[0], placed: placed(0))
        let pending = splits.indices.map { k in
            let start = splits[k], rows = placed(k + 1)
            let progress = board.add(start: start, stop: k + 1 < splits.count ? splits[k + 1] : Int.max, placed: rows).progress
            return BackgroundWork { [(start, parseSegment(from: start, progress, rows))] + parseTakenOver() }
        }
        reader.follow(first.progress)
        var current = CSVSegment(kinds: kinds, placed: first.placed, expectedBytes: splits[0] - dataStart)
        var parser = makeParser()
        current.parse(&parser, reader)
        board.finished(first.progress)
        var segments = parseTakenOver()
        for p in pending { segments += p.wait() }
        // In file order. Where a segment did not end exactly where the next begins (a quoted
        // line break straddles the boundary), the next one's parse is dropped and this one
        // goes on through it (in place, through the dropped one's rows too, unless it
        // already overflowed).
        segments.sort { $0.start < $1.start }
        tuning.report?.takenOver.store(segments.count - splits.count, ordering: .relaxed)
        var done: [CSVSegment] = []
        for k in segments.indices {
            if current.csvError != nil { break } // thrown at the join; later segments do not matter
            if current.stopPosition == segments[k].start {
                let next = segments[k].segment
                next.lineOffset = current.lineOffset + current.stopLine - 1
                done.append(current)
                current = next
                parser = makeParser()
            } else {
                let stop = k + 1 < segments.count ? segments[k + 1].start : Int.max
                current.rows.placed.absorb(segments[k].segment.rows.placed, overflowed: current.rows.overflowed)
                do throws(CSVError) {
                    let r = try CSVReader(path: path, segmentStart: current.stopPosition, firstLine: current.stopLine,
                                          chunkSize: chunkSize)
                    r.stop(at: stop)
                    current.parse(&parser, r)
                } catch {
                    current.csvError = error
                }
            }
        }
        done.append(current)
        return done
    }

    // MARK: - Join

    /// Joins the segments (in file order) in the final lanes: each segment's rows are moved
    /// to follow the previous segment's (and its overflow), its overflow copied after them;
    /// then its codes are mapped to the first segment's levels, its spans moved to where its
    /// bytes go, its line numbers made the file's. With two threads, the text of the
    /// segments is merged on a second thread while this one moves the rows.
    private static func join(_ segments: [CSVSegment], _ final: FinalLanes, kinds: [LaneKind], threads: Int,
                             report: SegmentReport?) -> Join {
        var j = Join()
        for s in segments {
            if var e = s.csvError {
                if e.line > 0 { e.line += s.lineOffset }
                j.rows.error = e
                return j
            }
        }
        for s in segments {
            j.rows.problems.append(contentsOf: s.lineOffset == 0 ? s.problems : s.problems.map { var q = $0; q.line += s.lineOffset; return q })
            j.rows.excluded.merge(s.excluded, uniquingKeysWith: +)
            j.rows.records += s.records
        }
        let ranges = segments.map { $0.rows.placed.range }
        // Each segment claims rows below its limit, the next one's start (limits only
        // move down under the claims' lock): the runs never overlap.
        precondition(zip(ranges, ranges.dropFirst()).allSatisfy { $0.end <= $1.start }, "placed segments overlap")
        var finals: [Int] = [], total = 0
        for (k, s) in segments.enumerated() {
            finals.append(total)
            total += ranges[k].end - ranges[k].start + s.rows.overflowCount
        }
        report?.overflowRows.store(segments.reduce(0) { $0 + $1.rows.overflowCount }, ordering: .relaxed)
        let plan = PlacementPlan(starts: ranges.map(\.start), counts: ranges.map { $0.end - $0.start }, finals: finals)
        // Each lane's place among the lanes of its kind (its dictionary or buffer).
        var ordinals: [Int] = [], seen: [LaneKind: Int] = [:]
        for kind in kinds {
            ordinals.append(seen[kind, default: 0])
            seen[kind, default: 0] += 1
        }
        // The text of the segments (levels merged into the first one's, buffers back to
        // back), on a second thread with two.
        let text = TextMerge(segments)
        let pendingText = threads > 1 && segments.count > 1 ? BackgroundWork { text.run() } : nil
        if pendingText == nil { text.run() }
        if total > final.capacity {
            // More rows than the lanes hold (the file grew while read): copied into new
            // lanes, each segment's placed rows then its overflow.
            report?.fellBack.store(true, ordering: .relaxed)
            pendingText?.wait()
            j.copied = kinds.enumerated().map { l, kind in
                withUninitializedLanes([kind], capacity: total) { bases in
                    var at = 0
                    for (k, s) in segments.enumerated() {
                        let n = ranges[k].end - ranges[k].start
                        (bases[0] + at * kind.stride).copyMemory(from: final.bases[l] + ranges[k].start * kind.stride,
                                                                 byteCount: n * kind.stride)
                        at += n
                        s.rows.withOverflow(l) { o in
                            if o.count > 0 { (bases[0] + at * kind.stride).copyMemory(from: o.baseAddress!, byteCount: o.count) }
                        }
                        at += s.rows.overflowCount
                    }
                    fixUp(kind, ordinals[l], bases[0], segments, finals: finals, counts: plan.counts, text)
                    return ((), total)
                }.lanes[0]
            }
        } else {
            report?.movedRows.store(plan.movedRows, ordering: .relaxed)
            for (l, kind) in kinds.enumerated() {
                plan.move(final.bases[l], stride: kind.stride)
                for (k, s) in segments.enumerated() where s.rows.overflowCount > 0 {
                    s.rows.withOverflow(l) { o in
                        (final.bases[l] + (finals[k] + plan.counts[k]) * kind.stride).copyMemory(from: o.baseAddress!, byteCount: o.count)
                    }
                }
            }
            for s in segments { s.rows.dropOverflow() }
            pendingText?.wait()
            for (l, kind) in kinds.enumerated() {
                fixUp(kind, ordinals[l], final.bases[l], segments, finals: finals, counts: plan.counts, text)
            }
            // Rows written beyond the end before the moves (the tail of the last moved run):
            // their whole pages go back to the system.
            final.release(from: total, to: ranges.map(\.end).max() ?? 0)
            j.placedCount = total
        }
        j.rows.levels = text.levels
        j.rows.texts = text.texts
        j.rows.count = total
        return j
    }

    /// Makes the values of lane `p` (the `ordinal`-th of its kind) of every segment after
    /// the first the file's, over the segment's rows in place (`finals[k]` on: its placed
    /// rows, then its overflow): line numbers offset, codes mapped to the merged levels,
    /// spans moved with their bytes.
    private static func fixUp(_ kind: LaneKind, _ ordinal: Int, _ p: UnsafeMutableRawPointer, _ segments: [CSVSegment],
                              finals: [Int], counts: [Int], _ text: TextMerge) {
        for (k, s) in segments.enumerated().dropFirst() {
            let rows = finals[k]..<finals[k] + counts[k] + s.rows.overflowCount
            switch kind {
            case .line:
                let offset = Int32(truncatingIfNeeded: s.lineOffset), v = p.assumingMemoryBound(to: Int32.self)
                for i in rows { v[i] &+= offset }
            case .dictionary:
                let v = p.assumingMemoryBound(to: Int32.self)
                text.maps[k][ordinal].withUnsafeBufferPointer { m in
                    for i in rows { let c = v[i]; if c >= 0 { v[i] = m[Int(c)] } }
                }
            case .spans:
                let shift = UInt64(text.bases[k][ordinal]) << 24, v = p.assumingMemoryBound(to: UInt64.self)
                for i in rows where v[i] != StringColumn.missingSpan { v[i] &+= shift }
            default:
                return
            }
        }
    }
}

/// The text of the segments of a parse merged: per dictionary lane, the later segments'
/// levels added to the first's (found by bytes) and the map of each segment's codes; per
/// spans lane, the buffers back to back and where each segment's begins. Made by whichever
/// thread calls ``run()``, which owns the only references to the first segment's levels
/// and buffers (so appending never copies them).
private final class TextMerge: @unchecked Sendable {
    // Touched by one thread at a time: `run()`, then readers after its wait.
    private let segments: [CSVSegment]
    var levels: [TextColumn] = []
    var texts: [[UInt8]] = []
    /// `maps[k][d]`: codes of segment `k`'s levels of dictionary `d` in the merged levels.
    var maps: [[[Int32]]] = []
    /// `bases[k][s]`: where segment `k`'s bytes of spans lane `s` begin.
    var bases: [[Int]] = []

    init(_ segments: [CSVSegment]) { self.segments = segments }

    func run() {
        let first = segments[0]
        levels = first.levels
        texts = first.texts
        first.levels = []
        first.texts = []
        maps = [[]]
        bases = [texts.map { _ in 0 }]
        for (k, s) in segments.enumerated().dropFirst() {
            // Each level of a later segment is looked up (by its bytes, read-only) in the
            // segments before it, first to last: found, it has that level's merged code;
            // else it is a new level of the merged column, after the earlier ones.
            maps.append(levels.indices.map { d in
                // Found in the first segment (a batch of lookups), else in a later one before it.
                var map = segments[0].interners[d].existingCodes(of: s.interners[d])
                for c in map.indices where map[c] < 0 {
                    for j in 1..<k {
                        if let x = segments[j].interners[d].existingCode(ofLevel: c, in: s.interners[d]) {
                            map[c] = maps[j][d][Int(x)]
                            break
                        }
                    }
                    if map[c] < 0 {
                        levels[d].levels.append(s.levels[d].levels[c])
                        map[c] = Int32(levels[d].levels.count - 1)
                    }
                }
                return map
            })
            bases.append(texts.indices.map { t in
                let at = texts[t].count
                texts[t].append(contentsOf: s.texts[t])
                s.texts[t] = []
                return at
            })
        }
    }
}

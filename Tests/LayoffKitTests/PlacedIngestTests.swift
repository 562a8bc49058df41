import Foundation
import Testing
@testable import LayoffKit
@testable import StatKit

/// Segments of a parallel events load write their rows in place, into the final columns,
/// from an estimated start row. Whatever the estimate (exact, too early so that a segment
/// overflows into the next one's rows, too late so that gaps are left), with takeovers and
/// re-parsed boundaries, and when the columns are too small (the ordinary join), the
/// result must be the one-thread load's, field by field: every column's levels in order,
/// codes, numbers bit for bit with their presence, days, lines, problems, duplicates.
@Suite struct PlacedIngestTests {
    /// Everything a load gives, field by field (numbers by their bits).
    static func detail(_ r: EventLoadResult) -> String {
        let t = r.events
        var out = "rows \(r.rowsRead) count \(t.count) excluded \(r.excludedByReason.sorted { $0.key < $1.key })"
            + " dropped \(r.duplicatesDropped)\ndups \(r.duplicates.map { "\($0.line)<\($0.firstLine)" })\n"
            + "problems \(r.problems.map(\.description))\n"
        let text = [t.company, t.location, t.industry, t.stage, t.country]
        out += "extras \(t.extra.map(\.name))\n"
        for c in text { out += "levels \(c.levels)\ncodes \(c.codes)\n" }
        for c in [t.source] + t.extra.map(\.values) { out += "strings \((0..<c.count).map { c[$0] ?? "-" })\n" }
        func numbers(_ c: NumericColumn) -> String {
            "\(c.values.indices.map { c.isPresent[$0] ? String(c.values[$0].bitPattern, radix: 16) : "-" })"
        }
        out += "cut \(numbers(t.cut))\nfraction \(numbers(t.fraction))\nfunds \(numbers(t.fundsRaised))\n"
        out += "day \(t.day.map(\.number))\nadded \(t.dateAdded.map { $0?.number ?? -1 })\nline \(t.line)\n"
        for c in text where c.codes.count != t.count { out += "ragged text column\n" }
        for c in [t.source] + t.extra.map(\.values) where c.count != t.count { out += "ragged text column\n" }
        if t.cut.isPresent.count != t.count || t.dateAdded.count != t.count || t.line.count != t.count {
            out += "ragged column\n"
        }
        return out
    }

    static func load(_ path: String, threads: Int, options: EventLoadOptions, placement: SegmentTuning = .init(),
                     steal: (minimum: Int, chunk: Int)? = nil) -> String {
        do {
            var tuning = placement
            tuning.minimumSplitBytes = 0
            tuning.minimumStealBytes = steal?.minimum ?? 8 << 20
            tuning.chunkSize = steal?.chunk ?? 1 << 20
            let r = try EventLoader.load(path: path, options: options, threads: threads, tuning: tuning)
            return detail(r)
        } catch {
            return "error \(error)"
        }
    }

    /// The one-thread load (no segments, rows appended to growing columns): the reference.
    static func reference(_ path: String, options: EventLoadOptions) -> String {
        do { return detail(try EventLoader.load(path: path, options: options, threads: 1)) } catch { return "error \(error)" }
    }

    /// Exact estimate (1), segments starting far too early (0.05, 0.5: the segment before
    /// overflows into its table), too late (2, 20: gaps to close), and past the columns'
    /// end (10⁶: no room, all rows overflow).
    @Test(arguments: [1.0, 0.05, 0.5, 2, 20, 1e6])
    func placedSegmentsGiveTheOneThreadLoad(scale: Double) throws {
        let path = try ParallelIngestTests.write(ParallelIngestTests.trickyFile(rows: 3_000, seed: 21, badRows: false))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var overflow = 0, moved = 0
        for options in [EventLoadOptions(), EventLoadOptions(skipInvalid: true, dedupe: true)] {
            let reference = Self.reference(path, options: options)
            #expect(reference.hasPrefix("rows"))
            for threads in [2, 3, 5, 16] {
                let stats = SegmentReport()
                let got = Self.load(path, threads: threads, options: options,
                                    placement: SegmentTuning(rowEstimateScale: scale, report: stats))
                #expect(got == reference, "scale \(scale), threads \(threads)")
                let fellBack = stats.fellBack.load(ordering: .relaxed)
                #expect(!fellBack)
                overflow += stats.overflowRows.load(ordering: .relaxed)
                moved += stats.movedRows.load(ordering: .relaxed)
            }
        }
        // The estimate's error is what the join repairs: overflows when segments start too
        // early, moves (gaps closed) when too late.
        if scale < 1 { #expect(overflow > 0) }
        if scale > 1 && scale < 10 { #expect(moved > 0 && overflow == 0) }
        if scale > 10 { #expect(moved > 0 || overflow > 0) }
    }

    /// Invalid rows and a date error: the same problems and the same first error.
    @Test(arguments: [0.3, 1.0, 3.0])
    func placedSegmentsGiveTheSameProblems(scale: Double) throws {
        let path = try ParallelIngestTests.write(ParallelIngestTests.trickyFile(rows: 2_000, seed: 22, badRows: true))
        defer { try? FileManager.default.removeItem(atPath: path) }
        for options in [EventLoadOptions(), EventLoadOptions(skipInvalid: true)] {
            let reference = Self.reference(path, options: options)
            #expect(reference.hasPrefix(options.skipInvalid ? "rows" : "error"))
            for threads in [2, 4, 7] {
                #expect(Self.load(path, threads: threads, options: options,
                                  placement: SegmentTuning(rowEstimateScale: scale)) == reference,
                        "scale \(scale), threads \(threads)")
            }
        }
    }

    /// Segments taken over while read (tiny remainders, small chunks), with skewed
    /// estimates: a taken-over segment starts at a row estimated from the segment it was
    /// cut from, never before a row that segment already wrote.
    @Test(arguments: [0.5, 1.0, 2.0])
    func takenOverSegmentsPlacedGiveTheOneThreadLoad(scale: Double) throws {
        let path = try ParallelIngestTests.write(ParallelIngestTests.trickyFile(rows: 3_000, seed: 23, badRows: false))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var takenOver = 0
        for options in [EventLoadOptions(), EventLoadOptions(skipInvalid: true, dedupe: true)] {
            let reference = Self.reference(path, options: options)
            for threads in [2, 3, 5] {
                for steal in [(minimum: 2, chunk: 64), (minimum: 512, chunk: 256), (minimum: 2, chunk: 16)] {
                    for _ in 0..<2 {
                        let report = SegmentReport()
                        #expect(Self.load(path, threads: threads, options: options,
                                          placement: SegmentTuning(rowEstimateScale: scale, report: report), steal: steal) == reference,
                                "scale \(scale), threads \(threads), steal \(steal)")
                        takenOver += report.takenOver.load(ordering: .relaxed)
                    }
                }
            }
        }
        #expect(takenOver > 0)
    }

    /// Columns too small for the rows (as when the file grows while read): the segments'
    /// tables are joined the ordinary way, with the same result.
    @Test func columnsTooSmallFallBackToTheTables() throws {
        let path = try ParallelIngestTests.write(ParallelIngestTests.trickyFile(rows: 1_500, seed: 24, badRows: false))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reference = Self.reference(path, options: .init())
        for capacity in [1, 100, 1_000] {
            for threads in [2, 5] {
                let stats = SegmentReport()
                #expect(Self.load(path, threads: threads, options: .init(),
                                  placement: SegmentTuning(capacity: capacity, report: stats)) == reference,
                        "capacity \(capacity), threads \(threads)")
                let fellBack = stats.fellBack.load(ordering: .relaxed)
                #expect(fellBack)
            }
        }
    }

    /// The moves of the join against brute force: runs placed with gaps (and overflows
    /// after them), moved together, equal the runs concatenated in order.
    @Test func planMovesEqualConcatenation() {
        var g = SeededGenerator(seed: 25)
        for _ in 0..<500 {
            let k = Int.random(in: 1...6, using: &g)
            var starts: [Int] = [], counts: [Int] = [], overflows: [Int] = [], at = 0
            for _ in 0..<k {
                at += starts.isEmpty ? 0 : Int.random(in: 0...20, using: &g)
                starts.append(at)
                counts.append(Int.random(in: 0...30, using: &g))
                overflows.append(Bool.random(using: &g) ? 0 : Int.random(in: 0...25, using: &g))
                at += counts.last!
            }
            var finals: [Int] = [], total = 0
            for i in 0..<k { finals.append(total); total += counts[i] + overflows[i] }
            let capacity = max(at, total) + 1
            let plan = PlacementPlan(starts: starts, counts: counts, finals: finals)
            // Values: 1000·run + index; overflow values 5000 + 1000·run + index.
            let p = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
            let q = UnsafeMutablePointer<Double>.allocate(capacity: capacity)
            defer { p.deallocate(); q.deallocate() }
            p.initialize(repeating: -7, count: capacity)
            q.initialize(repeating: -7, count: capacity)
            for i in 0..<k {
                for r in 0..<counts[i] {
                    p[starts[i] + r] = r % 7 == 3 ? -1 : Int32(1000 * i + r)
                    q[starts[i] + r] = Double(1000 * i + r)
                }
            }
            plan.move(UnsafeMutableRawPointer(q), stride: 8)
            plan.move(UnsafeMutableRawPointer(p), stride: 4)
            var expectedCodes: [Int32] = [], expectedValues: [Double] = []
            for i in 0..<k {
                expectedCodes += (0..<counts[i]).map { $0 % 7 == 3 ? -1 : Int32(1000 * i + $0) }
                expectedValues += (0..<counts[i]).map { Double(1000 * i + $0) }
                expectedCodes += [Int32](repeating: -99, count: overflows[i])
                expectedValues += [Double](repeating: -99, count: overflows[i])
            }
            // Overflow places are not written by the moves: compare the runs' places only.
            for i in 0..<k {
                for r in 0..<counts[i] {
                    #expect(p[finals[i] + r] == expectedCodes[finals[i] + r])
                    #expect(q[finals[i] + r] == expectedValues[finals[i] + r])
                }
            }
        }
    }

    /// Room is claimed under the limit only, and a cut never gives away a claimed row.
    @Test func claimsAndCutsNeverOverlap() {
        let p = UnsafeMutableRawPointer.allocate(byteCount: 4, alignment: 4)
        defer { p.deallocate() }
        let lanes = FinalLanes(bases: [p], kinds: [.int32], capacity: 1_000)
        let rows = PlacedRows(lanes: lanes, byteStart: 0, start: 10, limit: 200, rowsPerByte: 0.1)
        #expect(rows.claim(50) == (at: 10, count: 50))
        // Byte 100 is estimated at row 20, before the 60 claimed: the cut starts at 60.
        let later = rows.cut(at: 100)
        #expect(later.range == (start: 60, end: 60, limit: 200))
        #expect(rows.range == (start: 10, end: 60, limit: 60))
        #expect(rows.claim(5) == (at: 60, count: 0))
        // Byte 1200 is estimated at row 60 + 110 = 170.
        let last = later.cut(at: 1_200)
        #expect(last.range.start == 170 && later.range.limit == 170)
        #expect(later.claim(300) == (at: 60, count: 110))
        // Beyond the limit: the cut gets no room.
        let none = last.cut(at: 100_000)
        #expect(none.range == (start: 200, end: 200, limit: 200))
        // A dropped segment's rows go to the one before it, unless that one overflowed.
        later.absorb(last, overflowed: false)
        #expect(later.range.limit == 200)
        #expect(later.claim(100) == (at: 170, count: 30))
        rows.absorb(later, overflowed: true)
        #expect(rows.range.limit == 60)
    }
}

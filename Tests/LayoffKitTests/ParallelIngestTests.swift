import Foundation
import Testing
import Synchronization
@testable import LayoffKit
@testable import StatKit

/// The events loader parsing a file in segments on several threads must give exactly what
/// the one-thread loader gives — rows, levels and their order, line numbers, problems,
/// exclusions, duplicates and the first error — wherever the splits fall. The reference is
/// the sequential parse of the same file (checked on its own by the other ingest tests).
@Suite struct ParallelIngestTests {
    /// A file with what makes splitting hard: quoted fields holding line feeds and CRLFs
    /// (so a guessed split can fall inside a record), blank lines, doubled quotes,
    /// canonically equivalent company names (NFC/NFD) in different parts, exact
    /// duplicates far apart, invalid rows, an extra column.
    static func trickyFile(rows: Int, seed: UInt64, badRows: Bool) -> String {
        var g = SeededGenerator(seed: seed)
        var s = "company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,funds_raised,country,date_added,note\n"
        let companies = ["Acme", "Globex", "Caf\u{E9}", "Cafe\u{301}", "\u{212A}elvin", "Kelvin", "Initech", "Hooli"]
        var earlier: [String] = []
        for i in 0..<rows {
            let r = Int.random(in: 0..<100, using: &g)
            if r < 4, let old = earlier.randomElement(using: &g) { s += old; continue } // exact duplicate
            if r < 7 { s += i % 2 == 0 ? "\n" : "\r\n" } // blank lines
            let c = companies.randomElement(using: &g)!
            let loc = r < 30 ? "\"City \(i % 7),\nState\r\nLine\"" : "City \(i % 5)"
            let cut = r < 50 ? "\(Int.random(in: 0...5000, using: &g))" : (r < 60 ? "\"1,200\"" : "")
            let day = "\(Int.random(in: 1...12, using: &g))/\(Int.random(in: 1...28, using: &g))/\(Int.random(in: 2020...2025, using: &g))"
            let date = badRows && r == 99 ? "2/30/2024" : day
            let frac = r < 40 ? "0.\(Int.random(in: 1...9, using: &g))" : "Unknown"
            let note = r < 20 ? "\"say \"\"hi\"\"\"" : "n\(i % 3)"
            let line = "\(c),\(loc),\(cut),\(date),\(frac),Tech \(i % 4),src,Series A,\(i % 9),US,\(day),\(note)"
                + (r % 3 == 0 ? "\r\n" : "\n")
            if r < 90 { earlier.append(line) }
            s += line
        }
        return s
    }

    static func write(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "parallel-ingest-\(UUID().uuidString).csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func outcome(_ path: String, threads: Int, options: EventLoadOptions,
                        steal: (minimum: Int, chunk: Int, report: SegmentReport)? = nil) -> String {
        do {
            let tuning = steal.map { SegmentTuning(minimumSplitBytes: 0, minimumStealBytes: $0.minimum, chunkSize: $0.chunk, report: $0.report) }
                ?? SegmentTuning(minimumSplitBytes: 0)
            let r = try EventLoader.load(path: path, options: options, threads: threads, tuning: tuning)
            let t = r.events
            var out = "rows \(r.rowsRead) excluded \(r.excludedByReason.sorted { $0.key < $1.key }) dropped \(r.duplicatesDropped)\n"
            out += "dups \(r.duplicates.map { "\($0.line)<\($0.firstLine)" })\nproblems \(r.problems.map(\.description))\n"
            out += "levels \(t.company.levels) \(t.location.levels)\n"
            for i in 0..<t.count {
                out += "\(t.line[i]) \(t.company.codes[i]) \(t.location.codes[i]) \(t.day[i]) \(t.cut[i] as Any) "
                    + "\(t.fraction[i] as Any) \(t.industry[i] ?? "-") \(t.fundsRaised[i] as Any) \(t.dateAdded[i] as Any) "
                    + "\(t.extra[0].values[i] ?? "-")\n"
            }
            return out
        } catch {
            return "error \(error)"
        }
    }

    @Test(arguments: [(1 as UInt64, false), (2, false), (3, true), (4, true)])
    func segmentsGiveTheSequentialResult(seed: UInt64, badRows: Bool) throws {
        let path = try Self.write(Self.trickyFile(rows: 400, seed: seed, badRows: badRows))
        defer { try? FileManager.default.removeItem(atPath: path) }
        for options in [EventLoadOptions(), EventLoadOptions(skipInvalid: true), EventLoadOptions(skipInvalid: true, dedupe: true)] {
            let reference = Self.outcome(path, threads: 1, options: options)
            #expect(reference.hasPrefix(badRows && !options.skipInvalid ? "error" : "rows"))
            // Many segments on a small file: splits fall inside quoted multi-line fields,
            // on blank lines and between CR and LF.
            for threads in [2, 3, 5, 16, 61] {
                #expect(Self.outcome(path, threads: threads, options: options) == reference, "threads \(threads)")
            }
        }
    }

    /// Threads that finish early take over half of another segment's remainder (its reader's
    /// stop moved while it reads). Read in small chunks and with tiny minimum remainders,
    /// segments are taken over many times, and sometimes the reader has already passed the
    /// new stop (the boundary check then re-parses): every outcome must be the sequential one.
    @Test(arguments: [(6 as UInt64, false), (7, true)])
    func segmentsTakenOverGiveTheSequentialResult(seed: UInt64, badRows: Bool) throws {
        let path = try Self.write(Self.trickyFile(rows: 3_000, seed: seed, badRows: badRows))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var takenOver = 0
        for options in [EventLoadOptions(), EventLoadOptions(skipInvalid: true, dedupe: true)] {
            let reference = Self.outcome(path, threads: 1, options: options)
            #expect(reference.hasPrefix(badRows && !options.skipInvalid ? "error" : "rows"))
            for threads in [2, 3, 5] {
                for (minimum, chunk) in [(2, 64), (512, 256), (4096, 1024), (2, 16)] {
                    for _ in 0..<3 {
                        let report = SegmentReport()
                        #expect(Self.outcome(path, threads: threads, options: options, steal: (minimum, chunk, report)) == reference,
                                "threads \(threads), minimum \(minimum), chunk \(chunk)")
                        takenOver += report.takenOver.load(ordering: .relaxed)
                    }
                }
            }
        }
        #expect(takenOver > 0)
    }

    /// Large enough (≥ 65,536 events) for the duplicate search to split its work over two
    /// threads too.
    @Test func largeFileWithDuplicatesOnTwoThreads() throws {
        let path = try Self.write(Self.trickyFile(rows: 70_000, seed: 5, badRows: false))
        defer { try? FileManager.default.removeItem(atPath: path) }
        for options in [EventLoadOptions(), EventLoadOptions(dedupe: true)] {
            let reference = Self.outcome(path, threads: 1, options: options)
            #expect(reference.contains("dups [\""))
            #expect(Self.outcome(path, threads: 2, options: options) == reference)
        }
    }

    /// The duplicates found on two threads (day sort in two halves, days searched in two
    /// halves) against brute force: the first earlier row with the same value in every field.
    @Test func duplicatesOnTwoThreadsMatchBruteForce() throws {
        let path = try Self.write(Self.trickyFile(rows: 70_000, seed: 6, badRows: false))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try EventLoader.load(path: path, options: .init(), threads: 2, tuning: SegmentTuning(minimumSplitBytes: 0))
        let t = r.events
        var first: [String: Int] = [:]
        var expected: [DuplicateEvent] = []
        for i in 0..<t.count {
            let key = "\(t.company.codes[i]) \(t.location.codes[i]) \(t.industry.codes[i]) \(t.source[i] ?? "-") "
                + "\(t.stage.codes[i]) \(t.country.codes[i]) \(t.extra[0].values[i] ?? "-") \(t.day[i]) "
                + "\(t.dateAdded[i] as Any) \(t.cut[i] as Any) \(t.fraction[i] as Any) \(t.fundsRaised[i] as Any)"
            if let f = first[key] {
                expected.append(DuplicateEvent(line: Int(t.line[i]), firstLine: Int(t.line[f])))
            } else {
                first[key] = i
            }
        }
        #expect(expected.count > 100)
        #expect(r.duplicates == expected)
    }

    @Test func malformedCSVInALaterSegmentIsTheSameError() throws {
        var text = Self.trickyFile(rows: 300, seed: 9, badRows: false)
        text += "Acme,City,10,1/2/2024,0.1,Tech,src,A,1,US,1/2/2024,bad\"quote\n"
        text += Self.trickyFile(rows: 50, seed: 10, badRows: false).split(separator: "\n", maxSplits: 1)[1]
        let path = try Self.write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reference = Self.outcome(path, threads: 1, options: .init(skipInvalid: true))
        #expect(reference.contains("stray quote"))
        for threads in [2, 4, 9] {
            #expect(Self.outcome(path, threads: threads, options: .init(skipInvalid: true)) == reference)
        }
    }

    @Test func splitOffsetsFollowLineFeeds() throws {
        let path = try Self.write("h\n" + String(repeating: "abcdefghi\n", count: 100))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let splits = splitOffsets(path: path, from: 2, size: 1002, parts: 4)
        #expect(splits == [252, 502, 752])
        // A file without line feeds after the first part cannot be split.
        let flat = try Self.write("h\n" + String(repeating: "x", count: 1000))
        defer { try? FileManager.default.removeItem(atPath: flat) }
        #expect(splitOffsets(path: flat, from: 2, size: 1002, parts: 4).isEmpty)
    }
}

@Suite struct DayReaderTests {
    /// The date reader must answer exactly what `Day.parse` answers, for valid and invalid
    /// text of the lengths it reads itself (8–10 bytes) and others.
    @Test func cacheEqualsParse() {
        var g = SeededGenerator(seed: 7)
        let cache = DayReader()
        let alphabet = Array("0123456789/-/-x 1".utf8)
        var inputs: [[UInt8]] = []
        for _ in 0..<20_000 {
            if Bool.random(using: &g) {
                let y = Int.random(in: 1990...2030, using: &g), m = Int.random(in: 0...13, using: &g), d = Int.random(in: 0...32, using: &g)
                inputs.append(Array((Bool.random(using: &g) ? "\(m)/\(d)/\(y)" : "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)").utf8))
            } else {
                inputs.append((0..<Int.random(in: 0...12, using: &g)).map { _ in alphabet.randomElement(using: &g)! })
            }
        }
        for _ in 0..<2 {
            for b in inputs {
                let want = b.withUnsafeBufferPointer { Day.parse($0) }
                let got = b.withUnsafeBufferPointer { cache.parse($0) }
                #expect(got == want, "\(String(decoding: b, as: UTF8.self))")
            }
        }
    }
}

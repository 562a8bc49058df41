import Foundation
import Testing
@testable import LayoffKit
import StatKit

/// The events loader against the plain reference loader (``ReferenceEventLoader``), cell
/// by cell: every column's levels in order and codes, text stored as written by value,
/// numbers bit for bit with their presence, days, lines, problems, exclusions, duplicates
/// and errors; on both generated shapes, on the real export (when `../shared` is there)
/// and on malformed files; with one thread, and with two on files split into many small
/// segments taken over from one another.
@Suite struct ReferenceLoaderTests {
    /// Everything a load gives (text stored as written compared by value, through `same`).
    static func detail(_ outcome: Result<EventLoadResult, IngestError>, reference: EventLoadResult? = nil) -> String {
        let r: EventLoadResult
        switch outcome {
        case .failure(let e): return "error \(e)"
        case .success(let x): r = x
        }
        let t = r.events
        var out = "rows \(r.rowsRead) count \(t.count) excluded \(r.excludedByReason.sorted { $0.key < $1.key })"
            + " dropped \(r.duplicatesDropped)\ndups \(r.duplicates.map { "\($0.line)<\($0.firstLine)" })\n"
            + "problems \(r.problems.map(\.description))\n"
        for (name, c) in [("company", t.company), ("location", t.location), ("industry", t.industry), ("stage", t.stage),
                          ("country", t.country)] {
            out += "\(name) \(c.levels)\n\(c.codes)\n"
        }
        // Values stored as written read back as written; a dictionary shows a level's first
        // spelling: compared as `String`s against the reference's.
        let strings = [("source", t.source)] + t.extra.map { ($0.name, $0.values) }
        let expected = reference.map { [("source", $0.events.source)] + $0.events.extra.map { ($0.name, $0.values) } }
        for (k, (name, c)) in strings.enumerated() {
            out += "\(name) \(c.count) " + (expected.map { k < $0.count && $0[k].0 == name && $0[k].1 == c ? "equal" : "differs" } ?? "") + "\n"
        }
        func numbers(_ c: NumericColumn) -> String {
            "\(c.values.indices.map { c.isPresent[$0] ? String(c.values[$0].bitPattern, radix: 16) : "-" })"
        }
        out += "cut \(numbers(t.cut))\nfraction \(numbers(t.fraction))\nfunds \(numbers(t.fundsRaised))\n"
        out += "day \(t.day.map(\.number))\nadded \(t.dateAdded.map { $0?.number ?? -1 })\nline \(t.line)\n"
        return out
    }

    static func write(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "reference-\(UUID().uuidString).csv"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The loader on `bytes` (in memory; from a file with one thread; with two threads in
    /// segments of about `bytes / segments` bytes taken over from one another) against the
    /// reference loader, for each of `options`.
    static func expectReference(_ bytes: [UInt8], options: [EventLoadOptions], segments: Int = 12,
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = try write(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        for o in options {
            let reference = Result { () throws(IngestError) in try ReferenceEventLoader.load(bytes: bytes, name: path, options: o) }
            let want = detail(reference, reference: try? reference.get())
            #expect(!want.contains("differs"))
            let step = max(2, bytes.count / segments)
            let tunings = [SegmentTuning(), SegmentTuning(minimumSplitBytes: 0, minimumStealBytes: step, chunkSize: max(16, step / 3))]
            for threads in [1, 2] {
                for tuning in tunings where threads > 1 || tuning.minimumSplitBytes > 0 {
                    let got = Result { () throws(IngestError) in try EventLoader.load(path: path, options: o, threads: threads, tuning: tuning) }
                    let text = detail(got, reference: try? reference.get())
                    #expect(text == want, "threads \(threads), options \(o)", sourceLocation: sourceLocation)
                    if text != want { return }
                }
            }
            let inMemory = Result { () throws(IngestError) in try EventLoader.load(bytes: bytes, name: path, options: o) }
            #expect(detail(inMemory, reference: try? reference.get()) == want, "in memory, options \(o)", sourceLocation: sourceLocation)
        }
    }

    static let allOptions = [EventLoadOptions(), EventLoadOptions(skipInvalid: true, dedupe: true),
                             EventLoadOptions(percentScale: 100, skipInvalid: true)]

    @Test(arguments: SyntheticLayoffs.Parameters.Shape.allCases)
    func generatedShapes(shape: SyntheticLayoffs.Parameters.Shape) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reference-\(shape)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = dir.appendingPathComponent("events.csv").path
        try SyntheticLayoffs(.init(events: 12_000, companies: shape == .export ? 2_400 : 300, seed: 5, shape: shape))
            .write(eventsPath: e, fundamentalsPath: dir.appendingPathComponent("f.csv").path)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: e)))
        try Self.expectReference(bytes, options: Self.allOptions)
        // The export shape's sources are stored as written, the compact one's dictionary-encoded.
        let r = try EventLoader.load(path: e)
        #expect(r.events.source.isDictionaryEncoded == (shape == .compact))
        if shape == .export { #expect(r.duplicates.count > 0) }
    }

    @Test func realExport() throws {
        let path = IngestPaths.layoffs
        guard FileManager.default.fileExists(atPath: path) else { return }
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        try Self.expectReference(bytes, options: Self.allOptions, segments: 40)
    }

    /// Quoted line breaks and CRLFs (splits fall inside records), blank lines, canonically
    /// equivalent names, duplicates, invalid rows, an extra column of notes.
    @Test(arguments: [(UInt64(1), false), (2, true), (3, true)])
    func malformedValues(seed: UInt64, badRows: Bool) throws {
        let text = ParallelIngestTests.trickyFile(rows: 2_000, seed: seed, badRows: badRows)
        try Self.expectReference(Array(text.utf8), options: Self.allOptions, segments: 30)
    }

    /// Malformed CSV in a later part of the file, ragged rows, a field too long to show.
    @Test func malformedCSV() throws {
        var text = ParallelIngestTests.trickyFile(rows: 600, seed: 9, badRows: false)
        text += "Acme,City,10,1/2/2024,0.1,Tech,src,A,1,US,1/2/2024\n"
        text += "Acme,City,\(String(repeating: "7", count: 300)),1/2/2024,0.1,Tech,src,A,1,US,1/2/2024,n\n"
        try Self.expectReference(Array(text.utf8), options: [EventLoadOptions(skipInvalid: true)], segments: 20)
        text += "Acme,City,10,1/2/2024,0.1,Tech,src,A,1,US,1/2/2024,bad\"quote\n"
        text += ParallelIngestTests.trickyFile(rows: 100, seed: 10, badRows: false).split(separator: "\n", maxSplits: 1)[1]
        try Self.expectReference(Array(text.utf8), options: Self.allOptions, segments: 20)
    }

    /// Every events file of the command line's bad-input corpus.
    @Test func badInputCorpus() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("CLITests/BadInput")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".csv") && !$0.hasPrefix("fundamentals") && !$0.hasPrefix("a-directory") }
        #expect(files.count > 30)
        for f in files.sorted() {
            let bytes = Array(try Data(contentsOf: folder.appendingPathComponent(f)))
            try Self.expectReference(bytes, options: [EventLoadOptions(), EventLoadOptions(skipInvalid: true)], segments: 3)
        }
    }

    /// Columns left out of the table (``EventLoadOptions/columns``) are still checked (the
    /// same problems and exclusions) and still tell duplicates apart; the columns kept are
    /// the whole load's.
    @Test func columnsLeftOut() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("projection-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = dir.appendingPathComponent("events.csv").path
        try SyntheticLayoffs(.init(events: 8_000, companies: 1_000, seed: 8)).write(eventsPath: e, fundamentalsPath: dir.appendingPathComponent("f.csv").path)
        var text = try String(contentsOfFile: e, encoding: .utf8)
        // Rows equal but for their source or date_added (no duplicates), a repeated row, a
        // bad date_added (a problem, whether the column is kept or not).
        let lines = text.split(separator: "\n").map(String.init)
        text += lines[1].replacingOccurrences(of: "https://", with: "https://other.") + "\n" + lines[2] + "\n"
        text += lines[3].replacingOccurrences(of: ",Post-IPO,", with: ",Seed,") + "\n"
        text += "Acme,Boston,10,1/2/2024,0.1,Retail,https://x,Seed,1,United States,2/30/2024\n"
        try text.write(toFile: e, atomically: true, encoding: .utf8)
        for threads in [1, 2] {
            let tuning = SegmentTuning(minimumSplitBytes: 0)
            let all = try EventLoader.load(path: e, options: .init(skipInvalid: true), threads: threads, tuning: tuning)
            #expect(all.duplicates.count > 0 && all.problems.count == 1)
            for keep: Set<String> in [["company"], ["total_laid_off", "industry"], ["source", "location", "date_added"], []] {
                let some = try EventLoader.load(path: e, options: .init(skipInvalid: true, columns: keep), threads: threads, tuning: tuning)
                #expect(some.duplicates == all.duplicates && some.problems == all.problems && some.excludedByReason == all.excludedByReason)
                let t = some.events, a = all.events
                // The key, the day, the count and the fraction are always kept (the workforce
                // and the join read them).
                #expect(t.company == a.company && t.day == a.day && t.line == a.line)
                #expect(t.cut == a.cut && t.fraction == a.fraction)
                #expect(keep.contains("industry") ? t.industry == a.industry : t.industry.count == 0)
                #expect(keep.contains("source") ? t.source == a.source : t.source.count == 0)
                #expect(keep.contains("date_added") ? t.dateAdded == a.dateAdded : t.dateAdded.count == 0)
                #expect(t.stage.count == 0)
            }
        }
    }
}

import Foundation
import Testing
import Synchronization
@testable import LayoffKit

/// The events parse's fast paths against brute force: the fixed-pattern date reader
/// against `Day.parse` on every day of the years at the ends of its month table, and the
/// staged appends against loading the records one at a time.
@Suite struct EventsParseFastPathTests {
    /// Every month 0–13 and day 0–32 of years inside, at the edges of and outside the
    /// month table (1900–2155), in every pattern (padded or not), plus near misses: the
    /// fast reader must answer exactly what `Day.parse` answers.
    @Test func datesMatchDayParseExhaustively() {
        let cache = DayReader()
        var inputs: [String] = []
        for y in [0, 1, 999, 1000, 1899, 1900, 1901, 1999, 2000, 2023, 2024, 2100, 2154, 2155, 2156, 2400, 9999] {
            let yyyy = String(repeating: "0", count: 4 - String(y).count) + String(y)
            for m in 0...13 {
                for d in 0...32 {
                    let mm = m < 10 ? "0\(m)" : "\(m)", dd = d < 10 ? "0\(d)" : "\(d)"
                    inputs += ["\(m)/\(d)/\(yyyy)", "\(mm)/\(dd)/\(yyyy)", "\(mm)/\(d)/\(yyyy)", "\(m)/\(dd)/\(yyyy)",
                               "\(yyyy)-\(mm)-\(dd)", "\(yyyy)-\(m)-\(d)", "\(yyyy)/\(mm)/\(dd)", "\(m)-\(d)-\(yyyy)"]
                }
            }
        }
        // Bytes next to the digits and separators ('/' is '0' - 1, ':' is '9' + 1).
        var g = SeededGenerator(seed: 9)
        let alphabet = Array("0123456789/-:. x".utf8) + Array("0123456789".utf8)
        var raw: [[UInt8]] = inputs.map { Array($0.utf8) }
        for _ in 0..<100_000 {
            var b = Array(["3/18/2025", "12/1/2021", "2024-02-29", "1/9/2023", "10/31/2022"].randomElement(using: &g)!.utf8)
            for _ in 0..<Int.random(in: 1...2, using: &g) { b[Int.random(in: 0..<b.count, using: &g)] = alphabet.randomElement(using: &g)! }
            raw.append(b)
        }
        for b in raw {
            let want = b.withUnsafeBufferPointer { Day.parse($0) }
            let got = b.withUnsafeBufferPointer { cache.parse($0) }
            #expect(got == want, "\(String(decoding: b, as: UTF8.self))")
        }
    }

    /// More rows than one staging block (256), with invalid rows, quoted and padded values
    /// and a date_added that differs from the date: the table must hold, row for row, what
    /// loading each record alone gives, and levels in order of first appearance.
    @Test func stagedRowsMatchRecordsLoadedOneByOne() throws {
        var g = SeededGenerator(seed: 4)
        let header = "company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,funds_raised,country,date_added,note"
        var lines: [String] = []
        for i in 0..<1_000 {
            let r = Int.random(in: 0..<100, using: &g)
            let date = "\(Int.random(in: 1...12, using: &g))/\(Int.random(in: 1...28, using: &g))/\(Int.random(in: 2019...2025, using: &g))"
            let added = r < 70 ? date : (r < 80 ? "" : (r < 90 ? "2024-01-0\(1 + r % 9)" : "Unknown"))
            let cut = r < 5 ? "-3" : (r < 10 ? "12.5" : (r < 60 ? "\(Int.random(in: 0...9999, using: &g)).0" : (r < 70 ? "\"1,200\"" : "")))
            let frac = r < 3 ? "1.5" : (r < 50 ? "0.0\(r % 10)" : "")
            let funds = r < 40 ? "\(r * 7)" : (r < 50 ? "\"$1,200\"" : " 33 ")
            let company = r == 42 ? "" : "Company \(Int.random(in: 0..<60, using: &g))"
            lines.append("\(company),\"City \(i % 7), ST\",\(cut),\(r == 99 ? "2/30/2024" : date),\(frac),Tech \(i % 5),"
                         + "https://example.org/\(i % 11),Series \(r % 4),\(funds),Country \(r % 6),\(added), n\(i % 3) ")
        }
        let whole = try EventLoader.load(bytes: Array((([header] + lines).joined(separator: "\n") + "\n").utf8), name: "e.csv",
                                         options: EventLoadOptions(skipInvalid: true))
        var kept = 0
        var companies: [String] = [], locations: [String] = []
        for (k, l) in lines.enumerated() {
            let one = try EventLoader.load(bytes: Array((header + "\n" + l + "\n").utf8), name: "e.csv",
                                           options: EventLoadOptions(skipInvalid: true))
            guard one.events.count == 1 else { continue }
            let a = whole.events, b = one.events
            #expect(Int(a.line[kept]) == k + 2)
            #expect(a.company[kept] == b.company[0] && a.location[kept] == b.location[0] && a.industry[kept] == b.industry[0])
            #expect(a.source[kept] == b.source[0] && a.stage[kept] == b.stage[0] && a.country[kept] == b.country[0])
            #expect(a.extra[0].values[kept] == b.extra[0].values[0])
            #expect(a.day[kept] == b.day[0] && a.dateAdded[kept] == b.dateAdded[0])
            #expect(a.cut[kept]?.bitPattern == b.cut[0]?.bitPattern && a.fraction[kept]?.bitPattern == b.fraction[0]?.bitPattern)
            #expect(a.fundsRaised[kept]?.bitPattern == b.fundsRaised[0]?.bitPattern)
            if let c = b.company[0], !companies.contains(c) { companies.append(c) }
            if let c = b.location[0], !locations.contains(c) { locations.append(c) }
            kept += 1
        }
        #expect(kept == whole.events.count && kept > 600 && kept < 1_000)
        #expect(whole.events.company.levels == companies && whole.events.location.levels == locations)
        #expect(whole.excludedCount == 1_000 - kept)
    }

    /// The whole-number check of counts (an integer conversion below 2⁵²) against
    /// `v.rounded() == v` on integers, halves, near-integers, the edges of 2⁵² and 2⁶³,
    /// signed zeros, infinities and NaN.
    @Test func wholeNumberCheckMatchesRounded() {
        var values: [Double] = [0, -0.0, 0.5, 1, 1.5, 2.5, -2.5, 16000, 99.0, 0.03, .infinity, -.infinity, .nan,
                                .ulpOfOne, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0x1p63, -0x1p63, 0x1p64]
        for e in [52.0, 53, 63] {
            let p = Double(sign: .plus, exponent: Int(e), significand: 1)
            values += [p, p.nextUp, p.nextDown, p.nextDown.nextDown, p - 0.5, -p, -p.nextDown]
        }
        var state: UInt64 = 41
        for _ in 0..<100_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let bits = state >> 11
            values.append(Double(bits % 2_000_000) / [1, 2, 4, 10, 100][Int(state >> 60) % 5])
            values.append(Double(bitPattern: state))
        }
        for v in values {
            #expect(isWholeNumber(v) == (v.rounded() == v), "\(v)")
        }
    }

    /// The missing-value check of the numeric and date_added columns (empty or `Unknown`,
    /// any letter case, spaces and tabs around) against its definition (trimmed, then
    /// empty, or seven bytes equal to `unknown` once bit 5 is set), on random strings of
    /// the letters of `unknown` in both cases, near misses, spaces, tabs and digits.
    @Test func missingDomainValuesMatchDefinition() {
        var g = SeededGenerator(seed: 31)
        let alphabet = Array("unkowUNKOW \t07;Nn".utf8)
        var inputs: [[UInt8]] = ["", " ", "\t", "Unknown", "unknown", "UNKNOWN", " Unknown ", "\tunknown", "Unknow", "Unknownn",
                                 "Unkn0wn", "Unknowm", "uNkNoWn", "Unknown.", "0", "12"].map { Array($0.utf8) }
        for _ in 0..<100_000 { inputs.append((0..<Int.random(in: 0..<10, using: &g)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &g)] }) }
        for b in inputs {
            var t = b[...]
            while let f = t.first, f == 32 || f == 9 { t = t.dropFirst() }
            while let l = t.last, l == 32 || l == 9 { t = t.dropLast() }
            let expected = t.isEmpty || (t.count == 7 && zip(t, "unknown".utf8).allSatisfy { ($0 | 0x20) == $1 })
            #expect(b.withUnsafeBufferPointer { isMissingDomainValue($0) } == expected, "\(String(decoding: b, as: UTF8.self))")
        }
    }

    /// CSV text of `rows` valid events drawn from few values per column (so that exact
    /// duplicates are common), with rows repeated exactly and rows repeated with one field
    /// changed (near duplicates: never duplicates), on `days` days from `firstYear` (and,
    /// with `farDays`, some in 1900 and 2150, a day range too wide for the day buckets),
    /// with an extra column.
    static func duplicateRichFile(rows: Int, days: Int, firstYear: Int, farDays: Bool, seed: UInt64) -> [UInt8] {
        var g = SeededGenerator(seed: seed)
        var lines = ["company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,funds_raised,country,date_added,note"]
        var fields: [[String]] = []
        for _ in 0..<rows {
            let r = Int.random(in: 0..<100, using: &g)
            if r < 6, !fields.isEmpty {
                lines.append(fields[Int.random(in: 0..<fields.count, using: &g)].joined(separator: ","))
                continue
            }
            let d = Int.random(in: 0..<days, using: &g)
            var date = "\(1 + d % 12)/\(1 + d / 12 % 28)/\(firstYear + d / 336)"
            if farDays && r >= 97 { date = r == 97 ? "1/1/1900" : "12/31/2150" }
            let cuts = ["10", "10.0", "20", "-0", "0", "", "Unknown", "\"1,200\""]
            var f = ["Company \(Int.random(in: 0..<3, using: &g))", Int.random(in: 0..<2, using: &g) == 0 ? "Boston" : "\"Washington, D.C.\"",
                     cuts[Int.random(in: 0..<cuts.count, using: &g)], date, ["0.1", "", "0.25"][Int.random(in: 0..<3, using: &g)],
                     ["Retail", "Food"][Int.random(in: 0..<2, using: &g)],
                     "https://example.org/layoffs/\(2020 + Int.random(in: 0..<2, using: &g))/\(1 + Int.random(in: 0..<2, using: &g))",
                     ["Series A", "Unknown", ""][Int.random(in: 0..<3, using: &g)], ["1", "", "\"$1,200\""][Int.random(in: 0..<3, using: &g)],
                     ["United States", "India"][Int.random(in: 0..<2, using: &g)], Int.random(in: 0..<4, using: &g) == 0 ? "" : date,
                     ["a", "", "b"][Int.random(in: 0..<3, using: &g)]]
            if r < 12, let old = fields.randomElement(using: &g) {
                // A near duplicate: an earlier row with one field changed.
                f = old
                let k = Int.random(in: 0..<f.count, using: &g)
                f[k] = k == 3 || k == 10 ? "2/29/2024" : (k == 2 || k == 8 ? "7" : (k == 4 ? "0.5" : (f[k].hasPrefix("\"") ? "\"x" + f[k].dropFirst() : "x" + f[k])))
            }
            fields.append(f)
            lines.append(f.joined(separator: ","))
        }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// The duplicates of a table by brute force: each row's fields (text, days, the bits of
    /// numbers, missing marked) as one key, the first row of each key remembered.
    static func bruteForceDuplicates(_ t: EventTable) -> [DuplicateEvent] {
        func number(_ v: Double?) -> String { v.map { String($0.bitPattern) } ?? "-" }
        var first: [String: Int] = [:]
        var out: [DuplicateEvent] = []
        for i in 0..<t.count {
            var key = [t.company[i], t.location[i], t.industry[i], t.source[i], t.stage[i], t.country[i]].map { $0 ?? "\u{0}" }
            key += t.extra.map { $0.values[i] ?? "\u{0}" }
            key += [String(t.day[i].number), t.dateAdded[i].map { String($0.number) } ?? "-",
                    number(t.cut[i]), number(t.fraction[i]), number(t.fundsRaised[i])]
            let k = key.joined(separator: "\u{1}")
            if let f = first[k] { out.append(DuplicateEvent(line: Int(t.line[i]), firstLine: Int(t.line[f]))) } else { first[k] = i }
        }
        return out
    }

    /// The duplicate search (day buckets of a few rows compared directly, larger ones
    /// through a table of hashes, the one-table fallback for a wide day range; one and two
    /// threads) against brute force, and again with every row given the same hash (all
    /// rows of a day collide: equality alone decides), with and without dedupe.
    @Test func duplicatesMatchBruteForce() throws {
        let cases = [(rows: 70_000, days: 300, farDays: false), (rows: 3_000, days: 2_000, farDays: false),
                     (rows: 2_000, days: 40, farDays: true)]
        for (k, c) in cases.enumerated() {
            let bytes = EventsParseFastPathTests.duplicateRichFile(rows: c.rows, days: c.days, firstYear: 2020, farDays: c.farDays,
                                                                   seed: UInt64(40 + k))
            let r = try EventLoader.load(bytes: bytes, name: "d.csv")
            let expected = EventsParseFastPathTests.bruteForceDuplicates(r.events)
            #expect(expected.count > c.rows / 50, "case \(k): \(expected.count) duplicates")
            #expect(r.duplicates == expected, "case \(k)")
            for threads in [1, 2] {
                for forced: UInt32? in [nil, 7] {
                    var t = r.events
                    let (found, dropped) = DuplicateSearch.find(in: &t, others: nil, dedupe: false, threads: threads, forcedHash: forced)
                    #expect(found == expected && dropped == 0, "case \(k), \(threads) threads, hash \(forced as Any)")
                }
                var t = r.events
                let (found, dropped) = DuplicateSearch.find(in: &t, others: nil, dedupe: true, threads: threads)
                #expect(found == expected && dropped == expected.count && t.count == r.events.count - expected.count)
                #expect(EventsParseFastPathTests.bruteForceDuplicates(t).isEmpty)
            }
        }
    }

    /// The duplicate search's buckets of days at their edges, against brute force: days
    /// holding more rows than a bucket (one and three days), a bucket size's worth of rows
    /// over many days, and rows that agree on company, location, day and cut (the fields
    /// hashed) but differ elsewhere (the near duplicates), with one thread and two.
    @Test func duplicateBucketsAgainstBruteForce() throws {
        let n = DuplicateSearch.bucketRows
        let cases = [(rows: 3 * n, days: 1), (rows: 2 * n + 7, days: 3), (rows: n + 1, days: 1_500), (rows: 20_000, days: 5)]
        for (k, c) in cases.enumerated() {
            let bytes = EventsParseFastPathTests.duplicateRichFile(rows: c.rows, days: c.days, firstYear: 2021, farDays: false,
                                                                   seed: UInt64(90 + k))
            let events = try EventLoader.load(bytes: bytes, name: "d.csv").events
            let expected = EventsParseFastPathTests.bruteForceDuplicates(events)
            #expect(expected.count > c.rows / 50, "case \(k): \(expected.count) duplicates")
            for threads in [1, 2] {
                var t = events
                let (found, _) = DuplicateSearch.find(in: &t, others: nil, dedupe: false, threads: threads)
                #expect(found == expected, "case \(k), \(threads) threads")
            }
        }
    }

    /// Many near duplicates (one company, place, day, cut and source, each row with a stage
    /// of its own, some rows repeated exactly): the rows share the search's hash, so the
    /// bucket is searched again by the hash of all fields (counted), and the pairs are
    /// brute force's, with one thread and two.
    @Test func nearDuplicatesFallBackToTheFullHash() throws {
        var lines = ["company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,funds_raised,country,date_added"]
        for i in 0..<6_000 {
            let stage = i % 7 == 3 ? "Post-IPO" : "Series \(i)"
            lines.append("Acme,Boston,100,2024-03-01,0.1,Retail,https://example.org/same,\(stage),5,United States,2024-03-02")
        }
        let events = try EventLoader.load(bytes: Array((lines.joined(separator: "\n") + "\n").utf8), name: "near.csv").events
        let expected = EventsParseFastPathTests.bruteForceDuplicates(events)
        #expect(expected.count == 6_000 / 7 - 1)
        for threads in [1, 2] {
            let before = DuplicateSearch.fullHashSearches.load(ordering: .relaxed)
            var t = events
            let (found, _) = DuplicateSearch.find(in: &t, others: nil, dedupe: false, threads: threads)
            #expect(found == expected, "\(threads) threads")
            #expect(DuplicateSearch.fullHashSearches.load(ordering: .relaxed) > before)
        }
    }

    /// Company lookups finished a row late (short ASCII names, once the cache of recent
    /// values is dropped for a column of many companies) among names that are finished at
    /// once (over 16 bytes, non-ASCII, NFC and NFD spellings), rows with problems in
    /// between, across staging blocks: every row's company must be its own name and the
    /// levels must be the names in order of first appearance (brute force), with one
    /// thread and with two.
    @Test func companiesInternedInRowOrderAgainstBruteForce() throws {
        var g = SeededGenerator(seed: 37)
        var lines = ["company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,funds_raised,country,date_added"]
        var names: [String?] = []
        for _ in 0..<30_000 {
            let k = Int.random(in: 0..<12_000, using: &g), r = Int.random(in: 0..<100, using: &g)
            let name = r < 5 ? "A company with a long name \(k % 300)" : (r < 8 ? (k % 2 == 0 ? "Caf\u{E9} \(k % 50)" : "Cafe\u{301} \(k % 50)")
                : (r < 10 ? "C\(k % 7)" : "Company \(k)"))
            let bad = r == 99
            lines.append("\(name),Boston,10,\(bad ? "2/30/2024" : "3/\(1 + k % 28)/2024"),0.1,Retail,src,Seed,1,US,")
            names.append(bad ? nil : name)
        }
        let text = lines.joined(separator: "\n") + "\n"
        var expectedLevels: [String] = [], seen = Set<String>()
        for case let n? in names where seen.insert(n).inserted { expectedLevels.append(n) }
        let valid = names.compactMap { $0 }
        let one = try EventLoader.load(bytes: Array(text.utf8), name: "c.csv", options: EventLoadOptions(skipInvalid: true))
        #expect(one.events.count == valid.count)
        #expect(one.events.company.levels == expectedLevels)
        #expect((0..<valid.count).allSatisfy { one.events.company[$0] == valid[$0] })
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("companies-\(UUID().uuidString).csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let two = try EventLoader.load(path: path, options: EventLoadOptions(skipInvalid: true), threads: 2, tuning: SegmentTuning(minimumSplitBytes: 0))
        #expect(two.events.company.levels == expectedLevels)
        #expect(two.events.company.codes == one.events.company.codes)
    }
}

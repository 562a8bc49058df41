import Testing
@testable import LayoffKit

/// The events parse's fast paths against brute force: the fixed-pattern date reader
/// against `Day.parse` on every day of the years at the ends of its month table, and the
/// staged appends against loading the records one at a time.
@Suite struct EventsParseFastPathTests {
    /// Every month 0–13 and day 0–32 of years inside, at the edges of and outside the
    /// month table (1900–2155), in every pattern (padded or not), plus near misses: the
    /// fast reader must answer exactly what `Day.parse` answers.
    @Test func datesMatchDayParseExhaustively() {
        var cache = DayReader()
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
}

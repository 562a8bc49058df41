import Testing
@testable import LayoffKit

// The fundamentals load, growth derivation and join work on integer company codes and
// packed tables; these tests check them against straightforward re-computations over
// `String`s (dictionaries keyed by name and year, linear scans over the rows) on generated
// tables with duplicates, missing years, invalid values, aliases and canonically
// equivalent spellings. Every comparison is exact (no tolerance): both sides compute each
// number by the same formula.

// MARK: - Generated inputs

/// Company spellings: variants of a few companies (suffixes, case, `The`, `.com`), one
/// company typed precomposed and decomposed (`Café` as C3 A9 and as `e` + U+0301), one with
/// a KELVIN SIGN (U+212A, canonically `K`), names needing CSV quotes, and plain numbered ones.
private let fundamentalsNames: [String] = [
    "Acme", "Acme Inc.", "ACME Corporation", "The Acme Company", "acme.com",
    "Café Bleu", "Cafe\u{301} Bleu", "Café Bleu Ltd",
    "Kelvin Labs", "\u{212A}elvin Labs",
    "Globex, Inc.", "Globex", "Initech \"West\"", "Alphabet Inc.", "Meta Platforms", "Umbrella Group",
] + (0..<30).map { "Co\($0)" } + (0..<10).map { "Co\($0) Holdings" }

/// Event spellings: the above, brand names reached through aliases, names with no
/// fundamentals, and missing companies (`nil`).
private let eventNames: [String?] = fundamentalsNames.map { $0 } + [
    "Google", "Facebook", "Meta", "Cafe\u{301} Bleu Inc", "the acme co", "Kelvin Labs LLC", "Nobody Corp", "Umbrella",
    "Nowhere", "Solo", nil, nil,
]

private func csvField(_ s: String) -> String {
    s.contains(",") || s.contains("\"") ? "\"" + s.replacingAll("\"", with: "\"\"") + "\"" : s
}

private extension String {
    func replacingAll(_ a: Character, with b: String) -> String {
        var out = ""
        for c in self { if c == a { out += b } else { out.append(c) } }
        return out
    }
}

/// A fundamentals CSV: companies with runs of years (gaps, shuffled order, repeats),
/// values in every accepted form plus invalid ones, sometimes an extra column, columns in
/// another order, a ragged record or no growth column.
private func generatedFundamentalsCSV(seed: UInt64, invalid: Bool) -> String {
    var g = SeededGenerator(seed: seed)
    func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &g) < p }
    var columns = ["company", "fiscal_year", "employees", "revenue"]
    if !chance(0.2) { columns.append("revenue_growth") }
    if chance(0.5) { columns.insert("source", at: Int.random(in: 0...columns.count, using: &g)) }
    if chance(0.3) { columns.shuffle(using: &g) }
    var lines = [columns.joined(separator: ",")]
    let employeesForms = ["4481", "1,541,000", "0", " 77 ", "12", "", "NA", "unknown", "1e3", "-0"]
    let revenueForms = ["1092.7", "$1,200", "970.4", "0", "-3.5", "", "n/a", "611,289", "  88.25", "$5", "1e2", "-0.0"]
    let growthForms = ["", "", "", "5.5", "-14.6", "0", "NaN", " 3 "]
    let badYears = ["20x0", "1799", "2201", "", "2020.5"]
    let badNumbers = ["-5", "10.5", "abc", "1,00", "- 5", "12abc", "$ 5", "--1"]
    for name in fundamentalsNames.shuffled(using: &g) {
        var years = Array(2015...2024).filter { _ in !chance(0.3) }
        if chance(0.3) { years.shuffle(using: &g) }
        if chance(0.15), let y = years.randomElement(using: &g) { years.append(y) }   // a repeated company-year
        for y in years {
            var yearText = chance(0.05) ? ["2020.0", " \(y)", "0\(y)"].randomElement(using: &g)! : "\(y)"
            var employees = employeesForms.randomElement(using: &g)!
            var revenue = revenueForms.randomElement(using: &g)!
            var growth = growthForms.randomElement(using: &g)!
            var company = chance(0.05) ? "  " + name + " " : name
            if invalid {
                if chance(0.04) { yearText = badYears.randomElement(using: &g)! }
                if chance(0.04) { employees = badNumbers.randomElement(using: &g)! }
                if chance(0.04) { revenue = badNumbers.randomElement(using: &g)! }
                if chance(0.03) { growth = "x" }
                if chance(0.02) { company = "" }
            }
            let values = ["company": company, "fiscal_year": yearText, "employees": employees, "revenue": revenue,
                          "revenue_growth": growth, "source": "s\(y)"]
            var fields = columns.map { csvField(values[$0]!) }
            if invalid && chance(0.01) { fields.removeLast() }
            lines.append(fields.joined(separator: ","))
        }
    }
    return lines.joined(separator: "\n") + "\n"
}

// MARK: - The loader by its documentation, over Strings

private struct NaiveRow: Equatable {
    var company: [UInt8]   // the exact spelling
    var companyName: String
    var year: Int
    var employees: Double?
    var revenue: Double?
    var growth: Double?
    var derived: Bool
    var line: Int32
}

private struct NameYear: Hashable {
    var company: String
    var year: Int
}

/// Every field through `CSVValue`, one problem list per row in the documented order, a
/// repeated company-year found in a `[String, Int]`-keyed dictionary (so canonically equal
/// names are one company), growth derived by a scan of all rows for the previous year.
private func naiveLoad(_ text: String, name: String, skipInvalid: Bool)
    -> (rows: [NaiveRow], problems: [DataProblem], excluded: [String: Int], read: Int, derived: Int)
{
    let reader = CSVReader(bytes: Array(text.utf8), name: name)
    let header = try! reader.readHeader()
    let ci = header.firstIndex(of: "company")!, yi = header.firstIndex(of: "fiscal_year")!
    let ei = header.firstIndex(of: "employees"), ri = header.firstIndex(of: "revenue")
    let gi = header.firstIndex(of: "revenue_growth")
    var rows: [NaiveRow] = [], problems: [DataProblem] = [], excluded: [String: Int] = [:], read = 0
    var firstLine: [NameYear: Int] = [:]
    while try! reader.next() {
        read += 1
        let line = reader.recordLine
        var p: [DataProblem] = []
        func report(_ col: Int, _ value: String, _ issue: String, _ expected: String, _ reason: String) {
            p.append(DataProblem(file: name, line: line, column: col + 1, columnName: header[col], value: value,
                                 issue: issue, expected: expected, reason: reason))
        }
        if reader.fieldCount != header.count {
            p.append(DataProblem(file: name, line: line, column: 0, columnName: "", value: "",
                                 issue: "record has \(reader.fieldCount) fields", expected: "\(header.count) as in the header",
                                 reason: "wrong field count"))
        } else {
            let f = reader.record.strings
            let companyBytes = Array(CSVValue.trimmed(Array(f[ci].utf8)[...]))
            let company = String(decoding: companyBytes, as: UTF8.self)
            if company.isEmpty { report(ci, f[ci], "is missing", "a company name", "missing company") }
            var year: Int?
            if let v = CSVValue.double(Array(f[yi].utf8)[...]), v.rounded() == v, v >= 1800, v <= 2200 {
                year = Int(v)
            } else {
                report(yi, f[yi], "is not a fiscal year", "a year such as 2023", "invalid fiscal year")
            }
            func number(_ col: Int?, integer: Bool, nonNegative: Bool, currency: Bool, expected: String, what: String) -> Double? {
                guard let col else { return nil }
                let s = Array(f[col].utf8)[...]
                if CSVValue.isMissingToken(s) || isMissingDomainValue(s) { return nil }
                guard let v = CSVValue.groupedDouble(s, currency: currency) else {
                    report(col, f[col], "is not a number", expected, "invalid \(what)"); return nil
                }
                if nonNegative && v < 0 { report(col, f[col], "is negative", expected, "negative \(what)"); return nil }
                if integer && v.rounded() != v { report(col, f[col], "is not a whole number", expected, "non-integer \(what)"); return nil }
                return v
            }
            let employees = number(ei, integer: true, nonNegative: true, currency: false,
                                   expected: "a whole number of employees ≥ 0", what: "employees")
            let revenue = number(ri, integer: false, nonNegative: false, currency: true,
                                 expected: "a number such as 611289 or 611,289", what: "revenue")
            let growth = number(gi, integer: false, nonNegative: false, currency: false,
                                expected: "a percent change such as 6.7 or -14.6", what: "revenue growth")
            if let y = year, !company.isEmpty {
                if let first = firstLine[NameYear(company: company, year: y)] {
                    report(yi, f[yi], "repeats \(company)'s fiscal year \(y) of line \(first)",
                           "one row per company and fiscal year", "duplicate company-year")
                } else if p.isEmpty {
                    firstLine[NameYear(company: company, year: y)] = line
                }
            }
            if p.isEmpty {
                rows.append(NaiveRow(company: companyBytes, companyName: company, year: year!, employees: employees,
                                     revenue: revenue, growth: growth, derived: false, line: Int32(line)))
            }
        }
        if let first = p.first { excluded[first.reason, default: 0] += 1 }
        problems += p
    }
    let derived = naiveDeriveGrowth(&rows)
    return (rows, problems, excluded, read, derived)
}

/// Growth from the first row (in row order) of the same company (`String` equality) and
/// the year before.
private func naiveDeriveGrowth(_ rows: inout [NaiveRow]) -> Int {
    var n = 0
    for i in rows.indices where rows[i].growth == nil {
        guard let r = rows[i].revenue,
              let p = rows.firstIndex(where: { $0.companyName == rows[i].companyName && $0.year == rows[i].year - 1 }),
              let rp = rows[p].revenue, rp != 0 else { continue }
        rows[i].growth = (r / rp - 1) * 100
        rows[i].derived = true
        n += 1
    }
    return n
}

private func naiveRows(_ t: FundamentalsTable) -> [NaiveRow] {
    (0..<t.count).map {
        NaiveRow(company: Array(t.company[$0].utf8), companyName: t.company[$0], year: t.fiscalYear[$0],
                 employees: t.employees[$0], revenue: t.revenue[$0], growth: t.revenueGrowth[$0],
                 derived: t.growthDerived[$0], line: t.line[$0])
    }
}

/// Bit patterns, so that -0.0 and 0.0 (and any rounding) would differ.
private func bits(_ rows: [NaiveRow]) -> [[UInt64?]] {
    rows.map { [$0.employees?.bitPattern, $0.revenue?.bitPattern, $0.growth?.bitPattern] }
}

// MARK: - The join by brute force

/// Per event, the first fundamentals row (in row order) whose company has the same key
/// (``CompanyNames/key(_:)`` of both names, compared as `String`s) and whose fiscal year
/// is the event's year less the lag. Memoised per (event key, year) only to keep debug
/// builds fast.
private func bruteForceJoin(_ events: EventTable, _ f: FundamentalsTable, _ options: JoinOptions)
    -> (row: [Int32], year: [Int32], workforce: Workforce, unmatched: [(String, Int)], ambiguous: [Int])
{
    let rowKey = f.company.map { options.names.key($0) }
    var ambiguous: [Int] = []
    for r in 0..<f.count where (0..<r).contains(where: { rowKey[$0] == rowKey[r] && f.fiscalYear[$0] == f.fiscalYear[r] }) {
        ambiguous.append(Int(f.line[r]))
    }
    var keyOfName: [String: String] = [:]
    var memo: [String: [Int: Int32]] = [:]
    let implied = try! Workforce.implied(by: events)
    var rows: [Int32] = [], years: [Int32] = [], wf = NumericColumn(), source: [WorkforceSource] = []
    var unmatched: [String: Int] = [:]
    for i in 0..<events.count {
        let year = events.day[i].year - options.lag
        years.append(Int32(year))
        var match: Int32 = -1
        if let name = events.company[i] {
            let key = keyOfName[name] ?? options.names.key(name)
            keyOfName[name] = key
            if let m = memo[key]?[year] { match = m } else {
                match = Int32((0..<f.count).first { rowKey[$0] == key && f.fiscalYear[$0] == year } ?? -1)
                memo[key, default: [:]][year] = match
            }
        }
        rows.append(match)
        if match < 0 { unmatched[events.company[i] ?? "", default: 0] += 1 }
        if match >= 0, let e = f.employees[Int(match)] { wf.append(e); source.append(.fundamentals) } else {
            wf.append(implied.values[i]); source.append(implied.source[i])
        }
    }
    return (rows, years, try! Workforce(values: wf, source: source),
            unmatched.map { ($0.key, $0.value) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }, ambiguous)
}

/// Events over `span` days from 2014, companies from ``eventNames``, some cuts and fractions.
private func generatedEvents(seed: UInt64, n: Int, span: Int) -> EventTable {
    var g = SeededGenerator(seed: seed)
    var t = EventTable()
    let start = Day(year: 2014, month: 1, day: 1)!
    for i in 0..<n {
        t.day.append(start.advanced(by: Int.random(in: 0..<span, using: &g)))
        t.company.append(eventNames.randomElement(using: &g)!)
        t.cut.append(Double.random(in: 0..<1, using: &g) < 0.3 ? nil : Double(Int.random(in: 1...500, using: &g)))
        let u = Double.random(in: 0..<1, using: &g)
        t.fraction.append(u < 0.4 ? nil : u < 0.45 ? 0 : Double.random(in: 0.01...1, using: &g))
        t.line.append(Int32(i + 2))
    }
    return t
}

private func expectJoin(_ got: FundamentalsJoin, equals want: (row: [Int32], year: [Int32], workforce: Workforce,
                                                               unmatched: [(String, Int)], ambiguous: [Int]),
                        _ label: String) {
    #expect(got.row == want.row, "\(label)")
    #expect(got.fiscalYear == want.year, "\(label)")
    #expect(got.workforce.source == want.workforce.source, "\(label)")
    #expect(got.workforce.values.isPresent == want.workforce.values.isPresent, "\(label)")
    let known = got.workforce.values.isPresent
    #expect(zip(got.workforce.values.values, want.workforce.values.values).enumerated()
        .allSatisfy { !known[$0.offset] || $0.element.0.bitPattern == $0.element.1.bitPattern }, "\(label)")
    #expect(got.unmatchedCompanies.map(\.company) == want.unmatched.map(\.0), "\(label)")
    #expect(got.unmatchedCompanies.map(\.events) == want.unmatched.map(\.1), "\(label)")
    #expect(got.ambiguousFundamentalsLines == want.ambiguous, "\(label)")
}

@Suite struct FundamentalsFastPathTests {
    // MARK: Loader

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func loaderMatchesNaiveLoad(seed: UInt64) throws {
        for invalid in [false, true] {
            let text = generatedFundamentalsCSV(seed: seed, invalid: invalid)
            for skip in [false, true] {
                let want = naiveLoad(text, name: "f.csv", skipInvalid: skip)
                do {
                    let got = try FundamentalsLoader.load(bytes: Array(text.utf8), name: "f.csv", options: .init(skipInvalid: skip))
                    #expect(skip || want.problems.isEmpty, "loaded although the reference has problems")
                    let rows = naiveRows(got.fundamentals)
                    #expect(rows == want.rows)
                    #expect(bits(rows) == bits(want.rows))
                    #expect(got.problems == want.problems)
                    #expect(got.excludedByReason == want.excluded)
                    #expect(got.rowsRead == want.read)
                    #expect(got.derivedGrowthCount == want.derived)
                    // The generator does make what the fast paths must get right.
                    if !invalid {
                        #expect(want.derived > 0)
                        #expect(want.rows.contains { $0.companyName == "Café Bleu" && $0.company != Array("Café Bleu".utf8) })
                    }
                } catch {
                    #expect(!skip && !want.problems.isEmpty, "\(error)")
                    #expect(error == .invalidData(file: "f.csv", problems: want.problems))
                }
                if invalid { #expect(!want.problems.isEmpty) }
                #expect(want.problems.contains { $0.reason == "duplicate company-year" } || seed == 0)
            }
        }
    }

    @Test func duplicateAcrossCanonicallyEquivalentSpellings() throws {
        let text = "company,fiscal_year,revenue\nCafé,2020,10\nCafe\u{301},2020,11\n\u{212A}elvin,2021,1\nKelvin,2021,2\nKelvin,2022,4\n"
        let r = try FundamentalsLoader.load(bytes: Array(text.utf8), name: "f.csv", options: .init(skipInvalid: true))
        #expect(r.problems.map(\.description) == [
            "f.csv:3:2 (fiscal_year): \"2020\" repeats Cafe\u{301}'s fiscal year 2020 of line 2; expected one row per company and fiscal year",
            "f.csv:5:2 (fiscal_year): \"2021\" repeats Kelvin's fiscal year 2021 of line 4; expected one row per company and fiscal year",
        ])
        // Kelvin 2022 grows from the KELVIN SIGN spelling's 2021 row.
        #expect(r.fundamentals.revenueGrowth == NumericColumn([nil, nil, 300]))
    }

    // MARK: Growth on tables not made by the loader

    @Test(arguments: [UInt64(21), 22, 23])
    func deriveGrowthMatchesNaiveLoop(seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        var t = FundamentalsTable()
        // Repeated company-years (the first row counts), canonically equal spellings,
        // missing and zero revenues, years in any order, far-apart and negative years.
        for i in 0..<600 {
            t.company.append(["Café", "Cafe\u{301}", "K", "\u{212A}", "A", "B", "C"].randomElement(using: &g)!)
            t.fiscalYear.append(Double.random(in: 0..<1, using: &g) < 0.05
                                ? [-5, -4, 0, 1, 1 << 40, (1 << 40) - 1].randomElement(using: &g)! : Int.random(in: 2000...2012, using: &g))
            let u = Double.random(in: 0..<1, using: &g)
            t.revenue.append(u < 0.15 ? nil : u < 0.2 ? 0 : Double(Int.random(in: -50...1000, using: &g)) / 4)
            t.revenueGrowth.append(Double.random(in: 0..<1, using: &g) < 0.3 ? 1.5 : nil)
            t.employees.append(nil)
            t.growthDerived.append(false)
            t.line.append(Int32(i + 2))
        }
        var want = naiveRows(t)
        let wantCount = naiveDeriveGrowth(&want)
        var got = t
        #expect(FundamentalsLoader.deriveGrowth(&got) == wantCount)
        #expect(naiveRows(got) == want)
        #expect(bits(naiveRows(got)) == bits(want))
        #expect(wantCount > 50)
    }

    @Test func deriveGrowthAfterTheCompaniesChange() throws {
        // Codes left by the loader must not be used once `company` is changed.
        let text = "company,fiscal_year,revenue\nA,2020,10\nB,2021,20\n"
        var t = try FundamentalsLoader.load(bytes: Array(text.utf8), name: "f.csv").fundamentals
        #expect(t.companyCodes != nil)
        t.company[1] = "A"
        #expect(t.companyCodes == nil)
        t.revenueGrowth = NumericColumn([nil, nil])
        #expect(FundamentalsLoader.deriveGrowth(&t) == 1)
        #expect(t.revenueGrowth == NumericColumn([nil, 100]))
        var u = t
        u.company.append("C"); u.fiscalYear.append(2022); u.revenue.append(1); u.revenueGrowth.append(nil)
        u.employees.append(nil); u.growthDerived.append(false); u.line.append(4)
        #expect(u.companyCodesOrEncoded.codes == [0, 0, 1])
    }

    // MARK: Join

    /// (seed, lag, day span, loaded or hand-built fundamentals, whole-number employees):
    /// ~12 years of events (a dense (key, year) table) or ~2,500 (more keys × years than the dense table takes: a binary search per event).
    @Test(arguments: [(UInt64(31), 0, 4400, true, true), (32, 1, 4400, true, false), (33, 2, 4400, false, true),
                      (34, 0, 900_000, true, true), (35, 1, 900_000, false, false), (36, -1, 4400, false, false)])
    func joinMatchesBruteForce(_ seed: UInt64, _ lag: Int, _ span: Int, _ loaded: Bool, _ wholeEmployees: Bool) throws {
        var f = try FundamentalsLoader.load(bytes: Array(generatedFundamentalsCSV(seed: seed, invalid: false).utf8),
                                            name: "f.csv", options: .init(skipInvalid: true)).fundamentals
        if !loaded {
            f.company = f.company.map { $0 }   // drops the loader's codes
            #expect(f.companyCodes == nil)
            // Repeated (company, year) rows, which the loader would have refused.
            for r in stride(from: 0, to: f.count, by: 17) {
                f.company.append(f.company[r] + " Inc"); f.fiscalYear.append(f.fiscalYear[r])
                f.employees.append(Double(r)); f.revenue.append(nil); f.revenueGrowth.append(nil)
                f.growthDerived.append(false); f.line.append(Int32(10_000 + r))
            }
        }
        if !wholeEmployees {
            // Counts that do not fit the packed table: fractions, 2³² and more, -0.
            var g = SeededGenerator(seed: seed)
            for r in 0..<f.count where Double.random(in: 0..<1, using: &g) < 0.2 {
                f.employees.values[r] = [12.5, 4_294_967_296, 9e15, -0.0, 0.1].randomElement(using: &g)!
                f.employees.isPresent[r] = true
            }
        }
        var names = CompanyNames()
        names.addAlias("Co7", for: "Co8")            // two fundamentals companies under one key
        names.addAlias("Umbrella", for: "Nobody")    // an alias to a key with no rows
        names.addAlias("Kelvin Labs LLC", for: "Acme")
        let options = JoinOptions(lag: lag, names: names)
        let events = generatedEvents(seed: seed, n: 2500, span: span)
        let want = bruteForceJoin(events, f, options)
        for threads in [1, 2] {
            expectJoin(try FundamentalsJoin(events: events, fundamentals: f, options: options, threads: threads), equals: want,
                       "seed \(seed) threads \(threads)")
        }
        #expect(!want.ambiguous.isEmpty || loaded)
        #expect(want.row.contains { $0 >= 0 } && want.row.contains { $0 < 0 })
    }

    /// Enough events for the two-thread split (2¹⁶), against the brute force.
    @Test func joinOnTwoThreadsMatchesBruteForce() throws {
        let f = try FundamentalsLoader.load(bytes: Array(generatedFundamentalsCSV(seed: 41, invalid: false).utf8),
                                            name: "f.csv", options: .init(skipInvalid: true)).fundamentals
        let events = generatedEvents(seed: 41, n: 70_000, span: 4400)
        let want = bruteForceJoin(events, f, JoinOptions(lag: 1))
        expectJoin(try FundamentalsJoin(events: events, fundamentals: f, options: JoinOptions(lag: 1), threads: 2),
                   equals: want, "2 threads")
    }

    @Test func emptyInputs() throws {
        let none = try FundamentalsJoin(events: EventTable(), fundamentals: FundamentalsTable())
        #expect(none.row.isEmpty && none.unmatchedCompanies.isEmpty && none.ambiguousFundamentalsLines.isEmpty)
        let events = generatedEvents(seed: 5, n: 30, span: 100)
        let j = try FundamentalsJoin(events: events, fundamentals: FundamentalsTable(), threads: 2)
        expectJoin(j, equals: bruteForceJoin(events, FundamentalsTable(), JoinOptions()), "no fundamentals")
    }

    // MARK: Building blocks

    @Test func codeYearIndexMatchesDictionary() {
        var g = SeededGenerator(seed: 51)
        var index = CodeYearIndex()
        var reference: [NameYear: Int32] = [:]
        // One code with many consecutive years (long runs of neighbouring slots), keys whose
        // homes wrap around the table, far-apart years.
        for row in 0..<20_000 {
            let code = Int32(Double.random(in: 0..<1, using: &g) < 0.2 ? 7 : Int.random(in: 0..<3000, using: &g))
            let year = Double.random(in: 0..<1, using: &g) < 0.02
                ? [Int.min + 1, -1, Int.max, 1 << 62].randomElement(using: &g)! : Int.random(in: 1800...2200, using: &g)
            let key = NameYear(company: "\(code)", year: year)
            let first = index.insertIfAbsent(code: code, year: year, row: Int32(row))
            #expect(first == (reference[key] ?? -1))
            if reference[key] == nil { reference[key] = Int32(row) }
        }
        #expect(index.count == reference.count)
        for (key, row) in reference { #expect(index.find(code: Int32(key.company)!, year: key.year) == row) }
        #expect(index.find(code: 3001, year: 2000) == -1)
    }

    /// The per-code windows (and their slides and overflow) against a dictionary: companies
    /// listing their years upward, downward, shuffled, with repeats, spans narrower and
    /// wider than a window, codes skipped, and lookups of absent neighbouring years.
    @Test func codeYearIndexWindowsMatchDictionary() {
        var g = SeededGenerator(seed: 52)
        for pass in 0..<4 {
            var index = CodeYearIndex(expected: pass * 100)
            var reference: [NameYear: Int32] = [:]
            var row: Int32 = 0
            for code in stride(from: Int32(0), to: 600, by: Int.random(in: 1...3, using: &g)) {
                let first = Int.random(in: 1990...2020, using: &g)
                let span = [1, 4, 8, 9, 16, 17, 40].randomElement(using: &g)!
                var years = (0..<Int.random(in: 1...20, using: &g)).map { _ in first + Int.random(in: 0..<span, using: &g) }
                switch Int.random(in: 0..<3, using: &g) {
                case 0: years.sort()
                case 1: years.sort(by: >)
                default: break
                }
                // Some companies come back later in the file (interleaved keys).
                for year in years {
                    let key = NameYear(company: "\(code)", year: year)
                    #expect(index.insertIfAbsent(code: code, year: year, row: row) == (reference[key] ?? -1), "\(code) \(year)")
                    if reference[key] == nil { reference[key] = row }
                    row += 1
                }
                if code > 10 && Bool.random(using: &g) {
                    let back = Int32.random(in: 0..<code, using: &g), year = Int.random(in: 1985...2030, using: &g)
                    let key = NameYear(company: "\(back)", year: year)
                    #expect(index.insertIfAbsent(code: back, year: year, row: row) == (reference[key] ?? -1))
                    if reference[key] == nil { reference[key] = row }
                    row += 1
                }
            }
            #expect(index.count == reference.count)
            // Every (code, year) around the ones stored: mismatches collected, one expectation.
            var wrong: [String] = []
            for code in Int32(0)..<602 {
                for year in 1980...2040 {
                    let want = reference[NameYear(company: "\(code)", year: year)] ?? -1
                    if index.find(code: code, year: year) != want { wrong.append("\(code) \(year)") }
                }
            }
            #expect(wrong.isEmpty, "pass \(pass): \(wrong.prefix(5))")
        }
    }

    /// The join's lookup of event names among the loader's companies (ASCII ones found by
    /// their bytes, the loader's column indexing only the others) against brute force: the
    /// first level equal as a `String`. Names all ASCII, and mixed with NFC and NFD
    /// spellings and a Kelvin sign (canonically "K"), looked up as written, respelled,
    /// and absent.
    @Test func companyNameLookupMatchesStringEquality() throws {
        let ascii = (0..<300).map { "Company \($0)" } + ["K Corp", "Cafe", "x", ""]
        let mixed = ascii + ["Caf\u{E9}", "Cafe\u{301} Two", "\u{212A} Labs", "Zo\u{EB}", "\u{212A} Corp 2"]
        let queries = mixed + ["K Labs", "Caf\u{E9} Two", "Cafe\u{301}", "Zoe\u{308}", "Company 1 ", "company 1", "Company 300",
                               "\u{212A} Corp", "K Corp 2", "Nobody", "Nob\u{F6}dy"]
        for names in [ascii, mixed] {
            let csv = "company,fiscal_year,revenue\n" + names.filter { !$0.isEmpty }.map { "\"\($0)\",2020,1" }.joined(separator: "\n") + "\n"
            let t = try FundamentalsLoader.load(bytes: Array(csv.utf8), name: "f.csv").fundamentals
            let codes = try #require(t.companyCodes)
            #expect(!codes.namesIndexed)
            var lookup = codes.nameLookup()
            for q in queries {
                let want = codes.names.levels.firstIndex(of: q).map { Int32($0) }
                #expect(lookup.code(of: q) == want, "\(q.debugDescription)")
            }
            // The same answers from a column that indexes every level.
            var indexed = CompanyCodes(encoding: codes.names.levels).nameLookup()
            for q in queries { #expect(indexed.code(of: q) == lookup.code(of: q)) }
        }
    }

    /// ``CompanyNames/key(_:)`` (which skips the alias dictionary for lengths no alias
    /// has) against the dictionary read for every name: built-in aliases, aliases added
    /// later (one of 70 bytes, past the length bits), none, on the aliases' own spellings
    /// and on other names of every length up to 80.
    @Test func companyKeyMatchesAliasDictionary() {
        var g = SeededGenerator(seed: 71)
        var added = CompanyNames()
        added.addAlias("Acme Widgets International", for: "Acme")
        added.addAlias(String(repeating: "long name ", count: 7), for: "Long")
        added.addAlias("Google", for: "Alphabet Inc.") // replaces a built-in one
        var names = CompanyNames.builtInAliases.flatMap { [$0.alias, $0.company] }
        names += ["Acme Widgets International Inc.", String(repeating: "Long Name ", count: 7), "The Google", "x corp", "Face book"]
        let letters = Array("abcdefghijklmnopqrstuvwxyz ")
        for length in 0...80 { names.append(String((0..<length).map { _ in letters.randomElement(using: &g)! })) }
        for table in [CompanyNames(), added, CompanyNames(aliases: [])] {
            for name in names {
                let n = CompanyNames.normalize(name)
                #expect(table.key(name) == (table.aliases[n] ?? n), "\(name.debugDescription)")
            }
        }
    }

    /// The loader's shortcuts for plain numbers and four-digit years read exactly what the
    /// general path reads, on every string of a small alphabet up to 3 characters and on
    /// random longer ones.
    @Test func plainNumberAndYearShortcutsAgreeWithGeneralPath() {
        let alphabet = Array("0123456789-+.,$eE \t").map { String($0) }
        var strings: [String] = [""]
        var frontier: [String] = [""]
        for _ in 0..<3 {
            frontier = frontier.flatMap { s in alphabet.map { s + $0 } }
            strings += frontier
        }
        var g = SeededGenerator(seed: 61)
        for _ in 0..<30_000 {
            strings.append((0..<Int.random(in: 4...12, using: &g)).map { _ in alphabet.randomElement(using: &g)! }.joined())
        }
        strings += ["2020", "1800", "2200", "1799", "2201", "0999", "2020.0", " 2020", "2020 ", "9999", "12345678901234567890",
                    "-0", "-0.0", "0.1", "-.5", "-5.", "-", "-.", "--1", "-123456789012345", "-1234567890123456", "-0.000000000000001", "-1e-400", "1e400", "-123456789012345678", "3.14159265358979323846"]
        for s in strings {
            let bytes = Array(s.utf8)
            bytes.withUnsafeBufferPointer { f in
                if FundamentalsLoader.isPlainNumber(f) {
                    #expect(!CSVValue.isMissingToken(f) && !isMissingDomainValue(f), "\(s.debugDescription)")
                    for currency in [false, true] {
                        #expect(CSVValue.groupedDouble(f, currency: currency)?.bitPattern == CSVValue.double(f)?.bitPattern,
                                "\(s.debugDescription)")
                    }
                }
                // The signed plain-decimal shortcut reads what the general path reads, bit
                // for bit, through either door number() would otherwise take.
                if let v = FundamentalsLoader.signedPlainDecimal(f) {
                    #expect(!CSVValue.isMissingToken(f) && !isMissingDomainValue(f), "\(s.debugDescription)")
                    #expect(v.bitPattern == CSVValue.double(f)?.bitPattern, "\(s.debugDescription)")
                    for currency in [false, true] {
                        #expect(v.bitPattern == CSVValue.groupedDouble(f, currency: currency)?.bitPattern, "\(s.debugDescription)")
                    }
                }
                let general = CSVValue.double(f).flatMap { $0.rounded() == $0 && $0 >= 1800 && $0 <= 2200 ? Int($0) : nil }
                #expect(FundamentalsLoader.fiscalYear(f) == general, "\(s.debugDescription)")
            }
        }
    }

    @Test func everySuffixWordOnTheBytePathAsOnTheUnicodePath() {
        let words = ["inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc", "plc", "ag",
                     "sa", "gmbh", "holding", "holdings", "group", "in", "incs", "grou", "cos", "the", "and", "a"]
        for w in words {
            for name in ["Acme \(w)", "Acme \(w.uppercased()).", "The \(w)", "\(w) \(w)", "Acme & \(w) \(w)", "\(w)", "The  \(w)  Co "] {
                #expect(CompanyNames.normalizeASCII(name) == CompanyNames.normalizeUnicode(name), "\(name.debugDescription)")
            }
        }
    }
}

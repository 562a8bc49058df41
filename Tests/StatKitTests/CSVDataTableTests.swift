import Testing
@testable import StatKit

private func table(_ s: String) throws(CSVError) -> DataTable {
    try DataTable(csvBytes: Array(s.utf8), name: "d.csv")
}

private func slice(_ s: String) -> ArraySlice<UInt8> { Array(s.utf8)[...] }

@Suite struct CSVValueTests {
    @Test func decimals() {
        #expect(CSVValue.double(slice("16000.0")) == 16000)
        #expect(CSVValue.double(slice(" -3.25 ")) == -3.25)
        #expect(CSVValue.double(slice("+.5")) == 0.5)
        #expect(CSVValue.double(slice("1e3")) == 1000)
        #expect(CSVValue.double(slice("2.5E-3")) == 0.0025)
        #expect(CSVValue.double(slice("0.15")) == 0.15)
        #expect(CSVValue.double(slice("0.1")) == 0.1)
        // Beyond the fast path: correctly rounded by the standard library.
        #expect(CSVValue.double(slice("3.14159265358979323846")) == 3.141592653589793)
        #expect(CSVValue.double(slice("1e-300")) == 1e-300)
        #expect(CSVValue.double(slice("123456789012345678901234")) == 123456789012345678901234.0)
        for bad in ["", " ", "-", ".", "1e", "1e+", "abc", "1,000", "inf", "nan", "NaN", "0x10", "1.2.3", "1e400", "12a"] {
            #expect(CSVValue.double(slice(bad)) == nil, "\(bad)")
        }
    }

    @Test func fastPathMatchesStandardLibrary() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let digits = Int.random(in: 1...15, using: &rng)
            var s = String(UInt64.random(in: 0..<UInt64(pow10(digits)), using: &rng))
            let point = Int.random(in: 0...s.count, using: &rng)
            s.insert(".", at: s.index(s.startIndex, offsetBy: point))
            if Bool.random(using: &rng) { s += "e\(Int.random(in: -10...10, using: &rng))" }
            #expect(CSVValue.double(slice(s)) == Double(s), "\(s)")
        }
    }

    private func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { a, _ in a * 10 } }

    @Test func groupedNumbers() {
        #expect(CSVValue.groupedDouble(slice("16,000")) == 16000)
        #expect(CSVValue.groupedDouble(slice("1,234,567.5")) == 1234567.5)
        #expect(CSVValue.groupedDouble(slice("16000.0")) == 16000)
        #expect(CSVValue.groupedDouble(slice("-1,200")) == -1200)
        #expect(CSVValue.groupedDouble(slice("$1,200"), currency: true) == 1200)
        #expect(CSVValue.groupedDouble(slice("$75"), currency: true) == 75)
        #expect(CSVValue.groupedDouble(slice("$1,200")) == nil)
        for bad in ["1,00", "1,0000", ",100", "1,,000", "12345,678", "1,000,", "$-5", "--5"] {
            #expect(CSVValue.groupedDouble(slice(bad), currency: true) == nil, "\(bad)")
        }
    }

    @Test func missingTokens() {
        for m in ["", "  ", "NA", "na", "N/A", "n/a", "NaN", "nan", "null", "NULL", " NA "] {
            #expect(CSVValue.isMissingToken(slice(m)), "\(m)")
        }
        for v in ["0", "NAN1", "none", "-", "Unknown"] {
            #expect(!CSVValue.isMissingToken(slice(v)), "\(v)")
        }
    }
}

@Suite struct CSVDataTableTests {
    @Test func inferTypes() throws {
        let t = try table("y,x,group,empty\n1.5,2,a,\n2,NA,b,NA\n,1e2,NA,\n-4,3,a,\n")
        #expect(t.names == ["y", "x", "group", "empty"])
        #expect(t.rowCount == 4)
        #expect(t.column(named: "y") == .numeric(NumericColumn([1.5, 2, nil, -4])))
        #expect(t.column(named: "x") == .numeric(NumericColumn([2, nil, 100, 3])))
        #expect(t.column(named: "group") == .text(TextColumn(["a", "b", nil, "a"])))
        #expect(t.column(named: "empty") == .numeric(NumericColumn([nil, nil, nil, nil])))
    }

    @Test func oneNonNumberMakesAColumnText() throws {
        let t = try table("v\n1\n2\nthree\n")
        #expect(t.column(named: "v") == .text(TextColumn(["1", "2", "three"])))
    }

    @Test func headerOnly() throws {
        let t = try table("a,b\n")
        #expect(t.names == ["a", "b"])
        #expect(t.rowCount == 0)
    }

    @Test func raggedRow() {
        #expect(throws: CSVError(file: "d.csv", line: 5, column: 0, kind: .raggedRow(expected: 3, actual: 2))) {
            try table("a,b,c\n1,2,3\n\"x\ny\",2,3\n1,2\n")
        }
        let e = CSVError(file: "d.csv", line: 4, column: 0, kind: .raggedRow(expected: 3, actual: 2))
        #expect(e.description == "d.csv:4: record has 2 fields; expected 3 as in the header")
    }

    @Test func badHeaders() {
        #expect(throws: CSVError(file: "d.csv", line: 1, column: 0, kind: .duplicateHeader(["a"]))) { try table("a,b,a\n1,2,3\n") }
        #expect(throws: CSVError(file: "d.csv", line: 1, column: 0, kind: .emptyHeader([2]))) { try table("a,,c\n1,2,3\n") }
    }

    static let fortunePath: String = {
        let root = String(#filePath).split(separator: "/", omittingEmptySubsequences: false).dropLast(3).joined(separator: "/")
        return root + "/../shared/datasets/fortune1000-2023.csv"
    }()

    static func fileExists(_ path: String) -> Bool { (try? CSVReader(path: path)) != nil }

    @Test(.enabled(if: fileExists(CSVDataTableTests.fortunePath)))
    func fortune1000AsGenericTable() throws {
        let t = try DataTable(csvFile: Self.fortunePath)
        #expect(t.rowCount == 1000)
        #expect(t.names.count == 31)
        guard case .numeric(let emp)? = t.column(named: "Number_of_employees"),
              case .numeric(let rev)? = t.column(named: "Revenues_M"),
              case .numeric(let growth)? = t.column(named: "RevenuePercentChange"),
              case .text(let company)? = t.column(named: "Company"),
              case .text? = t.column(named: "Sector") else {
            Issue.record("unexpected column types: \(t.names)")
            return
        }
        #expect(company.levels.count == 1000)
        #expect(emp.missingCount == 0)
        #expect((0..<emp.count).allSatisfy { (emp[$0] ?? 0) > 0 })
        #expect(rev.missingCount == 0)
        #expect(growth.missingCount == 9)
    }
}

@Suite struct TextColumnInternerTests {
    @Test func codesMatchTextColumn() {
        var column = TextColumn(), interner = TextColumnInterner()
        var expected: [String?] = []
        // Many distinct values (forces the table to grow), repeats, short and long values.
        for i in 0..<5000 {
            let s = i % 3 == 0 ? "https://example.com/some/long/path/\(i % 700)" : "v\(i % 37)"
            column.codes.append(interner.code(Array(s.utf8)[...], in: &column))
            expected.append(s)
        }
        #expect(column == TextColumn(expected))
        #expect(column.levels.count == Set(expected.compactMap { $0 }).count)
        // Same hash input length but different bytes are different levels.
        var c2 = TextColumn(), i2 = TextColumnInterner()
        let a = i2.code(Array("abcdefgh12345678x".utf8)[...], in: &c2)
        let b = i2.code(Array("abcdefgh12345678y".utf8)[...], in: &c2)
        let e = i2.code([][...], in: &c2)
        #expect(a != b)
        #expect(i2.code(Array("abcdefgh12345678x".utf8)[...], in: &c2) == a)
        #expect(c2.levels == ["abcdefgh12345678x", "abcdefgh12345678y", ""])
        #expect(i2.code([][...], in: &c2) == e)
    }

    /// The interner gives the codes and levels `TextColumn` itself gives the values as
    /// strings (canonically equivalent spellings one level: NFC and NFD, the Kelvin sign
    /// and K, the Greek question mark and the semicolon, varia and the grave accent),
    /// through every entry point; and a column it made answers lookups by text
    /// (`code(for:)`, `existingCode(for:)`) as the reference does, though it indexed no
    /// level by its text while interning.
    @Test func internedCodesAreTextColumnCodes() {
        let pool = ["Acme", "Caf\u{E9}", "Cafe\u{301}", "\u{212A}elvin", "Kelvin", "a\u{37E}b", "a;b", "x\u{1FEF}",
                    "x`", "\u{6771}\u{4EAC}", "https://example.com/a/long/path/\u{E9}t\u{E9}", "https://example.com/long/x",
                    "K", "\u{212A}", "", "Globex Corporation International"]
        var g = SplitMix(seed: 41)
        for order in 0..<40 {
            var values: [String] = []
            for i in 0..<400 {
                values.append(Bool.random(using: &g) ? pool.randomElement(using: &g)! : "c\(Int.random(in: 0..<(order * 20 + 5), using: &g))-\(i % 3)")
            }
            let reference = TextColumn(values)
            var column = TextColumn(), interner = TextColumnInterner()
            for (i, v) in values.enumerated() {
                let bytes = Array(v.utf8)
                let code = bytes.withUnsafeBufferPointer { b -> Int32 in
                    switch (order + i) % 3 {
                    case 0: return interner.recentCode(b, in: &column)
                    case 1:
                        let ahead = interner.lookahead(b)
                        if let d = interner.deferred(b, lookahead: ahead) { return interner.code(d, in: &column) }
                        return interner.code(b, lookahead: ahead, in: &column)
                    default: return interner.canonicalCode(b, in: &column)
                    }
                }
                column.codes.append(code)
            }
            #expect(column.codes == reference.codes, "order \(order)")
            #expect(column.levels == reference.levels, "order \(order)")
            for v in pool + ["c1-0", "absent", "Cafe\u{301}"] {
                #expect(column.existingCode(for: v) == reference.existingCode(for: v), "\(v)")
            }
            var a = column, b = reference
            for v in pool + ["new", "K", "c3-1"] { #expect(a.code(for: v) == b.code(for: v), "\(v)") }
            #expect(a.levels == b.levels)
        }
    }

    /// Later parts of a column merged into the earlier ones as a segmented parse merges
    /// them (each level looked up by bytes, read-only, in the parts before it; new ones
    /// appended) give the codes and levels of interning the whole column at once.
    @Test func mergedPartsAreTheWholeColumn() {
        let pool = ["Acme", "Caf\u{E9}", "Cafe\u{301}", "\u{212A}elvin", "Kelvin", "a\u{37E}b", "a;b", "K", "\u{212A}",
                    "https://example.com/a/long/path/\u{E9}t\u{E9}", "Globex Corporation International"]
        var g = SplitMix(seed: 43)
        for round in 0..<30 {
            let values = (0..<600).map { _ in Bool.random(using: &g) ? pool.randomElement(using: &g)! : "v\(Int.random(in: 0..<(round * 30 + 3), using: &g))" }
            let reference = TextColumn(values)
            let cuts = [0] + (0..<Int.random(in: 0...4, using: &g)).map { _ in Int.random(in: 0...600, using: &g) }.sorted() + [600]
            var parts: [(column: TextColumn, interner: TextColumnInterner)] = []
            for k in 0..<cuts.count - 1 {
                var column = TextColumn(), interner = TextColumnInterner()
                for v in values[cuts[k]..<cuts[k + 1]] {
                    column.codes.append(Array(v.utf8).withUnsafeBufferPointer { interner.canonicalCode($0, in: &column) })
                }
                parts.append((column, interner))
            }
            var whole = parts[0].column
            var maps: [[Int32]] = [[]]
            for (k, part) in parts.enumerated().dropFirst() {
                let map = (0..<part.interner.levelCount).map { c -> Int32 in
                    for j in 0..<k {
                        if let x = parts[j].interner.existingCode(ofLevel: c, in: part.interner) { return j == 0 ? x : maps[j][Int(x)] }
                    }
                    whole.levels.append(part.column.levels[c])
                    return Int32(whole.levels.count - 1)
                }
                maps.append(map)
                whole.codes += part.column.codes.map { map[Int($0)] }
            }
            #expect(whole.codes == reference.codes, "round \(round)")
            #expect(whole.levels == reference.levels, "round \(round)")
        }
    }

    /// Levels appended to `levels` directly are indexed when a lookup needs them; the first
    /// of two equal levels keeps the code; a shortened list is indexed anew.
    @Test func levelsAppendedDirectlyAreFound() {
        var c = TextColumn(["a", "b"])
        c.levels += ["c", "Caf\u{E9}", "Cafe\u{301}"]
        #expect(c.existingCode(for: "c") == 2)
        #expect(c.existingCode(for: "Cafe\u{301}") == 3)
        #expect(c.code(for: "Cafe\u{301}") == 3)
        #expect(c.code(for: "d") == 5)
        #expect(c.levels == ["a", "b", "c", "Caf\u{E9}", "Cafe\u{301}", "d"])
        c.levels = ["x"]
        #expect(c.existingCode(for: "a") == nil)
        #expect(c.code(for: "x") == 0 && c.code(for: "a") == 1)
    }
}

import Testing
@testable import StatKit

/// Inputs that crashed or misbehaved under the fuzz targets in Fuzz/ (or were found while
/// writing them), kept so they never come back. Each feeds the bytes to the same API the
/// target uses and expects a result or a thrown error, not a crash.
@Suite struct FuzzRegressionStatKit {
    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// All records of `bytes`, or the error.
    func records(_ bytes: [UInt8]) -> Result<[[String]], CSVError> {
        let r = CSVReader(bytes: bytes, name: "f.csv")
        var out: [[String]] = []
        do {
            while try r.next() { out.append(r.record.strings) }
            return .success(out)
        } catch {
            return .failure(error)
        }
    }

    /// Found by the formula target: `y~ ⏎ؑa +n`, whose name begins with a combining mark
    /// (U+0611) after a line break, parsed, but its description `y ~ 1 + ؑa + n` did not
    /// read back the same: after a space the mark joined the space into one character,
    /// which the lexer skipped as whitespace. A name cannot begin with a mark, and a space
    /// carrying one is not whitespace: both are errors at the mark's position.
    @Test(arguments: [("y~ \n\u{611}a +n", 5), ("y ~ x + \u{301}b", 8), ("y ~ x +\u{301} b", 7), ("y ~\u{20}\u{611}a", 4)])
    func aNameCannotBeginWithACombiningMark(_ text: String, _ position: Int) {
        #expect(throws: FormulaError.self) { try Formula(text) }
        do { _ = try Formula(text) } catch { #expect(error.position == position, "\(text): \(error)") }
        // Marks inside or at the end of a name are part of it, and read back the same.
        for ok in ["y ~ a\u{301} + n", "y ~ \u{E9}t\u{E9} + n", "y ~ ca\u{611}t"] {
            let f = try? Formula(ok)
            #expect(f != nil && (try? Formula(f!.description)) == f, "\(ok)")
        }
        // A line break written CR LF is one character, and whitespace.
        #expect((try? Formula("y ~\r\nx"))?.columnsUsed == ["y", "x"])
    }

    /// Found writing the CSV target: a text column holding the same word precomposed
    /// (`Café`, C3 A9) and decomposed (`Cafe` + U+0301) stopped the program in
    /// TextColumnInterner ("a TextColumn level was added outside its interner"): the
    /// interner matches bytes, TextColumn levels are Strings compared by canonical
    /// equivalence.
    @Test func canonicallyEquivalentTextIsOneLevel() throws {
        let t = try DataTable(csvBytes: bytes("city,n\nCaf\u{E9},1\nCafe\u{301},2\nCaf\u{E9},3\nx,4\n"), name: "f.csv")
        guard case .text(let c)? = t.column(named: "city") else { Issue.record("city is not text"); return }
        #expect(c.codes == [0, 0, 0, 1])
        #expect(c.levels.count == 2)
        #expect(c[1] == "Caf\u{E9}")
    }

    /// U+212A KELVIN SIGN is canonically "K": in either order with an ASCII "K" it is one level.
    @Test(arguments: [["K", "\u{212A}"], ["\u{212A}", "K"], ["a;b", "a\u{37E}b"], ["a\u{37E}b", "a;b"],
                      ["\u{1FEF}", "`"], ["`", "\u{1FEF}"], ["\u{212A}\u{E9}", "Ke\u{301}"]])
    func asciiEquivalentText(_ pair: [String]) throws {
        let t = try DataTable(csvBytes: bytes("s\n\"\(pair[0])\"\n\"\(pair[1])\"\n\"\(pair[0])\"\nz\n"), name: "f.csv")
        guard case .text(let c)? = t.column(named: "s") else { Issue.record("s is not text"); return }
        #expect(c.codes == [0, 0, 0, 1])
    }

    /// Distinct non-ASCII text keeps distinct levels.
    @Test func distinctNonASCIIText() throws {
        let t = try DataTable(csvBytes: bytes("s\nM\u{FC}nchen\nMunchen\nMu\u{308}nchen\n\u{6771}\u{4EAC}\n"), name: "f.csv")
        guard case .text(let c)? = t.column(named: "s") else { Issue.record("s is not text"); return }
        #expect(c.codes == [0, 1, 0, 2])
    }

    /// Chunked reading must give the same records as reading from memory (the CSV
    /// target checks this on every input); CRLF split across chunk boundaries.
    @Test func crlfInsideQuotesAcrossChunks() throws {
        #expect(try records(bytes("a,b\r\n\"x\r\ny\",\"\"\"\"\r\n")).get() == [["a", "b"], ["x\r\ny", "\""]])
    }

    /// Found by the bad-input corpus: a valid date in year 9999 crashed `yoy` (the period
    /// after it starts in year 10000, which Day could not hold: CalendarPeriod.start
    /// force-unwraps). Days now hold years far beyond what can be parsed.
    @Test func periodsNextToTheParseableYears() throws {
        let last = try #require(Day(parsing: "12/31/9999"))
        #expect(last.advanced(by: 1).description == "10000-01-01")
        #expect(last.addingYears(1).description == "10000-12-31")
        #expect(last.addingMonths(1).description == "10000-01-31")
        for unit in [PeriodUnit.month, .quarter, .year] {
            let p = CalendarPeriod(unit, containing: last)
            #expect(p.next.start == last.advanced(by: 1))
            #expect(p.end == last)
        }
        let first = try #require(Day(parsing: "0000-01-01"))
        #expect(first.addingYears(-1).description == "-0001-01-01")
        #expect(CalendarPeriod(.year, containing: first).advanced(by: -1).start.year == -1)
        #expect(Day(year: 1_000_000, month: 1, day: 1) == nil)
        #expect(Day(parsing: "10000-01-01") == nil)
    }

    /// Found by the formula target (timeout, 87-byte input; minimised here): a product of
    /// k factors expands to 2^k − 1 terms; the parser now refuses more than
    /// `FormulaParser.maxTerms` (256) with a positioned error instead of expanding.
    @Test(.timeLimit(.minutes(1)))
    func formulaProductExpansionIsBounded() {
        let started = ContinuousClock.now
        #expect(throws: FormulaError.self) { try Formula("y ~ a*b*c*d*e*f*g*h*i*j*k*l*m*n*o*p*q*r*s*t") }
        #expect(ContinuousClock.now - started < .seconds(1))
        #expect((try? Formula("y ~ a*b*c*d*e*f*g*h"))?.terms.count == 255)
    }
}

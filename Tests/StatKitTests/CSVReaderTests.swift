import Testing
@testable import StatKit
#if canImport(Glibc)
import Glibc
#endif

/// Reads every record of `text` (or `bytes`) as strings with their lines.
private func records(_ bytes: [UInt8], chunk: Int? = nil) throws -> [(line: Int, fields: [String])] {
    let reader: CSVReader
    if let chunk {
        let path = "/tmp/csvreader-test-\(getpid())-\(chunk)-\(bytes.count).csv"
        defer { unlink(path) }
        try AtomicFile.write(bytes, to: path)
        reader = try CSVReader(path: path, chunkSize: chunk)
        var out: [(Int, [String])] = []
        while try reader.next() { out.append((reader.record.line, reader.record.strings)) }
        return out
    }
    reader = CSVReader(bytes: bytes, name: "t.csv")
    var out: [(Int, [String])] = []
    while try reader.next() { out.append((reader.record.line, reader.record.strings)) }
    return out
}

private func records(_ text: String, chunk: Int? = nil) throws -> [(line: Int, fields: [String])] {
    try records(Array(text.utf8), chunk: chunk)
}

private func csvError(_ bytes: [UInt8]) -> CSVError? {
    let r = CSVReader(bytes: bytes, name: "t.csv")
    do {
        while try r.next() {}
        return nil
    } catch {
        return error
    }
}

private func csvError(_ text: String) -> CSVError? { csvError(Array(text.utf8)) }

@Suite struct CSVReaderTests {
    @Test func plainRecordsLFAndCRLF() throws {
        let lf = try records("a,b,c\n1,2,3\n")
        #expect(lf.map(\.fields) == [["a", "b", "c"], ["1", "2", "3"]])
        #expect(lf.map(\.line) == [1, 2])
        let crlf = try records("a,b\r\n1,2\r\n")
        #expect(crlf.map(\.fields) == [["a", "b"], ["1", "2"]])
        let cr = try records("a,b\r1,2\r")
        #expect(cr.map(\.fields) == [["a", "b"], ["1", "2"]])
        #expect(cr.map(\.line) == [1, 2])
    }

    @Test func missingFinalNewlineAndEmptyFields() throws {
        #expect(try records("a,b\n1,2").map(\.fields) == [["a", "b"], ["1", "2"]])
        #expect(try records("a,,\n,,").map(\.fields) == [["a", "", ""], ["", "", ""]])
        #expect(try records("x,\"\"").map(\.fields) == [["x", ""]])
        #expect(try records("").isEmpty)
    }

    @Test func quotedFields() throws {
        let r = try records("name,note\n\"Acme, Inc.\",\"say \"\"hi\"\"\"\n")
        #expect(r[1].fields == ["Acme, Inc.", "say \"hi\""])
        #expect(try records("\"\"\"\"").map(\.fields) == [["\""]])
    }

    @Test func newlinesInsideQuotesKeepPhysicalLines() throws {
        let text = "h1,h2\n\"two\nlines\",x\r\n\"three\r\nline\r\nfield\",y\nlast,z"
        let r = try records(text)
        #expect(r.map(\.fields) == [["h1", "h2"], ["two\nlines", "x"], ["three\r\nline\r\nfield", "y"], ["last", "z"]])
        #expect(r.map(\.line) == [1, 2, 4, 7])
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        let r = try records("a\n\n1\r\n\r\n2\n\n")
        #expect(r.map(\.fields) == [["a"], ["1"], ["2"]])
        #expect(r.map(\.line) == [1, 3, 5])
    }

    @Test func utf8BOMIsSkipped() throws {
        let r = try records([0xEF, 0xBB, 0xBF] + Array("id,name\n1,Zoë\n".utf8))
        #expect(r.map(\.fields) == [["id", "name"], ["1", "Zoë"]])
    }

    @Test func tinyChunksGiveTheSameRecords() throws {
        let text = "\u{FEFF}h1,h2\r\n\"a,\"\"b\"\"\r\nc\",déjà vu\r\n,\r\nplain,\"q\"\n\nend,x"
        let whole = try records(text)
        #expect(whole.count == 5)
        #expect(whole.map(\.line) == [1, 2, 4, 5, 7])
        for chunk in [16, 17, 19, 64] {
            let r = try records(text, chunk: chunk)
            #expect(r.map(\.fields) == whole.map(\.fields), "chunk \(chunk)")
            #expect(r.map(\.line) == whole.map(\.line), "chunk \(chunk)")
        }
    }

    /// Records read in place (the fast path: plain and simply quoted fields, LF endings,
    /// inside one chunk) and records read by the general path (tiny chunks, CRLF, doubled
    /// quotes, line breaks in quotes) must agree; wide records grow the field arrays in
    /// the middle of a record (a fuzzer found the fast path losing fields there).
    @Test func fastAndGeneralPathsAgree() throws {
        let wide = (0..<300).map { $0 % 7 == 0 ? "\"f,\($0)\"" : "f\($0)" }.joined(separator: ",")
        let text = "a,b\n" + wide + "\n\"x\",y\n\"p\"\"q\",r\n\"m\nn\",o\r\nlast,\"é\"\n\"\",\n"
        let expected: [(Int, [String])] = [
            (1, ["a", "b"]), (2, (0..<300).map { $0 % 7 == 0 ? "f,\($0)" : "f\($0)" }), (3, ["x", "y"]),
            (4, ["p\"q", "r"]), (5, ["m\nn", "o"]), (7, ["last", "é"]), (8, ["", ""]),
        ]
        for chunk in [nil, 7, 64, 1 << 20] as [Int?] {
            let got = try records(text, chunk: chunk)
            #expect(got.map(\.line) == expected.map(\.0), "chunk \(chunk ?? 0)")
            #expect(got.map(\.fields) == expected.map(\.1), "chunk \(chunk ?? 0)")
        }
    }

    @Test func unterminatedQuote() {
        let e = csvError("a,b\n1,\"open\nstill open\n")
        #expect(e == CSVError(file: "t.csv", line: 2, column: 2, kind: .unterminatedQuote))
        #expect(e?.description == "t.csv:2:2: quoted field is not closed before the end of the file (the quote opens on line 2)")
        #expect(e?.category == .dataError)
    }

    @Test func strayQuote() {
        let e = csvError("a,b\n1,2\nx,ab\"c\n")
        #expect(e == CSVError(file: "t.csv", line: 3, column: 2, kind: .strayQuote))
        #expect(e?.description == "t.csv:3:2: stray quote in an unquoted field; quote the whole field and double inner quotes (\"a\"\"b\")")
    }

    @Test func textAfterClosingQuote() {
        let e = csvError("a,b\n\"x\"y,2\n")
        #expect(e == CSVError(file: "t.csv", line: 2, column: 1, kind: .textAfterClosingQuote))
        #expect(e?.description == "t.csv:2:1: unexpected character after a closing quote; expected a comma or a line break")
    }

    @Test func invalidUTF8() {
        let bad: [UInt8] = Array("a,b,c\n1,2,ok\n\"multi\nline\",x,".utf8) + [0xE9] + Array("t\n".utf8)
        let e = csvError(bad)
        #expect(e == CSVError(file: "t.csv", line: 3, column: 3, kind: .invalidUTF8))
        #expect(e?.description == "t.csv:3:3: invalid UTF-8 in field; convert the file to UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8)")
        // Overlong encoding and a lone surrogate are invalid too; a 4-byte emoji is fine.
        #expect(csvError([0xC0, 0xAF])?.kind == .invalidUTF8)
        #expect(csvError([0xED, 0xA0, 0x80])?.kind == .invalidUTF8)
        #expect(csvError(Array("😀,é".utf8)) == nil)
    }

    @Test func nulByte() {
        let e = csvError(Array("a,b\n1,".utf8) + [0x32, 0x00, 0x33] + [10])
        #expect(e == CSVError(file: "t.csv", line: 2, column: 2, kind: .nulByte))
        #expect(e?.description == "t.csv:2:2: NUL byte in field")
        #expect(csvError([0x22, 0x00, 0x22])?.kind == .nulByte)
    }

    @Test func utf16IsRejectedWithConversionHint() {
        let le: [UInt8] = [0xFF, 0xFE, 0x61, 0x00, 0x2C, 0x00, 0x62, 0x00]
        let e = csvError(le)
        #expect(e?.kind == .utf16(bigEndian: false))
        #expect(e?.description == "t.csv: the file is UTF-16 (little-endian), not UTF-8; convert it first: iconv -f UTF-16 -t UTF-8 t.csv > t.csv-utf8.csv")
        #expect(csvError([0xFE, 0xFF, 0x00, 0x61])?.kind == .utf16(bigEndian: true))
        // No byte-order mark: NULs in every other byte.
        #expect(csvError([0x61, 0x00, 0x2C, 0x00, 0x62, 0x00])?.kind == .utf16(bigEndian: false))
        #expect(csvError([0x00, 0x61, 0x00, 0x2C])?.kind == .utf16(bigEndian: true))
    }

    @Test func cannotOpen() {
        #expect(throws: CSVError(file: "/nonexistent/x.csv", line: 0, column: 0, kind: .cannotOpen(reason: "No such file or directory"))) {
            _ = try CSVReader(path: "/nonexistent/x.csv")
        }
        let e = CSVError(file: "x.csv", line: 0, column: 0, kind: .cannotOpen(reason: "No such file or directory"))
        #expect(e.description == "cannot open x.csv: No such file or directory")
        #expect(e.category.exitCode == 66)
        #expect(CSVError(file: "x", line: 0, column: 0, kind: .readFailed(reason: "Is a directory")).category.exitCode == 74)
        #expect(DataErrorCategory.dataError.exitCode == 65)
    }

    @Test func readingADirectoryIsAnIOError() {
        let e: CSVError?
        do {
            let r = try CSVReader(path: "/tmp")
            while try r.next() {}
            e = nil
        } catch {
            e = error
        }
        #expect(e?.category == .ioError)
        #expect(e?.description.hasPrefix("cannot read /tmp: ") == true)
    }

    @Test func headerChecks() throws {
        func headerError(_ s: String) -> CSVError? {
            do { _ = try CSVReader(bytes: Array(s.utf8), name: "h.csv").readHeader(); return nil } catch { return error }
        }
        #expect(headerError("a,b,a,c,b\n")?.description == "h.csv:1: duplicate column names: a, b")
        #expect(headerError("a,,b,\n")?.description == "h.csv:1: empty column name in column 2, 4")
        #expect(headerError("")?.description == "h.csv: the file is empty; expected a header line")
        #expect(headerError("\n\n")?.kind == .empty)
        #expect(try CSVReader(bytes: Array("x,y\n".utf8), name: "h").readHeader() == ["x", "y"])
    }

    @Test func recordViews() throws {
        let r = CSVReader(bytes: Array("ab,\"c,d\",\n".utf8), name: "v")
        #expect(try r.next())
        let rec = r.record
        #expect(rec.count == 3)
        #expect(Array(rec[1]) == Array("c,d".utf8))
        #expect(rec.withUnsafeField(0) { Array($0) } == Array("ab".utf8))
        #expect(rec[2].isEmpty)
        #expect(Array(r.field(1)) == Array("c,d".utf8))
        #expect(try !r.next())
        #expect(r.bytesRead == 10)
    }

    /// Random records written per RFC 4180 (random quoting, records ended by CR LF, LF or a
    /// lone CR, multi-line and non-ASCII fields) read back identically, with correct lines,
    /// at chunk sizes that split records, CR LF pairs and quoted fields anywhere. Two in
    /// three records are plain (no quoting needed), so the fast record path runs too.
    @Test func randomRoundTrip() throws {
        var rng = SplitMix(seed: 42)
        let alphabet: [String] = ["a", "b", "Z", "0", "9", " ", ",", "\"", "\n", "\r\n", "é", "€", "😀", "x"]
        let needsQuotes = { (f: String) in f.contains(",") || f.contains("\"") || f.contains("\n") || f.contains("\r") }
        for trial in 0..<60 {
            var text = ""
            var expected: [(Int, [String])] = []
            var line = 1
            let width = Int(rng.next() % 4) + 1
            for _ in 0..<(Int(rng.next() % 30) + 1) {
                var fields: [String] = []
                let plain = rng.next() % 3 != 0
                let pool = plain ? alphabet.filter { !needsQuotes($0) } : alphabet
                for _ in 0..<width {
                    var f = ""
                    for _ in 0..<Int(rng.next() % 6) { f += pool[Int(rng.next() % UInt64(pool.count))] }
                    fields.append(f)
                }
                // A record of one empty field would be a blank line, which is skipped.
                if width == 1 && fields[0].isEmpty { fields[0] = "e" }
                expected.append((line, fields))
                text += fields.map { f in
                    needsQuotes(f) || (!plain && rng.next() % 5 == 0) ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
                }.joined(separator: ",")
                line += fields.reduce(0) { $0 + $1.filter { $0 == "\n" || $0 == "\r\n" }.count } + 1
                switch rng.next() % 5 {
                case 0, 1: text += "\r\n"
                case 2: text += "\r"
                default: text += "\n"
                }
            }
            if rng.next() % 2 == 0 { text.removeLast() } // no final line break
            let whole = try records(text)
            #expect(whole.map(\.fields) == expected.map(\.1), "trial \(trial)")
            #expect(whole.map(\.line) == expected.map(\.0), "trial \(trial)")
            for chunk in [5, 16 + trial, 61] {
                let chunked = try records(text, chunk: chunk)
                #expect(chunked.map(\.fields) == expected.map(\.1), "trial \(trial) chunk \(chunk)")
                #expect(chunked.map(\.line) == expected.map(\.0), "trial \(trial) chunk \(chunk)")
            }
        }
    }
}

/// A small deterministic generator (SplitMix64), so failures reproduce; shared by this
/// target's tests.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

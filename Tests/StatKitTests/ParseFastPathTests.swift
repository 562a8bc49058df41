import Testing
@testable import StatKit
#if canImport(Glibc)
import Glibc
#endif

/// The fast paths of the CSV parse (the 32-byte block scan of records, plain decimals, the
/// interner's cache of recent values) against brute force and the general paths.
@Suite struct ParseFastPathTests {

    private static func read(_ bytes: [UInt8], chunk: Int?) throws(CSVError) -> [(line: Int, fields: [[UInt8]])] {
        let reader: CSVReader
        if let chunk {
            let path = "/tmp/parse-fastpath-\(getpid())-\(chunk)-\(bytes.count).csv"
            defer { unlink(path) }
            try? AtomicFile.write(bytes, to: path)
            reader = try CSVReader(path: path, chunkSize: chunk)
            var out: [(Int, [[UInt8]])] = []
            while try reader.next() { out.append((reader.recordLine, (0..<reader.fieldCount).map { Array(reader.field($0)) })) }
            return out
        }
        reader = CSVReader(bytes: bytes, name: "t.csv")
        var out: [(Int, [[UInt8]])] = []
        while try reader.next() { out.append((reader.recordLine, (0..<reader.fieldCount).map { Array(reader.field($0)) })) }
        return out
    }

    /// Records whose field breaks fall at every offset of the 32-byte blocks (fields of 0–40
    /// bytes), with multi-byte UTF-8, simply and doubly quoted fields, commas, LF, CR LF and
    /// lone CR inside quotes and as record ends; the expected fields are the generated ones
    /// (brute force), for the whole input in memory and for chunks that cut records.
    @Test func blockScanMatchesGeneratedRecords() throws {
        var g = SeededGenerator(seed: 11)
        let plain: [[UInt8]] = ["a", "Z", "0", " ", "é", "€", "😀", "x", "-", "."].map { Array($0.utf8) }
        let quoted: [[UInt8]] = plain + [",", "\"", "\n", "\r\n", "\r"].map { Array($0.utf8) }
        for trial in 0..<40 {
            var text: [UInt8] = []
            var expected: [(Int, [[UInt8]])] = []
            var line = 1
            let width = 1 + g.nextInt(below: 12)
            for _ in 0..<(1 + g.nextInt(below: 60)) {
                var fields: [[UInt8]] = []
                var encoded: [[UInt8]] = []
                var breaks = 0
                for _ in 0..<width {
                    let q = g.nextInt(below: 4) == 0
                    var f: [UInt8] = []
                    for _ in 0..<g.nextInt(below: q ? 12 : 41) { f += (q ? quoted : plain)[g.nextInt(below: q ? quoted.count : plain.count)] }
                    fields.append(f)
                    if q {
                        encoded.append([34] + f.flatMap { $0 == 34 ? [34, 34] as [UInt8] : [$0] } + [34])
                        var k = 0
                        while k < f.count {
                            if f[k] == 13 && k + 1 < f.count && f[k + 1] == 10 { breaks += 1; k += 2; continue }
                            if f[k] == 10 || f[k] == 13 { breaks += 1 }
                            k += 1
                        }
                    } else {
                        encoded.append(f)
                    }
                }
                if width == 1 && fields[0].isEmpty { fields[0] = [101]; encoded[0] = [101] }
                expected.append((line, fields))
                text += Array(encoded.joined(separator: [44]))
                line += breaks + 1
                switch g.nextInt(below: 4) {
                case 0: text += [13, 10]
                case 1: text += [13]
                default: text += [10]
                }
            }
            for chunk in [nil, 16, 17, 31, 33, 100, 1 << 20] as [Int?] {
                let got = try Self.read(text, chunk: chunk)
                #expect(got.map(\.fields) == expected.map(\.1), "trial \(trial) chunk \(chunk ?? 0)")
                #expect(got.map(\.line) == expected.map(\.0), "trial \(trial) chunk \(chunk ?? 0)")
            }
        }
    }

    /// A NUL, a stray quote, text after a closing quote or invalid UTF-8 at every offset of
    /// a block is reported at its line and field, as the general path (tiny chunks) reports it.
    @Test func errorsAtEveryOffsetAreLocated() throws {
        let bad: [(bytes: [UInt8], kind: CSVError.Kind)] = [
            ([97, 0, 98], .nulByte), ([97, 34, 98], .strayQuote), ([34, 97, 34, 98], .textAfterClosingQuote),
            ([97, 0xFF, 98], .invalidUTF8), ([0xC3, 0x28], .invalidUTF8), ([34, 0xE2, 0x82, 34], .invalidUTF8),
        ]
        for (b, kind) in bad {
            for pad in 0..<40 {
                for column in 2...4 {
                    // The first field shifts the bad one to every offset of a block.
                    var fields: [[UInt8]] = [Array(repeating: 120, count: pad), [121], [122, 122], [119]]
                    fields[column - 1] = b
                    let text: [UInt8] = Array("h1,h2,h3,h4\nok,\"fine, ok\",1,2\n".utf8) + Array(fields.joined(separator: [44])) + [10] + Array("a,b,c,d\n".utf8)
                    for chunk in [nil, 5, 16, 1 << 20] as [Int?] {
                        var caught: CSVError?
                        do { _ = try Self.read(text, chunk: chunk) } catch { caught = error }
                        #expect(caught?.kind == kind && caught?.line == 3 && caught?.column == column,
                                "pad \(pad) column \(column) chunk \(chunk ?? 0): \(String(describing: caught))")
                    }
                }
            }
        }
    }

    /// Plain decimals (digits and at most one point, 1–16 bytes) take the short path; its
    /// value must have the bits of the general parser's and of the standard library's
    /// correctly rounded `Double(String)`, and anything it declines must still parse as before.
    @Test func plainDecimalsMatchGeneralPathAndStandardLibrary() {
        var g = SeededGenerator(seed: 5)
        let alphabet = Array("0123456789.".utf8) + Array("0123456789".utf8)
        var inputs: [[UInt8]] = ["0", "00", "5.", ".5", ".", "..", "13", "99.0", "0.03", "1.5.", "123456789012345",
                                 "1234567890123456", "999999999999999", "0.000000000000001", "9999999999999999",
                                 "000000000000000.1", "1e3", " 12", "12 ", "-1", "+1", ""].map { Array($0.utf8) }
        for _ in 0..<50_000 { inputs.append((0..<(1 + g.nextInt(below: 17))).map { _ in alphabet[g.nextInt(below: alphabet.count)] }) }
        for b in inputs {
            b.withUnsafeBufferPointer { p in
                let fast = CSVValue.double(p), general = CSVValue.generalDouble(p)
                #expect(fast?.bitPattern == general?.bitPattern, "\(String(decoding: b, as: UTF8.self))")
                if let short = CSVValue.plainDecimal(p) {
                    let reference = Double(String(decoding: b, as: UTF8.self))
                    #expect(short.bitPattern == reference?.bitPattern, "\(String(decoding: b, as: UTF8.self))")
                }
                for currency in [false, true] where !b.isEmpty {
                    // The grouped parser on plain digits is the plain parser.
                    if let v = CSVValue.groupedDouble(p, currency: currency) {
                        #expect(v.bitPattern == general?.bitPattern, "\(String(decoding: b, as: UTF8.self))")
                    } else {
                        #expect(general == nil || b.contains(32) || b.contains(43) || b.contains(45), "\(String(decoding: b, as: UTF8.self))")
                    }
                }
            }
        }
    }

    /// `recentCode` must give the codes and levels (in order) of `canonicalCode`: values of
    /// 0–20 bytes, few of them (the cache hits) or many (it is dropped), ASCII and not,
    /// canonically equivalent spellings, the Kelvin sign.
    @Test func recentCodeMatchesCanonicalCode() {
        var g = SeededGenerator(seed: 3)
        let special = ["Caf\u{E9}", "Cafe\u{301}", "\u{212A}elvin", "Kelvin", "\u{037E}", ";", "", "é", "ab", "abcdefgh", "abcdefghi",
                       "abcdefghijklmnop", "abcdefghijklmnopq", "Series A", "Series B", "Post-IPO"]
        for distinct in [3, 40, 300, 5_000, 50_000] {
            var a = TextColumnInterner(), b = TextColumnInterner()
            var ca = TextColumn(), cb = TextColumn()
            var codesA: [Int32] = [], codesB: [Int32] = []
            for _ in 0..<30_000 {
                let v: [UInt8]
                if g.nextInt(below: 10) == 0 {
                    v = Array(special[g.nextInt(below: special.count)].utf8)
                } else {
                    let k = g.nextInt(below: distinct)
                    let len = k % 21
                    v = (0..<len).map { UInt8(65 + (k / (len + 1) + $0 * 7) % 26) } + (k % 13 == 0 ? Array("é".utf8) : [])
                }
                codesA.append(v.withUnsafeBufferPointer { a.recentCode($0, in: &ca) })
                codesB.append(v.withUnsafeBufferPointer { b.canonicalCode($0, in: &cb) })
            }
            #expect(codesA == codesB, "distinct \(distinct)")
            #expect(ca.levels == cb.levels, "distinct \(distinct)")
        }
    }

    /// Values over 16 bytes through the cache of recent values (first and last 8 bytes and
    /// length as the key, the bytes in between compared with the cached level's) must give
    /// the codes and levels (in order) of `canonicalCode`: values of 17–60 bytes that share
    /// their first and last 8 bytes and length and differ only in between (every such
    /// pair has the same cache entry, so a hit must be refused on the middle bytes alone),
    /// differences at every middle offset, canonically equivalent long spellings (NFC
    /// and NFD, whose level keeps the first spelling's bytes), and few or many distinct
    /// values (the cache kept or dropped).
    @Test func longValuesThroughRecentCacheMatchCanonicalCode() {
        var g = SeededGenerator(seed: 29)
        let head = Array("https://".utf8), tail = Array("/2025/03".utf8)
        var pool: [[UInt8]] = []
        for n in 17...60 {
            let middle = n - 16
            let base = head + [UInt8](repeating: 97, count: middle) + tail
            pool.append(base)
            // One byte changed at each middle offset: same key words and length.
            for k in 0..<middle { var v = base; v[8 + k] = 98; pool.append(v) }
        }
        pool += ["https://example.org/Caf\u{E9}/2025/03", "https://example.org/Cafe\u{301}/2025/03",
                 "https://example.org/\u{212A}elvin/2025", "https://example.org/Kelvin/2025"].map { Array($0.utf8) }
        for distinct in [20, 400, pool.count] {
            var a = TextColumnInterner(), b = TextColumnInterner()
            var ca = TextColumn(), cb = TextColumn()
            var codesA: [Int32] = [], codesB: [Int32] = []
            for _ in 0..<30_000 {
                let v = g.nextInt(below: 8) == 0 ? pool[pool.count - 1 - g.nextInt(below: 4)] : pool[g.nextInt(below: distinct)]
                codesA.append(v.withUnsafeBufferPointer { a.recentCode($0, in: &ca) })
                codesB.append(v.withUnsafeBufferPointer { b.canonicalCode($0, in: &cb) })
            }
            #expect(codesA == codesB, "distinct \(distinct)")
            #expect(ca.levels == cb.levels, "distinct \(distinct)")
        }
    }

    /// Lookups started by `lookahead` and finished one value late through `deferred` and
    /// `code(_:in:)` (values of 1–16 ASCII bytes, whose new levels are rebuilt from the key
    /// words; others finished at once) must give the codes and levels (in order) of
    /// `canonicalCode`: values of 0–20 bytes, every length, ASCII and not, many distinct
    /// (the cache of recent values dropped, so values are hashed) and few.
    @Test func deferredLookupsMatchCanonicalCode() {
        var g = SeededGenerator(seed: 43)
        for distinct in [5, 40_000] {
            var a = TextColumnInterner(), b = TextColumnInterner()
            var ca = TextColumn(), cb = TextColumn()
            var codesA: [Int32] = [], codesB: [Int32] = []
            var pending: (index: Int, value: TextColumnInterner.Deferred)?
            for i in 0..<40_000 {
                let k = g.nextInt(below: distinct)
                let len = k % 21
                let v: [UInt8] = (0..<len).map { UInt8(33 + (k / (len + 1) + $0 * 11) % 90) } + (k % 17 == 0 ? Array("é".utf8) : [])
                codesA.append(-2)
                v.withUnsafeBufferPointer { p in
                    let ahead = a.lookahead(p)
                    if let d = pending { codesA[d.index] = a.code(d.value, in: &ca) }
                    pending = nil
                    if let d = a.deferred(p, lookahead: ahead) { pending = (i, d) } else { codesA[i] = a.code(p, lookahead: ahead, in: &ca) }
                }
                codesB.append(v.withUnsafeBufferPointer { b.canonicalCode($0, in: &cb) })
            }
            if let d = pending { codesA[d.index] = a.code(d.value, in: &ca) }
            #expect(codesA == codesB, "distinct \(distinct)")
            #expect(ca.levels == cb.levels, "distinct \(distinct)")
        }
    }

    /// A lookup started by `lookahead` (hash and prefetch) and finished by
    /// `code(_:lookahead:in:)` must give the codes and levels (in order) of
    /// `canonicalCode`, before and after the cache of recent values is dropped: values of
    /// 0–40 bytes, ASCII and not, canonically equivalent spellings, the Kelvin sign.
    @Test func lookaheadMatchesCanonicalCode() {
        var g = SeededGenerator(seed: 17)
        let special = ["Caf\u{E9}", "Cafe\u{301}", "\u{212A}elvin", "Kelvin", "\u{037E}", ";", "", "é", "abcdefghijklmnop",
                       "abcdefghijklmnopq", "https://example.org/layoffs/2025/3", "https://example.org/layoffs/2025/12"]
        for distinct in [3, 300, 20_000] {
            var a = TextColumnInterner(), b = TextColumnInterner()
            var ca = TextColumn(), cb = TextColumn()
            var codesA: [Int32] = [], codesB: [Int32] = []
            for _ in 0..<40_000 {
                let v: [UInt8]
                if g.nextInt(below: 10) == 0 {
                    v = Array(special[g.nextInt(below: special.count)].utf8)
                } else {
                    let k = g.nextInt(below: distinct)
                    let len = k % 41
                    v = (0..<len).map { UInt8(65 + (k / (len + 1) + $0 * 7) % 26) } + (k % 13 == 0 ? Array("é".utf8) : [])
                }
                codesA.append(v.withUnsafeBufferPointer { p in
                    let ahead = a.lookahead(p)
                    return a.code(p, lookahead: ahead, in: &ca)
                })
                codesB.append(v.withUnsafeBufferPointer { b.canonicalCode($0, in: &cb) })
            }
            #expect(codesA == codesB, "distinct \(distinct)")
            #expect(ca.levels == cb.levels, "distinct \(distinct)")
        }
    }

    /// Records of 1–300 fields of 0–3 bytes (up to 32 field ends in one 32-byte block, so
    /// the fast path's field arrays grow inside a record): `fields` (the in-place views) and
    /// `field(_:)` must give the generated fields (brute force), with every chunk size.
    @Test func wideRecordsThroughFieldViews() throws {
        var g = SeededGenerator(seed: 23)
        let pieces: [[UInt8]] = ["a", "7", "é", " ", "-"].map { Array($0.utf8) }
        var text: [UInt8] = []
        var expected: [[[UInt8]]] = []
        for _ in 0..<60 {
            let width = 1 + g.nextInt(below: 300)
            var record: [[UInt8]] = []
            for _ in 0..<width { record.append((0..<g.nextInt(below: 4)).flatMap { _ in pieces[g.nextInt(below: pieces.count)] }) }
            if record == [[]] { record = [[98]] } // an empty line would be a blank line
            expected.append(record)
            text += Array(record.joined(separator: [44])) + (g.nextInt(below: 2) == 0 ? [10] : [13, 10])
        }
        for chunk in [nil, 7, 64, 1 << 20] as [Int?] {
            let path = "/tmp/parse-fastpath-wide-\(getpid())-\(chunk ?? 0).csv"
            defer { unlink(path) }
            let reader: CSVReader
            if let chunk {
                try? AtomicFile.write(text, to: path)
                reader = try CSVReader(path: path, chunkSize: chunk)
            } else {
                reader = CSVReader(bytes: text, name: "wide.csv")
            }
            var got: [[[UInt8]]] = [], copies: [[[UInt8]]] = []
            while try reader.next() {
                let f = reader.fields
                got.append((0..<f.count).map { Array(f[$0]) })
                copies.append((0..<reader.fieldCount).map { Array(reader.field($0)) })
            }
            #expect(got == expected, "chunk \(chunk ?? 0)")
            #expect(copies == expected, "chunk \(chunk ?? 0)")
        }
    }
}

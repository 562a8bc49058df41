/// Company-name matching for joins: a normalisation plus an explicit alias table.
///
/// **Normalisation** (``normalize(_:)``), in order:
/// 1. Unicode lowercase; a trailing `.com` is removed (`Salesforce.com` → `salesforce`);
/// 2. apostrophes and periods are deleted (`Macy's` → `macys`, `U.S.` → `us`); `&` becomes
///    `and`; every other character that is not a letter or digit becomes a space;
/// 3. whitespace is collapsed and trimmed; a leading `the ` is removed;
/// 4. trailing legal-form and holding suffixes are removed repeatedly while a word
///    remains: `inc`, `incorporated`, `corp`, `corporation`, `co`, `company`, `ltd`,
///    `limited`, `llc`, `plc`, `ag`, `sa`, `gmbh`, `holding`, `holdings`, `group`.
///
/// So `The Walt Disney Company` → `walt disney`, `Booking Holdings Inc.` → `booking`.
/// Product words (`technologies`, `platforms`, `systems`) are kept: two different
/// companies may differ only by them, so such pairs go in the alias table instead.
///
/// **Aliases** map a normalised name to the normalised name of the company it stands
/// for (``builtInAliases``, extended by ``addAliases(csvFile:)``). The join key of a name
/// is its normalisation, replaced by its alias target when it has one (one step, no
/// chains). Twitter → X: the same company, renamed in 2023.
public struct CompanyNames: Sendable, Equatable {
    /// Built-in aliases (alias → company, as written; both are normalised on use). Covers
    /// brand ↔ legal-name pairs seen in layoffs.fyi versus the Fortune 1000.
    public static let builtInAliases: [(alias: String, company: String)] = [
        ("Google", "Alphabet"), ("Meta", "Meta Platforms"), ("Facebook", "Meta Platforms"),
        ("AWS", "Amazon"), ("Amazon Web Services", "Amazon"), ("Salesforce.com", "Salesforce"),
        ("Twitter", "X"), ("X Corp", "X"),
        ("Uber", "Uber Technologies"), ("Cisco", "Cisco Systems"), ("Dell", "Dell Technologies"),
        ("Micron", "Micron Technology"), ("Peloton", "Peloton Interactive"),
        ("Opendoor", "Opendoor Technologies"), ("Coinbase", "Coinbase Global"),
        ("Akamai", "Akamai Technologies"), ("Zoom", "Zoom Video Communications"),
        ("Zebra", "Zebra Technologies"), ("Take-Two", "Take-Two Interactive Software"),
        ("Take-Two Interactive", "Take-Two Interactive Software"), ("Juniper", "Juniper Networks"),
        ("Marvell", "Marvell Technology"), ("Rackspace", "Rackspace Technology"),
        ("Offerpad", "Offerpad Solutions"), ("Capital One", "Capital One Financial"),
        ("Square", "Block"), ("HPE", "Hewlett Packard Enterprise"),
    ]

    /// Normalised alias → normalised company.
    public private(set) var aliases: [String: String]
    /// Bit `min(k, 63)` is set when an alias of `k` UTF-8 bytes was added: a name of
    /// another length has no alias, and ``key(_:)`` skips the dictionary (a `String` hash)
    /// for it. Aliases are never removed, so this follows from the keys of ``aliases``.
    private var aliasLengths: UInt64 = 0

    /// The built-in alias table.
    public init() {
        self.init(aliases: CompanyNames.builtInAliases)
    }

    /// A given alias table (alias → company, as written), replacing the built-in one.
    public init(aliases: [(alias: String, company: String)]) {
        self.aliases = [:]
        for (a, c) in aliases { addAlias(a, for: c) }
    }

    /// Adds (or replaces) one alias.
    public mutating func addAlias(_ alias: String, for company: String) {
        let key = CompanyNames.normalize(alias)
        aliases[key] = CompanyNames.normalize(company)
        aliasLengths |= CompanyNames.lengthBit(key)
    }

    /// Adds the aliases of a CSV file with header `alias,company` (other columns are
    /// ignored). Later entries replace earlier ones and built-in ones.
    public mutating func addAliases(csvFile path: String) throws(IngestError) {
        let reader: CSVReader
        do { reader = try CSVReader(path: path) } catch { throw .csv(error) }
        try addAliases(reader)
    }

    /// Adds the aliases of CSV bytes in memory (header `alias,company`).
    public mutating func addAliases(csvBytes: [UInt8], name: String) throws(IngestError) {
        try addAliases(CSVReader(bytes: csvBytes, name: name))
    }

    private mutating func addAliases(_ reader: CSVReader) throws(IngestError) {
        let header = try reader.checkedHeader()
        let layout = try ColumnLayout(file: reader.name, header: header, canonical: ["alias", "company"],
                                      required: ["alias", "company"], mapping: [:])
        let (ai, ci) = (layout.index[0]!, layout.index[1]!)
        var checker = RowChecker(file: reader.name, header: header)
        var pairs: [(String, String)] = []
        while try reader.checkedNext() {
            guard reader.fieldCount == header.count else {
                checker.reportRagged(line: reader.recordLine, actual: reader.fieldCount)
                continue
            }
            let record = reader.record
            for col in [ai, ci] where CompanyNames.normalize(record.string(col)).isEmpty {
                checker.report(line: reader.recordLine, column: col, value: record[col], issue: "is empty after normalisation",
                               expected: "a company name", reason: "missing company")
            }
            pairs.append((record.string(ai), record.string(ci)))
        }
        if !checker.problems.isEmpty { throw .invalidData(file: reader.name, problems: checker.problems) }
        for (a, c) in pairs { addAlias(a, for: c) }
    }

    /// The join key of `name`: its normalisation, or the alias target of it.
    public func key(_ name: String) -> String {
        let n = CompanyNames.normalize(name)
        if aliasLengths & CompanyNames.lengthBit(n) == 0 { return n }
        return aliases[n] ?? n
    }

    /// The bit of ``aliasLengths`` for a normalised name.
    @inline(__always) private static func lengthBit(_ n: String) -> UInt64 { 1 << UInt64(min(n.utf8.count, 63)) }

    private static let suffixes: Set<String> = [
        "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc",
        "plc", "ag", "sa", "gmbh", "holding", "holdings", "group",
    ]

    /// The normalised form of a company name (see the type's documentation).
    public static func normalize(_ name: String) -> String {
        normalizeASCII(name) ?? normalizeUnicode(name)
    }

    /// ``normalize(_:)`` for any text, by `Character`s.
    static func normalizeUnicode(_ name: String) -> String {
        var s = name.lowercased()
        while let last = s.last, last.isWhitespace { s.removeLast() }
        if s.hasSuffix(".com") { s.removeLast(4) }
        var cleaned = ""
        cleaned.reserveCapacity(s.utf8.count)
        for ch in s {
            if ch == "'" || ch == "’" || ch == "." { continue }
            if ch == "&" { cleaned += " and "; continue }
            cleaned.append(ch.isLetter || ch.isNumber ? ch : " ")
        }
        var words = cleaned.split(whereSeparator: { $0 == " " }).map(String.init)
        if words.count > 1 && words[0] == "the" { words.removeFirst() }
        while words.count > 1, let last = words.last, suffixes.contains(last) { words.removeLast() }
        return words.joined(separator: " ")
    }

    /// Whether `word` (no spaces) is one of ``suffixes`` (the same list, by length).
    private static func isSuffix(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        @inline(__always) func equals(_ s: StaticString) -> Bool {
            guard s.utf8CodeUnitCount == word.count else { return false }
            let p = s.utf8Start
            for j in 0..<word.count where word[j] != p[j] { return false }
            return true
        }
        switch word.count {
        case 2: return equals("co") || equals("ag") || equals("sa")
        case 3: return equals("inc") || equals("ltd") || equals("llc") || equals("plc")
        case 4: return equals("corp") || equals("gmbh")
        case 5: return equals("group")
        case 7: return equals("company") || equals("limited") || equals("holding")
        case 8: return equals("holdings")
        case 11: return equals("corporation")
        case 12: return equals("incorporated")
        default: return false
        }
    }

    /// ``normalize(_:)`` for an all-ASCII name, on bytes (the same result, without the
    /// per-`Character` Unicode work); `nil` when the name has a non-ASCII byte.
    ///
    /// One pass writes the cleaned bytes (step 2) to a buffer on the stack; the words are
    /// then never split out: dropping a leading `the` or a trailing suffix moves the ends
    /// of the region that holds them, and the region is copied into the result with its
    /// runs of spaces collapsed. The only allocation is the result's.
    static func normalizeASCII(_ name: String) -> String? {
        func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
            withNormalizedASCII(bytes) { $0.map { String(decoding: $0, as: UTF8.self) } }
        }
        if let s = name.utf8.withContiguousStorageIfAvailable({ string($0) }) { return s }
        return Array(name.utf8).withUnsafeBufferPointer { string($0) }
    }

    /// Calls `body` with the bytes of the normalised form of the all-ASCII name `src`
    /// (valid only inside `body`: no `String` is made), or with `nil` when the name has a
    /// non-ASCII byte.
    static func withNormalizedASCII<R>(_ src: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        let n = src.count
        for b in src where b >= 0x80 { return body(nil) }
        @inline(__always) func isSpace(_ b: UInt8) -> Bool { b == 32 || (b >= 9 && b <= 13) }
        @inline(__always) func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b | 0x20 : b }
        var end = n
        while end > 0 && isSpace(src[end - 1]) { end -= 1 }
        if end >= 4 && src[end - 4] == UInt8(ascii: ".") && lower(src[end - 3]) == UInt8(ascii: "c")
            && lower(src[end - 2]) == UInt8(ascii: "o") && lower(src[end - 1]) == UInt8(ascii: "m") {
            end -= 4
        }
        // `&` becomes five bytes, every other byte at most one.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 5 * end + 1) { buf -> R in
            var m = 0
            for j in 0..<end {
                let b = lower(src[j])
                switch b {
                case UInt8(ascii: "'"), UInt8(ascii: "."): continue
                case UInt8(ascii: "&"):
                    for c in " and ".utf8 { buf[m] = c; m += 1 }
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    buf[m] = b; m += 1
                default:
                    buf[m] = 32; m += 1
                }
            }
            // The words are the region lo..<hi, trimmed of spaces; more than one word
            // when it holds a space.
            var lo = 0, hi = m
            while lo < hi && buf[lo] == 32 { lo += 1 }
            while hi > lo && buf[hi - 1] == 32 { hi -= 1 }
            var q = lo
            while q < hi && buf[q] != 32 { q += 1 }
            if q < hi && q - lo == 3 && buf[lo] == UInt8(ascii: "t") && buf[lo + 1] == UInt8(ascii: "h")
                && buf[lo + 2] == UInt8(ascii: "e") {
                lo = q
                while buf[lo] == 32 { lo += 1 }
            }
            while true {
                var p = hi - 1
                while p > lo && buf[p] != 32 { p -= 1 }
                guard p > lo, isSuffix(UnsafeBufferPointer(rebasing: buf[(p + 1)..<hi])) else { break }
                hi = p
                while buf[hi - 1] == 32 { hi -= 1 }
            }
            // Runs of spaces collapsed in place.
            var k = lo
            var afterSpace = false
            for j in lo..<max(lo, hi) {
                let b = buf[j]
                if b == 32 {
                    if afterSpace { continue }
                    afterSpace = true
                } else {
                    afterSpace = false
                }
                buf[k] = b
                k += 1
            }
            return body(UnsafeBufferPointer(rebasing: buf[lo..<k]))
        }
    }
}

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
        aliases[CompanyNames.normalize(alias)] = CompanyNames.normalize(company)
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
        return aliases[n] ?? n
    }

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

    /// ``normalize(_:)`` for an all-ASCII name, on bytes (the same result, without the
    /// per-`Character` Unicode work); `nil` when the name has a non-ASCII byte.
    static func normalizeASCII(_ name: String) -> String? {
        var bytes = Array(name.utf8)
        guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
        func isSpace(_ b: UInt8) -> Bool { b == 32 || (b >= 9 && b <= 13) }
        for i in bytes.indices where bytes[i] >= 65 && bytes[i] <= 90 { bytes[i] |= 0x20 }
        while let last = bytes.last, isSpace(last) { bytes.removeLast() }
        if bytes.count >= 4 && bytes[(bytes.count - 4)...].elementsEqual(".com".utf8) { bytes.removeLast(4) }
        var words: [ArraySlice<UInt8>] = []
        var cleaned: [UInt8] = []
        cleaned.reserveCapacity(bytes.count + 8)
        for b in bytes {
            switch b {
            case UInt8(ascii: "'"), UInt8(ascii: "."): continue
            case UInt8(ascii: "&"): cleaned += " and ".utf8
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): cleaned.append(b)
            default: cleaned.append(32)
            }
        }
        words = cleaned.split(separator: 32)
        if words.count > 1 && words[0].elementsEqual("the".utf8) { words.removeFirst() }
        while words.count > 1, let last = words.last, suffixes.contains(String(decoding: last, as: UTF8.self)) { words.removeLast() }
        return String(decoding: Array(words.joined(separator: [32])), as: UTF8.self)
    }
}

import StatKit

/// The companies of a ``FundamentalsTable`` dictionary-encoded: `codes[i]` is row `i`'s
/// company, numbered from 0 in order of first appearance; two rows share a code exactly
/// when their names are equal `String`s (canonically equivalent spellings included).
struct CompanyCodes: Sendable {
    var codes: [Int32]
    /// The names by code (level `c` is the first spelling met of code `c`); find the code
    /// of a name with ``nameLookup()``. Its `codes` are unused. Some levels may belong to
    /// no row: the loader also numbers the companies of rows it leaves out.
    var names: TextColumn
    /// Whether `names`' index (``TextColumn/existingCode(for:)``) holds every level; the
    /// loader leaves its ASCII levels out (it found them by their bytes).
    var namesIndexed = true

    /// Codes of `names` computed from the `String`s (for tables not made by the loader):
    /// one dictionary lookup per run of equal consecutive names.
    init(encoding names: [String]) {
        var column = TextColumn()
        var codes = [Int32](repeating: 0, count: names.count)
        var last: String?
        var lastCode: Int32 = 0
        for (i, name) in names.enumerated() {
            if name != last {
                lastCode = column.code(for: name)
                last = name
            }
            codes[i] = lastCode
        }
        self.codes = codes
        self.names = column
    }

    init(codes: [Int32], names: TextColumn, namesIndexed: Bool = true) {
        self.codes = codes
        self.names = names
        self.namesIndexed = namesIndexed
    }

    /// Codes are `0..<codeCount`.
    var codeCount: Int { names.levels.count }

    /// The code of a name, for names not necessarily in the table.
    func nameLookup() -> CompanyNameLookup { CompanyNameLookup(names: names, indexed: namesIndexed) }
}

/// The code of the level of a ``CompanyCodes`` equal to a name (as `String`s, canonically
/// equivalent spellings included), as ``TextColumn/existingCode(for:)`` would give it with
/// every level indexed.
///
/// Without the index of every level, names are found by their bytes: an open-addressing
/// table of the levels' codes under a hash of their UTF-8 bytes (no `String` hashing). A
/// name not found so has no equal level when it and every level are ASCII (ASCII strings
/// are equal only when their bytes are); otherwise (non-ASCII text, rare) it is looked up
/// in a dictionary of all the levels, made on first need.
struct CompanyNameLookup {
    private let names: TextColumn
    private let indexed: Bool
    /// Codes of the levels by their hash (-1: empty), when not `indexed`.
    private var slots: [Int32] = []
    /// Hash of each level's bytes.
    private var hashes: [UInt64] = []
    private var allASCII = true
    private var all: [String: Int32]?

    init(names: TextColumn, indexed: Bool) {
        self.names = names
        self.indexed = indexed
        guard !indexed else { return }
        let levels = names.levels
        var size = 64
        while size < 2 * levels.count { size *= 2 }
        slots = [Int32](repeating: -1, count: size)
        hashes = [UInt64](repeating: 0, count: levels.count)
        let mask = size - 1
        for (c, level) in levels.enumerated() {
            var s = level
            let (h, ascii) = s.withUTF8 { TextColumnInterner.hash($0) }
            allASCII = allASCII && ascii
            hashes[c] = h
            var i = Int(truncatingIfNeeded: h) & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(truncatingIfNeeded: c)
        }
    }

    /// The code of the level equal to `name`, or `nil`.
    mutating func code(of name: String) -> Int32? {
        if indexed { return names.existingCode(for: name) }
        var s = name
        let (h, ascii) = s.withUTF8 { TextColumnInterner.hash($0) }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] >= 0 {
            let c = Int(slots[i])
            if hashes[c] == h && names.levels[c] == name { return Int32(truncatingIfNeeded: c) }
            i = (i + 1) & mask
        }
        if ascii && allASCII { return nil }
        if all == nil {
            all = Dictionary(names.levels.enumerated().map { ($1, Int32(truncatingIfNeeded: $0)) }, uniquingKeysWith: { a, _ in a })
        }
        return all?[name]
    }
}

extension FundamentalsTable {
    /// ``companyCodes`` when the loader left them (and ``company`` has not changed since),
    /// else computed from the names.
    var companyCodesOrEncoded: CompanyCodes {
        if let c = companyCodes, c.codes.count == company.count { return c }
        return CompanyCodes(encoding: company)
    }
}

/// The first row of each (company code, fiscal year), for codes numbered densely from 0
/// (as ``CompanyCodes`` and the loader's interner number them).
///
/// Each code has a window of ``window`` consecutive years, one 32-bit row per year: a
/// company's rows (usually consecutive in a file, their codes in order of first
/// appearance) fill one 64-byte cache line, the windows of successive companies follow one
/// another in memory, and looking up the year before a row's reads the same line. A
/// window starts at the first year stored for its code and slides (keeping its entries)
/// to take a year outside it when all of the code's years then fit; a year that does not
/// fit goes to ``CodeYearHash``, an open-addressing table made on first use. (A table of
/// all keys hashed by code plus year filled runs of neighbouring slots, so each insert
/// walked clusters several slots long, 16 bytes a slot.)
struct CodeYearIndex {
    /// Years per code in the window: 16, in one cache line, so that a company with
    /// fundamentals for every year since 2011 fits (with 8, such a company's later years
    /// would all go to the hash table, a third of the fundamentals load's time).
    static let window = 16
    /// Per code, the first year of its window; ``noYear`` when it has none.
    private var base: [Int] = []
    /// Per code `c`, rows of years `base[c] ..< base[c] + window` at `c * window ...`; -1: none.
    private var rows: [Int32] = []
    /// Keys outside their code's window (a code with years more than ``window`` apart).
    private var overflow: CodeYearHash?
    /// Keys stored.
    private(set) var count = 0
    private static let noYear = Int.min

    /// An empty index sized for `expected` keys (it grows past that).
    init(expected: Int = 0) {
        // Room for as many codes as half the keys; untouched reserve costs no pages.
        base.reserveCapacity(expected / 2)
        rows.reserveCapacity(expected / 2 * CodeYearIndex.window)
    }

    /// Whether `year` can be kept in a window: far from `Int`'s ends, so that window
    /// arithmetic cannot overflow (others go to the overflow table).
    @inline(__always) private static func windowed(_ year: Int) -> Bool { year.magnitude < 1 << 40 }

    /// The window slot of `year` for a code whose window starts at `b`, or nil.
    @inline(__always) private static func offset(_ year: Int, _ b: Int) -> Int? {
        let o = UInt(bitPattern: year &- b)
        return b != noYear && o < UInt(window) && windowed(year) ? Int(o) : nil
    }

    /// The row stored for (`code`, `year`), or -1.
    func find(code: Int32, year: Int) -> Int32 {
        let c = Int(code)
        guard c >= 0 && c < base.count else { return -1 }
        if let o = CodeYearIndex.offset(year, base[c]) {
            let r = rows[c &* CodeYearIndex.window &+ o]
            if r >= 0 { return r }
        }
        return overflow?.find(code: code, year: year) ?? -1
    }

    /// Stores `row` for (`code`, `year`) unless the key is there already; returns the row
    /// already stored, or -1 when `row` was stored. `row` and `code` must be ≥ 0.
    mutating func insertIfAbsent(code: Int32, year: Int, row: Int32) -> Int32 {
        precondition(code >= 0, "negative company code")
        let c = Int(code), w = CodeYearIndex.window
        if c >= base.count {
            base.append(contentsOf: repeatElement(CodeYearIndex.noYear, count: c + 1 - base.count))
            rows.append(contentsOf: repeatElement(-1, count: base.count * w - rows.count))
        }
        if CodeYearIndex.windowed(year) {
            if base[c] == CodeYearIndex.noYear { base[c] = year }
            if CodeYearIndex.offset(year, base[c]) == nil { slide(c, toward: year) }
        }
        if let o = CodeYearIndex.offset(year, base[c]) {
            let r = rows[c &* w &+ o]
            if r >= 0 { return r }
            // A key that went to the overflow before the window slid over its year.
            if let found = overflow?.find(code: code, year: year), found >= 0 { return found }
            rows[c &* w &+ o] = row
            count += 1
            return -1
        }
        if overflow == nil { overflow = CodeYearHash() }
        let found = overflow!.insertIfAbsent(code: code, year: year, row: row)
        if found < 0 { count += 1 }
        return found
    }

    /// Moves code `c`'s window so that it covers `year` as well as every year stored in
    /// it, when they fit in one window (else leaves it).
    private mutating func slide(_ c: Int, toward year: Int) {
        let w = CodeYearIndex.window, b = base[c], at = c * w
        var lo = year, hi = year
        for o in 0..<w where rows[at + o] >= 0 {
            let y = b + o // within a window that holds it: no overflow
            lo = min(lo, y); hi = max(hi, y)
        }
        let (span, wrapped) = hi.subtractingReportingOverflow(lo)
        guard !wrapped && span < w else { return }
        // Room on the side the new year is on (a file listing years downward slides once).
        let newBase = year < b ? hi - (w - 1) : lo
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: w) { moved in
            moved.initialize(repeating: -1)
            for o in 0..<w where rows[at + o] >= 0 { moved[b + o - newBase] = rows[at + o] }
            for o in 0..<w { rows[at + o] = moved[o] }
        }
        base[c] = newBase
    }
}

/// The first row of each (company code, fiscal year): an open-addressing table keyed by
/// two integers, in place of a `Dictionary` whose SipHash of every key dominated the
/// fundamentals load and join. ``CodeYearIndex`` keeps here the years that do not fit
/// its windows.
///
/// A key's home slot is a mix of its code plus its year, so one company's years sit on
/// consecutive slots. Linear probing at a load of at most three quarters.
struct CodeYearHash {
    private struct Slot {
        var year: Int
        var code: Int32
        /// The row, or -1 for an empty slot.
        var row: Int32
    }
    private var slots: [Slot]
    private var mask: Int
    /// Keys stored.
    private(set) var count = 0

    /// An empty index sized for `expected` keys (it grows past that).
    init(expected: Int = 0) {
        var size = 64
        while 3 * size < 4 * expected { size *= 2 }
        slots = [Slot](repeating: Slot(year: 0, code: 0, row: -1), count: size)
        mask = size - 1
    }

    @inline(__always) private static func home(_ code: Int32, _ year: Int, _ mask: Int) -> Int {
        var h = UInt64(UInt32(bitPattern: code))
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return Int(truncatingIfNeeded: h &+ UInt64(bitPattern: Int64(year))) & mask
    }

    /// The row stored for (`code`, `year`), or -1.
    func find(code: Int32, year: Int) -> Int32 {
        slots.withUnsafeBufferPointer { s in
            var i = CodeYearHash.home(code, year, mask)
            while true {
                let slot = s[i]
                if slot.row < 0 { return -1 }
                if slot.year == year && slot.code == code { return slot.row }
                i = (i + 1) & mask
            }
        }
    }

    /// Stores `row` for (`code`, `year`) unless the key is there already; returns the row
    /// already stored, or -1 when `row` was stored. `row` must be ≥ 0.
    mutating func insertIfAbsent(code: Int32, year: Int, row: Int32) -> Int32 {
        let m = mask
        let found: Int32 = slots.withUnsafeMutableBufferPointer { s in
            var i = CodeYearHash.home(code, year, m)
            while true {
                let slot = s[i]
                if slot.row < 0 {
                    s[i] = Slot(year: year, code: code, row: row)
                    return -1
                }
                if slot.year == year && slot.code == code { return slot.row }
                i = (i + 1) & m
            }
        }
        if found < 0 {
            count += 1
            if 4 * count > 3 * slots.count { grow() }
        }
        return found
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(year: 0, code: 0, row: -1), count: old.count * 2)
        mask = slots.count - 1
        let m = mask
        slots.withUnsafeMutableBufferPointer { s in
            for slot in old where slot.row >= 0 {
                var i = CodeYearHash.home(slot.code, slot.year, m)
                while s[i].row >= 0 { i = (i + 1) & m }
                s[i] = slot
            }
        }
    }
}

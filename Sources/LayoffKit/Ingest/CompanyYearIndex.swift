/// The companies of a ``FundamentalsTable`` dictionary-encoded: `codes[i]` is row `i`'s
/// company, numbered from 0 in order of first appearance; two rows share a code exactly
/// when their names are equal `String`s (canonically equivalent spellings included).
struct CompanyCodes: Sendable {
    var codes: [Int32]
    /// The names by code (level `c` is the first spelling met of code `c`), and the code
    /// of a name (``TextColumn/existingCode(for:)``). Its `codes` are unused. Some levels
    /// may belong to no row: the loader also numbers the companies of rows it leaves out.
    var names: TextColumn

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

    init(codes: [Int32], names: TextColumn) {
        self.codes = codes
        self.names = names
    }

    /// Codes are `0..<codeCount`.
    var codeCount: Int { names.levels.count }
}

extension FundamentalsTable {
    /// ``companyCodes`` when the loader left them (and ``company`` has not changed since),
    /// else computed from the names.
    var companyCodesOrEncoded: CompanyCodes {
        if let c = companyCodes, c.codes.count == company.count { return c }
        return CompanyCodes(encoding: company)
    }
}

/// The first row of each (company code, fiscal year): an open-addressing table keyed by
/// two integers, in place of a `Dictionary` whose SipHash of every key dominated the
/// fundamentals load and join.
///
/// A key's home slot is a mix of its code plus its year, so one company's years sit on
/// consecutive slots: the rows of a company (usually consecutive in a file) touch one or
/// two cache lines, and looking up the year before a row's lands next to that row's own
/// entry. Companies are scattered by the mix of their codes; linear probing at a load of
/// at most three quarters (a load of one half doubled the table's pages, 8 MB for 160,000
/// keys, for no measurable gain in probes: most lookups are of a company's next year,
/// one slot on).
struct CodeYearIndex {
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
            var i = CodeYearIndex.home(code, year, mask)
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
            var i = CodeYearIndex.home(code, year, m)
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
                var i = CodeYearIndex.home(slot.code, slot.year, m)
                while s[i].row >= 0 { i = (i + 1) & m }
                s[i] = slot
            }
        }
    }
}

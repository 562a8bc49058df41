import StatKit
import Synchronization

/// The search for exact duplicate events: rows equal to an earlier row in every field.
enum DuplicateSearch {
    /// Exact duplicates (all fields equal to an earlier event's), in file order; with
    /// `dedupe`, removes them from `t` (keeping the first).
    ///
    /// Fields are compared as loaded: text kept as codes by code, numbers bit for bit, and
    /// the values not kept as codes or numbers (columns the load left out, text stored as
    /// written) through `others`, a 64-bit hash of them per row (equal values hash equal;
    /// rows that differ only there are taken for duplicates only if their hashes collide).
    ///
    /// Equal events share their day, so events are bucketed by runs of consecutive days
    /// (a counting sort, file order kept within a bucket) and each bucket is searched with
    /// a hash table that stays in cache; a day range too wide for the buckets falls back to
    /// one table over all events. Both find, for each event, the first earlier equal event
    /// (``RowColumns/equal(_:_:)``).
    ///
    /// `others` `nil`: the hash is made here of the text `t` stores as written (for a table
    /// whose every column was kept). `forcedHash` (tests) gives every row of a day one hash
    /// (`forcedHash` mixed with the day): all rows of a day then collide, and equality alone
    /// decides.
    static func find(in t: inout EventTable, others: [UInt64]?, dedupe: Bool, threads: Int = 1,
                     forcedHash: UInt32? = nil) -> ([DuplicateEvent], Int) {
        let n = t.count
        var pairs: [(row: Int32, first: Int32)] = []
        if n > 1 {
            let table = t
            pairs = table.withRowColumns(others: others ?? writtenTextHash(table), forcedHash: forcedHash) { columns in
                duplicatePairs(columns, count: n, threads: threads)
            }
        }
        let duplicates = pairs.map { DuplicateEvent(line: Int(t.line[Int($0.row)]), firstLine: Int(t.line[Int($0.first)])) }
        let dropped = dedupe ? pairs.map { Int($0.row) } : []
        if !dropped.isEmpty {
            var keep: [Int] = []
            keep.reserveCapacity(t.count - dropped.count)
            var d = 0
            for r in 0..<t.count {
                if d < dropped.count && dropped[d] == r { d += 1 } else { keep.append(r) }
            }
            // Dropped rows repeat earlier ones, so they hold no level of their own: the
            // re-encoded levels keep their order.
            t = t.selecting(keep)
        }
        return (duplicates, dropped.count)
    }

    /// Per row, the hash of the values of `t`'s text stored as written (as the parse makes
    /// it); `nil` when there is none.
    static func writtenTextHash(_ t: EventTable) -> [UInt64]? {
        let columns = ([t.source] + t.extra.map(\.values)).filter { $0.count == t.count && $0.dictionary == nil }
        guard !columns.isEmpty else { return nil }
        return (0..<t.count).map { r in
            var h: UInt64 = 0x243F_6A88_85A3_08D3
            for c in columns { EventRecordParser.mix(&h, c.withUTF8(r) { $0.map(EventRecordParser.textHash) ?? EventRecordParser.textHash(.init(start: nil, count: 0)) }) }
            return h
        }
    }

    /// The duplicate pairs (row, first earlier equal row) of the `n` rows of `c`, sorted by row.
    ///
    /// Equal rows share their day, so the rows are cut into buckets of whole consecutive
    /// days holding about ``bucketRows`` rows each (more when one day has more). A stable
    /// counting sort by bucket writes each row's entry (its ``RowColumns/hash(_:)`` in the
    /// high 32 bits, the row in the low 32), computed as the row is placed, the columns
    /// read in file order; each bucket's entries, in file order, are then searched with a
    /// hash table that stays in cache. (Buckets of single days wrote to thousands of places
    /// at once, each entry a cache miss of its own; a few hundred buckets keep their
    /// write positions in cache.) For large tables the rows are placed in two halves on two
    /// threads (each half with its own cursor per bucket, the first half's rows before the
    /// second's, so the order is the one thread's) and the buckets are searched in two
    /// parts of about equal rows on two threads (pairs sorted by row afterwards).
    private static func duplicatePairs(_ c: RowColumns, count n: Int, threads: Int) -> [(row: Int32, first: Int32)] {
        var first = c.day[0].number, last = first
        for r in 1..<n { let d = c.day[r].number; first = min(first, d); last = max(last, d) }
        let lo = first, hi = last
        let span = Int(hi) - Int(lo) + 1
        var entries = [UInt64](unsafeUninitializedCapacity: n) { _, k in k = n }
        guard span <= max(4 * n, 1 << 16) else {
            // One bucket of all the rows, in file order (the hash covers the day too).
            for r in 0..<n { entries[r] = UInt64(c.hash(r)) << 32 | UInt64(r) }
            return entries.withUnsafeBufferPointer { scanBuckets(c, entries: $0, starts: [0, Int32(n)], 0..<1) }
        }
        let twoThreads = threads > 1 && n >= 1 << 16
        let halves = twoThreads ? [0..<n / 2, n / 2..<n] : [0..<n]
        var counts = halves.map { rows in
            var k = [Int32](repeating: 0, count: span)
            k.withUnsafeMutableBufferPointer { k in for r in rows { k[Int(c.day[r].number - lo)] &+= 1 } }
            return k
        }
        // Days to buckets, in order: a bucket closes once it holds `bucketRows` rows. Each
        // day's bucket goes where the first half's count of it was (read just before).
        var bucketOfDay = counts[0]
        var sizes: [[Int32]] = halves.map { _ in [] }
        var held = 0
        for k in 0..<span {
            if held >= bucketRows || sizes[0].isEmpty {
                for h in halves.indices { sizes[h].append(0) }
                held = 0
            }
            let b = sizes[0].count - 1
            for h in halves.indices {
                let m = counts[h][k]
                sizes[h][b] &+= m
                held += Int(m)
            }
            bucketOfDay[k] = Int32(truncatingIfNeeded: b)
        }
        counts = []
        let buckets = sizes[0].count
        var starts = [Int32](repeating: 0, count: buckets + 1)
        var fills = sizes
        for b in 0..<buckets {
            var at = starts[b]
            for h in halves.indices {
                fills[h][b] = at
                at += sizes[h][b]
            }
            starts[b + 1] = at
        }
        sizes = []
        entries.withUnsafeMutableBufferPointer { e in
            let out = EntriesOutput(base: e.baseAddress!)
            let dayBucket = bucketOfDay
            @Sendable func place(_ rows: Range<Int>, _ fill: [Int32]) {
                var fill = fill
                fill.withUnsafeMutableBufferPointer { fill in
                    dayBucket.withUnsafeBufferPointer { dayBucket in
                        for r in rows {
                            let b = Int(dayBucket[Int(c.day[r].number &- lo)])
                            let p = Int(fill[b])
                            out.base[p] = UInt64(c.hash(r)) << 32 | UInt64(r)
                            fill[b] = Int32(truncatingIfNeeded: p &+ 1)
                        }
                    }
                }
            }
            if twoThreads {
                let second = BackgroundWork { [fill = fills[1]] in place(halves[1], fill) }
                place(halves[0], fills[0])
                second.wait()
            } else {
                place(halves[0], fills[0])
            }
        }
        fills = []
        bucketOfDay = []
        let byBucket = entries, bounds = starts
        var pairs: [(row: Int32, first: Int32)]
        if twoThreads {
            // The buckets in two parts of about half the rows each, searched on two
            // threads; the pairs are sorted by row afterwards, so the result does not
            // depend on which finishes first.
            var middle = 0
            while middle < buckets && Int(bounds[middle + 1]) <= n / 2 { middle += 1 }
            let split = middle
            let half = BackgroundWork {
                byBucket.withUnsafeBufferPointer { scanBuckets(c, entries: $0, starts: bounds, split..<buckets) }
            }
            pairs = byBucket.withUnsafeBufferPointer { scanBuckets(c, entries: $0, starts: bounds, 0..<split) }
            pairs += half.wait()
        } else {
            pairs = byBucket.withUnsafeBufferPointer { scanBuckets(c, entries: $0, starts: bounds, 0..<buckets) }
        }
        // Found bucket by bucket: in file order once sorted by row.
        pairs.sort { $0.row < $1.row }
        return pairs
    }

    /// Rows per bucket of days in the duplicate search: a bucket's table (two slots of 8
    /// bytes per row, rounded up to a power of two) stays in a core's cache.
    static let bucketRows = 4096

    /// Where the day sort writes its entries (each half of the rows to places of its own).
    private struct EntriesOutput: @unchecked Sendable {
        let base: UnsafeMutablePointer<UInt64>
    }

    /// Duplicate pairs (row, first earlier equal row) within the buckets `range`: bucket
    /// `k` is `entries[starts[k]..<starts[k + 1]]`, entries in file order (hash in the high
    /// 32 bits, row in the low 32). Equal rows share their bucket, so each bucket is
    /// searched alone: a few entries by comparing each with the earlier ones, more with a
    /// small open-addressing table of the bucket's first occurrences that stays in cache.
    /// Columns are read only for rows whose hashes match.
    private static func scanBuckets(_ c: RowColumns, entries: UnsafeBufferPointer<UInt64>, starts: [Int32],
                                    _ range: Range<Int>) -> [(row: Int32, first: Int32)] {
        var pairs: [(row: Int32, first: Int32)] = []
        var slots = [UInt64](repeating: UInt64.max, count: 64)
        let e = entries.baseAddress!
        for k in range {
            let from = Int(starts[k]), to = Int(starts[k + 1])
            let m = to - from
            if m < 2 { continue }
            if m <= 16 {
                // First earlier equal row: the earliest entry with the same hash and fields
                // (equality is transitive, so an earlier duplicate's first is found first).
                for i in from + 1..<to {
                    let x = e[i]
                    for j in from..<i where e[j] >> 32 == x >> 32 && c.equal(Int(e[j] & 0xFFFF_FFFF), Int(x & 0xFFFF_FFFF)) {
                        pairs.append((Int32(truncatingIfNeeded: x), Int32(truncatingIfNeeded: e[j])))
                        break
                    }
                }
                continue
            }
            var size = 64
            while size < 2 * m { size *= 2 }
            if size > slots.count { slots = [UInt64](repeating: UInt64.max, count: size) }
            // Rows that agree on the hashed fields and differ elsewhere share a hash and
            // are told apart by comparing each with the earlier ones: quadratic in their
            // number. Past a budget of such comparisons, the bucket is searched again by a
            // hash of all the fields (for its rows only), which keeps a file of many near
            // duplicates (the same company, place, day and cut, other sources) linear.
            let before = pairs.count
            let complete = slots.withUnsafeMutableBufferPointer { s in
                searchTable(c, UnsafeBufferPointer(start: e + from, count: m), s, size: size, budget: 8 * m + 64, into: &pairs)
            }
            if !complete {
                pairs.removeSubrange(before...)
                let full = [UInt64](unsafeUninitializedCapacity: m) { out, k in
                    for i in 0..<m {
                        let r = Int(e[from + i] & 0xFFFF_FFFF)
                        out[i] = UInt64(c.fullHash(r)) << 32 | UInt64(r)
                    }
                    k = m
                }
                full.withUnsafeBufferPointer { f in
                    slots.withUnsafeMutableBufferPointer { s in
                        _ = searchTable(c, f, s, size: size, budget: nil, into: &pairs)
                    }
                }
                fullHashSearches.add(1, ordering: .relaxed)
            }
        }
        return pairs
    }

    /// One bucket's search through an open-addressing table of `size` slots (`s`, all
    /// empty; left empty): each entry's first earlier equal row, appended to `pairs`.
    /// With a `budget`, gives up (returns `false`) once more than that many comparisons of
    /// equal hashes found rows unequal.
    private static func searchTable(_ c: RowColumns, _ entries: UnsafeBufferPointer<UInt64>,
                                    _ s: UnsafeMutableBufferPointer<UInt64>, size: Int, budget: Int?,
                                    into pairs: inout [(row: Int32, first: Int32)]) -> Bool {
        let mask = size - 1
        var unequal = 0
        let limit = budget ?? Int.max
        defer { for p in 0..<size { s[p] = UInt64.max } }  // emptied for the next bucket
        for x in entries {
            let h = x >> 32, r = Int(x & 0xFFFF_FFFF)
            var p = Int(truncatingIfNeeded: h) & mask
            while true {
                let y = s[p]
                if y == UInt64.max {
                    s[p] = x // a first occurrence
                    break
                }
                if y >> 32 == h {
                    if c.equal(Int(y & 0xFFFF_FFFF), r) {
                        pairs.append((Int32(truncatingIfNeeded: x), Int32(truncatingIfNeeded: y)))
                        break
                    }
                    unequal += 1
                    if unequal > limit { return false }
                }
                p = (p + 1) & mask
            }
        }
        return true
    }

    /// Buckets searched again by ``RowColumns/fullHash(_:)`` (tests read it).
    static let fullHashSearches = Atomic<Int>(0)

}

/// The columns of an ``EventTable`` as base addresses (valid inside
/// ``EventTable/withRowColumns(others:forcedHash:_:)``), for the duplicate search: a hash
/// of a row's fields and field-by-field equality of two rows, read without bounds checks or
/// reference counting.
struct RowColumns: @unchecked Sendable {
    let company: UnsafePointer<Int32>
    let day: UnsafePointer<Day>
    /// Codes of location when kept (the narrow hash reads it when there is no `others`).
    let location: UnsafePointer<Int32>?
    /// `total_laid_off` when kept.
    let cut: (values: UnsafePointer<Double>, present: UnsafePointer<Bool>)?
    /// Every other column kept as codes (text; `date_added`'s day numbers).
    let codes: [UnsafePointer<Int32>]
    /// Every other number kept.
    let numbers: [(values: UnsafePointer<Double>, present: UnsafePointer<Bool>)]
    /// The hash of the values not kept as codes or numbers, when there are some.
    let others: UnsafePointer<UInt64>?
    /// When set (tests), every row hashes to this value mixed with its day: all rows of a
    /// day collide, so equality alone decides (rows of other days in its bucket of the
    /// search spread over the table as they would).
    let forced: UInt32?

    /// A number's bits, or for a missing one a NaN that parsing never gives (equal values
    /// hash equal: a missing value's stored number is not read).
    @inline(__always) private static func bits(_ v: UnsafePointer<Double>, _ present: UnsafePointer<Bool>, _ r: Int) -> UInt64 {
        present[r] ? v[r].bitPattern : 0x7FF8_0000_0000_0001
    }

    /// A 32-bit hash of row `r`'s company, day, count of cuts and location or hash of the
    /// values not kept (equal rows hash equal): the fields that tell most events apart (a
    /// company's events of one day in several places too), so that the search's pass over
    /// every row reads about 24 bytes of it rather than all its fields (60 bytes and more,
    /// which made that pass wait on memory). Rows that agree on these and differ elsewhere
    /// (rare) share a hash, and ``equal(_:_:)`` tells them apart (each such row is compared
    /// with the earlier ones). Each 64-bit word of fields times its own odd constant,
    /// summed, then avalanched (murmur3's finalizer).
    @inline(__always) func hash(_ r: Int) -> UInt32 {
        if let forced {
            return forced ^ UInt32(truncatingIfNeeded: UInt64(UInt32(bitPattern: day[r].number)) &* 0x9E37_79B9_7F4A_7C15 >> 32)
        }
        var h = (UInt64(UInt32(bitPattern: company[r])) | UInt64(UInt32(bitPattern: location?[r] ?? 0)) << 32) &* 0x9E37_79B9_7F4A_7C15
        h = h &+ UInt64(UInt32(bitPattern: day[r].number)) &* 0xD6E8_FEB8_6659_FD93
        if let cut { h = h &+ RowColumns.bits(cut.values, cut.present, r) &* 0xA076_1D64_78BD_642F }
        if let others { h = h &+ others[r] &* 0xE703_7ED1_A0B4_28DB }
        return RowColumns.avalanche(h)
    }

    /// A 32-bit hash of all of row `r`'s fields (equal rows hash equal), for a bucket of
    /// the duplicate search where many rows share ``hash(_:)`` and differ elsewhere.
    func fullHash(_ r: Int) -> UInt32 {
        if forced != nil { return hash(r) }
        var h = UInt64(hash(r)) &* 0x9E37_79B9_7F4A_7C15
        for c in codes { h = (h ^ UInt64(UInt32(bitPattern: c[r]))) &* 0x1D8E_4E27_C47D_124F }
        for n in numbers { h = (h ^ RowColumns.bits(n.values, n.present, r)) &* 0x5899_65CC_7537_4CC3 }
        return RowColumns.avalanche(h)
    }

    @inline(__always) private static func avalanche(_ x: UInt64) -> UInt32 {
        var h = x
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return UInt32(truncatingIfNeeded: h)
    }

    /// Whether rows `q` and `r` are equal field for field (numbers bit for bit, as
    /// ``hash(_:)`` reads them; the values not kept by their hash).
    @inline(__always) func equal(_ q: Int, _ r: Int) -> Bool {
        @inline(__always) func same(_ v: UnsafePointer<Double>, _ p: UnsafePointer<Bool>) -> Bool {
            p[q] == p[r] && (!p[q] || v[q].bitPattern == v[r].bitPattern)
        }
        guard company[q] == company[r] && day[q] == day[r] else { return false }
        if let others, others[q] != others[r] { return false }
        if let location, location[q] != location[r] { return false }
        if let cut, !same(cut.values, cut.present) { return false }
        return codes.allSatisfy { $0[q] == $0[r] } && numbers.allSatisfy { same($0.values, $0.present) }
    }
}

extension EventTable {
    /// Calls `body` with the base addresses of the columns of this table (at least one
    /// row) that the load kept, `others` (one per row) beside them, hashing every row to
    /// `forcedHash` when it is given.
    func withRowColumns<R>(others: [UInt64]?, forcedHash: UInt32? = nil, _ body: (RowColumns) -> R) -> R {
        let n = count
        func kept(_ c: TextColumn) -> [Int32]? { c.count == n ? c.codes : nil }
        func kept(_ c: StringColumn) -> [Int32]? { c.count == n ? c.dictionary?.codes : nil }
        func kept(_ c: NumericColumn) -> NumericColumn? { c.count == n ? c : nil }
        let location = kept(self.location) ?? [], cut = kept(self.cut) ?? NumericColumn()
        let codes = [kept(industry), kept(stage), kept(country), kept(source), dateAdded.count == n ? dateAdded.numbers : nil]
            .compactMap { $0 } + extra.compactMap { kept($0.values) }
        let numbers = [kept(fraction), kept(fundsRaised)].compactMap { $0 }
        return company.codes.withUnsafeBufferPointer { company in
        day.withUnsafeBufferPointer { day in
        location.withUnsafeBufferPointer { location in
        cut.values.withUnsafeBufferPointer { cutValues in
        cut.isPresent.withUnsafeBufferPointer { cutPresent in
        (others ?? []).withUnsafeBufferPointer { others in
        withBases(codes) { codes in
        withBases(numbers.map(\.values)) { values in
        withBases(numbers.map(\.isPresent)) { present in
            body(RowColumns(company: company.baseAddress!, day: day.baseAddress!,
                            location: location.isEmpty ? nil : location.baseAddress!,
                            cut: cutValues.isEmpty ? nil : (cutValues.baseAddress!, cutPresent.baseAddress!),
                            codes: codes, numbers: Array(zip(values, present)).map { (values: $0.0, present: $0.1) },
                            others: others.isEmpty ? nil : others.baseAddress!, forced: forcedHash))
        }}}}}}}}}
    }
}

/// Calls `body` with the base addresses of `arrays` (none empty).
private func withBases<T, R>(_ arrays: [[T]], _ body: ([UnsafePointer<T>]) -> R) -> R {
    func go(_ k: Int, _ bases: [UnsafePointer<T>]) -> R {
        if k == arrays.count { return body(bases) }
        return arrays[k].withUnsafeBufferPointer { go(k + 1, bases + [$0.baseAddress!]) }
    }
    return go(0, [])
}

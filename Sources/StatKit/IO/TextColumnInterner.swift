#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Dictionary-encodes text cells straight from their bytes: a repeated value is found
/// by an open-addressing table keyed by a hash of the bytes (their copies held in one
/// buffer), without building a `String`; only a new value becomes a `String`, appended to
/// the ``TextColumn``'s levels (no `String` is hashed: the column indexes such levels
/// only if a lookup by text needs them, see ``TextColumn/code(for:)``).
///
/// Use one interner per column, starting from an empty column, and add levels to that
/// column only through the interner (level `k` of the column is entry `k` here; adding a
/// level another way is a programming error that stops the program).
///
/// ```swift
/// var column = TextColumn(), interner = TextColumnInterner()
/// column.codes.append(interner.code(cellBytes, in: &column))
/// ```
public struct TextColumnInterner: Sendable {
    private var arena: [UInt8] = []
    private var ends: [Int] = []
    private var hashes: [UInt64] = []
    /// Open-addressing table. A slot holds the level's code (low 32 bits of `tagCode`)
    /// under its length (capped at 255, bits 32–39) and the high 24 bits of its hash; a
    /// value of at most 16 bytes is held in the slot itself as two words (see
    /// ``keyWords(_:_:)``: with the length they determine the bytes), a longer one by
    /// where its bytes are in `arena`. A probe of a short value touches the slot only, of
    /// a long one the slot and, when tag and length match, the bytes (one cache miss or
    /// two per lookup, which is what matters once a column has 10⁵ levels).
    private struct Slot {
        var tagCode: UInt64
        /// First key word, or the start of the bytes in `arena` (values over 16 bytes).
        var a: UInt64
        /// Second key word, or the byte count (values over 16 bytes).
        var b: UInt64
    }
    private var slots = [Slot](repeating: emptySlot, count: 64)
    private static let emptySlot = Slot(tagCode: UInt64.max, a: 0, b: 0)

    /// The tag and length part of a slot's `tagCode` for a value of `count` bytes.
    @inline(__always) private static func tagLength(hash h: UInt64, count: Int) -> UInt64 {
        (h & 0xFFFF_FF00_0000_0000) | UInt64(min(count, 255)) << 32
    }

    /// The bytes of a value of at most 16 bytes as two words (zero-padded, the last word
    /// overlapping the first for 9–16 bytes): with the length they determine the bytes.
    @inlinable @inline(__always)
    package static func keyWords(_ base: UnsafePointer<UInt8>, _ n: Int) -> (UInt64, UInt64) {
        let raw = UnsafeRawPointer(base)
        if n >= 8 {
            return (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
        }
        if n >= 4 {
            return (UInt64(raw.loadUnaligned(as: UInt32.self)) | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32, 0)
        }
        var w: UInt64 = 0
        for i in 0..<n { w = w << 8 | UInt64(base[i]) }
        return (w, 0)
    }

    /// The slot of level `code` whose bytes (`count` of them) start at `start` in `arena`.
    @inline(__always)
    private static func slot(code: Int32, hash h: UInt64, start: Int, count: Int, arena: UnsafeBufferPointer<UInt8>) -> Slot {
        let tagCode = tagLength(hash: h, count: count) | UInt64(UInt32(bitPattern: code))
        if count > 16 { return Slot(tagCode: tagCode, a: UInt64(start), b: UInt64(count)) }
        let (w0, w1) = count == 0 ? (0, 0) : keyWords(arena.baseAddress! + start, count)
        return Slot(tagCode: tagCode, a: w0, b: w1)
    }

    /// A direct-mapped cache in front of the table: each entry holds a value of at most 16
    /// bytes as two words, its length and its code, so a hit costs a few loads and
    /// compares (no hash of the bytes, no probe, no byte comparison); a longer value by its
    /// first and last 8 bytes, its length, its code and where its level's bytes are (a hit
    /// also compares the bytes in between). Columns with few distinct values (industries,
    /// countries, stages, source URLs) hit almost always;
    /// a column whose values rarely repeat soon stops using it (see ``recentCode(_:in:)``).
    @usableFromInline struct Recent: Sendable {
        /// The value's first 8 bytes, or for at most 16 its first key word.
        @usableFromInline var w0: UInt64
        /// The value's last 8 bytes, or for at most 16 its second key word.
        @usableFromInline var w1: UInt64
        /// Length << 32 | code; `UInt64.max` when empty.
        @usableFromInline var lengthCode: UInt64
        /// For a value over 16 bytes, where its level's bytes (the same bytes) start in `arena`.
        @usableFromInline var start: Int

        @usableFromInline init(w0: UInt64, w1: UInt64, lengthCode: UInt64, start: Int) {
            self.w0 = w0
            self.w1 = w1
            self.lengthCode = lengthCode
            self.start = start
        }
    }
    @usableFromInline var recent = [Recent](repeating: Recent(w0: 0, w1: 0, lengthCode: UInt64.max, start: 0), count: 256)
    private var recentMisses = 0
    @usableFromInline var recentHits = 0
    @usableFromInline var recentOn = true

    /// Codes of the levels with non-ASCII bytes by their text: canonically equivalent
    /// spellings (`Café` precomposed and decomposed) are one level, and only such text
    /// can be equivalent to a level with other bytes (see
    /// ``canonicalCode(_:in:)-(UnsafeBufferPointer<UInt8>,_)``).
    private var nonASCII: [String: Int32] = [:]

    /// An interner for an empty column.
    public init() {}

    /// ``canonicalCode(_:in:)-(UnsafeBufferPointer<UInt8>,_)`` with a cache of recent short
    /// values in front: the same codes and levels, in the same order (a value is cached
    /// only after the table gave its code, and a value's code never changes), found
    /// faster when few distinct short values repeat. At its 2,048th miss the cache is
    /// dropped for good unless it has hit at least as often (a column of many distinct
    /// values, such as company names, then pays only one check per value).
    ///
    /// Values over 16 bytes (URLs, long place names) are cached by their first and last
    /// 8 bytes and length, a hit being confirmed by comparing the bytes in between with
    /// those of the cached level (no hash of the whole value, no probe of the table).
    /// (Inlined into the caller: a hit on a short value costs no call.)
    @inlinable @inline(__always)
    public mutating func recentCode(_ bytes: UnsafeBufferPointer<UInt8>, in column: inout TextColumn) -> Int32 {
        let n = bytes.count
        guard recentOn, n <= 16, let base = bytes.baseAddress else { return otherCode(bytes, in: &column) }
        // The bytes as two words: with the length they determine the value exactly.
        let (w0, w1) = TextColumnInterner.keyWords(base, n)
        let h = (w0 &* 0x9E37_79B9_7F4A_7C15) ^ (w1 &+ UInt64(n)) &* 0xBF58_476D_1CE4_E5B9
        let i = Int(truncatingIfNeeded: h >> 56)
        // 0 ≤ i < 256, the cache's size while it is on.
        let e = recent.withUnsafeBufferPointer { $0[i] }
        if e.w0 == w0 && e.w1 == w1 && e.lengthCode >> 32 == UInt64(n) {
            recentHits &+= 1
            return Int32(truncatingIfNeeded: e.lengthCode)
        }
        return missedCode(bytes, w0, w1, i, in: &column)
    }

    /// ``recentCode(_:in:)`` for a value not served by the cache of short values: a long
    /// value while the cache is on, any value once it is off.
    @usableFromInline mutating func otherCode(_ bytes: UnsafeBufferPointer<UInt8>, in column: inout TextColumn) -> Int32 {
        if recentOn && bytes.count > 16 && bytes.baseAddress != nil { return recentLongCode(bytes, in: &column) }
        return canonicalCode(bytes, in: &column)
    }

    /// ``recentCode(_:in:)`` for a short value that missed the cache (key words `w0`, `w1`,
    /// entry `i`): from the table, then cached.
    @usableFromInline mutating func missedCode(_ bytes: UnsafeBufferPointer<UInt8>, _ w0: UInt64, _ w1: UInt64, _ i: Int,
                                               in column: inout TextColumn) -> Int32 {
        let code = canonicalCode(bytes, in: &column)
        recent[i] = Recent(w0: w0, w1: w1, lengthCode: UInt64(bytes.count) << 32 | UInt64(UInt32(bitPattern: code)), start: 0)
        recentMiss()
        return code
    }

    /// Counts a miss of the cache of recent values, dropping the cache at its 2,048th miss
    /// unless it has hit at least as often.
    @inline(__always) private mutating func recentMiss() {
        recentMisses &+= 1
        if recentMisses == 2048 && recentHits < 2048 {
            recentOn = false
            recent = []
        }
    }

    /// ``recentCode(_:in:)`` for a value over 16 bytes, while the cache is on.
    private mutating func recentLongCode(_ bytes: UnsafeBufferPointer<UInt8>, in column: inout TextColumn) -> Int32 {
        let n = bytes.count
        let raw = UnsafeRawPointer(bytes.baseAddress!)
        let w0 = raw.loadUnaligned(as: UInt64.self), w1 = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        let h = (w0 &* 0x9E37_79B9_7F4A_7C15) ^ (w1 &+ UInt64(truncatingIfNeeded: n)) &* 0xBF58_476D_1CE4_E5B9
        let i = Int(truncatingIfNeeded: h >> 56)
        let e = recent[i]
        if e.w0 == w0 && e.w1 == w1 && e.lengthCode >> 32 == UInt64(truncatingIfNeeded: n) {
            // The bytes between the first and last eight, against the level's: the words at
            // 8, 16, ... before n - 16, then the word at n - 16 (overlapping).
            let same = arena.withUnsafeBytes { a in
                let l = a.baseAddress! + e.start
                var o = 8
                while o < n &- 16 {
                    if l.loadUnaligned(fromByteOffset: o, as: UInt64.self) != raw.loadUnaligned(fromByteOffset: o, as: UInt64.self) { return false }
                    o &+= 8
                }
                return l.loadUnaligned(fromByteOffset: n &- 16, as: UInt64.self) == raw.loadUnaligned(fromByteOffset: n &- 16, as: UInt64.self)
            }
            if same {
                recentHits &+= 1
                return Int32(truncatingIfNeeded: e.lengthCode)
            }
        }
        let code = canonicalCode(bytes, in: &column)
        // Cached only when the level's bytes are these very bytes (not so for text that is
        // canonically equivalent to a level spelled otherwise), so a hit is exact.
        let k = Int(code), start = k == 0 ? 0 : ends[k - 1]
        if ends[k] - start == n && equal(start, bytes) {
            recent[i] = Recent(w0: w0, w1: w1, lengthCode: UInt64(truncatingIfNeeded: n) << 32 | UInt64(UInt32(bitPattern: code)),
                               start: start)
        }
        recentMiss()
        return code
    }

    /// The hash of a value computed ahead of its lookup (``lookahead(_:)``), whose table
    /// slot has been asked for from memory; ``code(_:lookahead:in:)`` finishes the lookup.
    package struct Lookahead: Sendable {
        let hash: UInt64
        /// 0: not hashed (the lookup goes through the cache of recent values), 1: hashed,
        /// ASCII, 2: hashed, not ASCII.
        let kind: UInt8
    }

    /// Starts the lookup of `bytes` (valid UTF-8): hashes them and prefetches their slot
    /// of the table, so that the cache miss a column of many distinct values (company
    /// names) costs at its lookup overlaps the work done in between. Does nothing while
    /// the cache of recent values serves short values (see ``recentCode(_:in:)``).
    /// Changes no code and no level: finish with ``code(_:lookahead:in:)`` on the same
    /// bytes, or later through ``deferred(_:lookahead:)`` (lookups in between are allowed:
    /// the hash stays valid, a slot moved by growth only wastes the prefetch). (Declared `mutating`, though it
    /// changes nothing, so that a call on an interner held in an array or a buffer works
    /// in place instead of on a copy, which would retain and release its storage.)
    @inline(__always)
    package mutating func lookahead(_ bytes: UnsafeBufferPointer<UInt8>) -> Lookahead {
        if recentOn && bytes.count <= 16 { return Lookahead(hash: 0, kind: 0) }
        let (h, ascii) = TextColumnInterner.hash(bytes)
        if ascii {
            slots.withUnsafeBufferPointer { s in
                let p = UnsafeRawPointer(s.baseAddress! + (Int(truncatingIfNeeded: h) & (s.count - 1)))
                // A slot is 24 bytes: it may span two cache lines.
                internerPrefetch(p, 0, 3, 1)
                internerPrefetch(p + (MemoryLayout<Slot>.stride - 1), 0, 3, 1)
            }
        }
        return Lookahead(hash: h, kind: ascii ? 1 : 2)
    }

    /// The code ``recentCode(_:in:)`` gives `bytes`, from the lookup ``lookahead(_:)``
    /// started on them (same codes, same levels in the same order).
    @inline(__always)
    package mutating func code(_ bytes: UnsafeBufferPointer<UInt8>, lookahead: Lookahead, in column: inout TextColumn) -> Int32 {
        switch lookahead.kind {
        case 0: return recentCode(bytes, in: &column)
        case 1: return code(bytes, hash: lookahead.hash, in: &column)
        default: return canonicalCode(bytes, in: &column)
        }
    }

    /// A value of 1–16 ASCII bytes whose lookup was started (``lookahead(_:)``) and is to
    /// be finished later, after the value's bytes may be gone: the bytes as two words
    /// (``keyWords(_:_:)``), their count and hash. ``code(_:in:)-(Deferred,_)`` finishes it.
    package struct Deferred: Sendable {
        let w0: UInt64
        let w1: UInt64
        let count: Int
        let hash: UInt64

        init(w0: UInt64, w1: UInt64, count: Int, hash: UInt64) {
            self.w0 = w0
            self.w1 = w1
            self.count = count
            self.hash = hash
        }
    }

    /// The lookup ``lookahead(_:)`` started on `bytes`, kept for later (`nil` unless the
    /// value was hashed and is ASCII of 1–16 bytes: finish those with
    /// ``code(_:lookahead:in:)`` at once). A loop that finishes each row's lookup only at
    /// the next row gives the prefetched slot a whole row's time to arrive. Finishing
    /// deferred lookups in the order of their values, before any other lookup in this
    /// interner, gives the same codes and levels in the same order as finishing each at
    /// once (lookaheads started in between change nothing).
    /// (Declared `mutating`, though it changes nothing, for the reason ``lookahead(_:)`` is.)
    @inline(__always)
    package mutating func deferred(_ bytes: UnsafeBufferPointer<UInt8>, lookahead: Lookahead) -> Deferred? {
        let n = bytes.count
        guard lookahead.kind == 1, n >= 1, n <= 16, let base = bytes.baseAddress else { return nil }
        let (w0, w1) = TextColumnInterner.keyWords(base, n)
        return Deferred(w0: w0, w1: w1, count: n, hash: lookahead.hash)
    }

    /// The code of the value of a deferred lookup (see ``deferred(_:lookahead:)``): the
    /// code ``code(_:lookahead:in:)`` would have given its bytes, adding a level when new.
    package mutating func code(_ d: Deferred, in column: inout TextColumn) -> Int32 {
        let tag = TextColumnInterner.tagLength(hash: d.hash, count: d.count)
        let found: (code: Int32, slot: Int) = slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var i = Int(truncatingIfNeeded: d.hash) & mask
            while true {
                let s = slots[i]
                if s.tagCode == UInt64.max { return (-1, i) }
                if s.tagCode & 0xFFFF_FFFF_0000_0000 == tag && s.a == d.w0 && s.b == d.w1 {
                    return (Int32(truncatingIfNeeded: s.tagCode), i)
                }
                i = (i + 1) & mask
            }
        }
        if found.code >= 0 { return found.code }
        // A new value: its bytes, back from the key words (stored as they were loaded), are
        // added where the probe ended.
        let n = d.count
        return withUnsafeTemporaryAllocation(byteCount: 16, alignment: 8) { b in
            if n >= 8 {
                b.storeBytes(of: d.w0, toByteOffset: 0, as: UInt64.self)
                b.storeBytes(of: d.w1, toByteOffset: n - 8, as: UInt64.self)
            } else if n >= 4 {
                b.storeBytes(of: UInt32(truncatingIfNeeded: d.w0), toByteOffset: 0, as: UInt32.self)
                b.storeBytes(of: UInt32(truncatingIfNeeded: d.w0 >> 32), toByteOffset: n - 4, as: UInt32.self)
            } else {
                for k in 0..<n { b[k] = UInt8(truncatingIfNeeded: d.w0 >> (8 * (n - 1 - k))) }
            }
            let bytes = UnsafeBufferPointer(start: b.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n)
            return insert(bytes, hash: d.hash, at: found.slot, in: &column)
        }
    }

    /// The column's code of `bytes` (which must be valid UTF-8), adding a level when new.
    /// Does not append the code to the column's `codes`.
    public mutating func code(_ bytes: ArraySlice<UInt8>, in column: inout TextColumn) -> Int32 {
        bytes.withUnsafeBufferPointer { code($0, in: &column) }
    }

    /// ``code(_:in:)-(ArraySlice<UInt8>,_)`` on bytes in place.
    public mutating func code(_ bytes: UnsafeBufferPointer<UInt8>, in column: inout TextColumn) -> Int32 {
        code(bytes, hash: TextColumnInterner.hash(bytes).hash, in: &column)
    }

    /// ``code(_:in:)`` with the hash of `bytes` already computed.
    mutating func code(_ bytes: UnsafeBufferPointer<UInt8>, hash h: UInt64, in column: inout TextColumn) -> Int32 {
        let found = probe(bytes, hash: h)
        if found.code >= 0 { return found.code }
        return insert(bytes, hash: h, at: found.slot, in: &column)
    }

    /// Adds `bytes` (hash `h`), not yet a level, as the next level, in the empty `slot`
    /// its probe ended at.
    private mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, hash h: UInt64, at slot: Int,
                                 in column: inout TextColumn) -> Int32 {
        let n = bytes.count
        precondition(column.levels.count == ends.count, "a TextColumn level was added outside its interner")
        let code = Int32(ends.count)
        let text = String(decoding: bytes, as: UTF8.self)
        column.levels.append(text)
        if !TextColumnInterner.isASCII(bytes) { nonASCII[text] = code }
        let start = arena.count
        arena.append(contentsOf: bytes)
        ends.append(arena.count)
        hashes.append(h)
        let tagCode = TextColumnInterner.tagLength(hash: h, count: n) | UInt64(UInt32(bitPattern: code))
        let (a, b) = n > 16 ? (UInt64(start), UInt64(n)) : n == 0 ? (0, 0) : TextColumnInterner.keyWords(bytes.baseAddress!, n)
        slots[slot] = Slot(tagCode: tagCode, a: a, b: b)
        if ends.count * 2 > slots.count { grow() }
        return code
    }

    /// The code of the level with the bytes `bytes` (hash `h`), or -1 and the empty slot
    /// where it would go.
    @inline(__always)
    private func probe(_ bytes: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> (code: Int32, slot: Int) {
        let n = bytes.count
        let tag = TextColumnInterner.tagLength(hash: h, count: n)
        var w0: UInt64 = 0, w1: UInt64 = 0
        if n <= 16, n > 0, let base = bytes.baseAddress { (w0, w1) = TextColumnInterner.keyWords(base, n) }
        return slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var i = Int(truncatingIfNeeded: h) & mask
            while true {
                let s = slots[i]
                if s.tagCode == UInt64.max { return (-1, i) }
                if s.tagCode & 0xFFFF_FFFF_0000_0000 == tag
                    && (n <= 16 ? s.a == w0 && s.b == w1 : s.b == UInt64(n) && equal(Int(s.a), bytes)) {
                    return (Int32(truncatingIfNeeded: s.tagCode), i)
                }
                i = (i + 1) & mask
            }
        }
    }

    /// Whether `arena[start..<start + b.count]` equals `b`.
    private func equal(_ start: Int, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        arena.withUnsafeBufferPointer { a in
            do {
                let n = b.count
                guard n > 0, let pa = a.baseAddress, let pb = b.baseAddress else { return true }
                if n > 32 { return memcmp(pa + start, pb, n) == 0 }
                // Short values (most categories): compare 8 bytes at a time, no call.
                let ra = UnsafeRawPointer(pa + start), rb = UnsafeRawPointer(pb)
                var i = 0
                if n >= 8 {
                    // Whole words, then the last eight bytes (overlapping the last word).
                    while i + 8 < n {
                        if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
                        i += 8
                    }
                    return ra.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == rb.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
                }
                if n >= 4 {
                    return ra.loadUnaligned(as: UInt32.self) == rb.loadUnaligned(as: UInt32.self)
                        && ra.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == rb.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
                }
                while i < n { if pa[start + i] != pb[i] { return false }; i += 1 }
                return true
            }
        }
    }

    /// Whether every byte of `b` is ASCII.
    package static func isASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var high: UInt8 = 0
        for x in b { high |= x }
        return high < 0x80
    }

    private mutating func grow() {
        let size = slots.count * 2
        // A table of many levels is probed at random: in huge pages (where the system
        // offers them on request) a probe costs no TLB miss, and the table fewer page faults.
        slots = [Slot](unsafeUninitializedCapacity: size) { buffer, count in
            if size * MemoryLayout<Slot>.stride >= 4 << 20 { adviseHugePages(UnsafeMutableRawBufferPointer(buffer)) }
            buffer.initialize(repeating: TextColumnInterner.emptySlot)
            count = size
        }
        let mask = size - 1
        slots.withUnsafeMutableBufferPointer { table in
            hashes.withUnsafeBufferPointer { hashes in
                ends.withUnsafeBufferPointer { ends in
                    arena.withUnsafeBufferPointer { arena in
                        for k in 0..<ends.count {
                            var i = Int(truncatingIfNeeded: hashes[k]) & mask
                            while table[i].tagCode != UInt64.max { i = (i + 1) & mask }
                            let start = k == 0 ? 0 : ends[k - 1]
                            table[i] = TextColumnInterner.slot(code: Int32(k), hash: hashes[k], start: start, count: ends[k] - start, arena: arena)
                        }
                    }
                }
            }
        }
    }

    /// 64-bit FNV-1a-like mixing of 8-byte words (short values in one word, the tail as
    /// an overlapping last word) and the length, with a final avalanche (not for adversarial input;
    /// collisions only cost a comparison); also whether every byte is ASCII, found in the
    /// same pass.
    package static func hash(_ p: UnsafeBufferPointer<UInt8>) -> (hash: UInt64, ascii: Bool) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var high: UInt64 = 0
        var i = 0
        let n = p.count
        if let base = p.baseAddress {
            let raw = UnsafeRawPointer(base)
            @inline(__always) func mix(_ w: UInt64) {
                high |= w
                h = (h ^ w) &* 0x100_0000_01b3
                h ^= h >> 29
            }
            if n >= 8 {
                // Whole words, then the last eight bytes (overlapping the last word).
                while i + 8 < n {
                    mix(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                    i += 8
                }
                mix(raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
            } else if n >= 4 {
                mix(UInt64(raw.loadUnaligned(as: UInt32.self))
                    | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32)
            } else {
                var w: UInt64 = 0
                while i < n { w = w << 8 | UInt64(base[i]); i += 1 }
                mix(w)
            }
        }
        h ^= UInt64(n)
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return (h, high & 0x8080_8080_8080_8080 == 0)
    }
}

/// LLVM's prefetch intrinsic: a hint that brings the cache line at `address` in ahead of
/// use (read, keep in all cache levels, data cache). It changes no value.
@_silgen_name("llvm.prefetch.p0")
private func internerPrefetch(_ address: UnsafeRawPointer, _ readWrite: Int32, _ locality: Int32, _ cacheType: Int32)

extension TextColumnInterner {
    /// ``code(_:in:)-(ArraySlice<UInt8>,_)`` for any valid UTF-8 text, including text that is canonically
    /// equivalent to an earlier level but spelled with different bytes.
    ///
    /// `TextColumn` levels are `String`s, which compare by canonical equivalence, while
    /// the interner matches bytes: `Café` typed precomposed (`C3 A9`) and decomposed
    /// (`65 CC 81`, as macOS file names and some exports write it) are one level but two
    /// byte strings, and interning the second one would add no level and stop the
    /// program. Text with non-ASCII bytes is therefore first looked up as a `String`
    /// (the fast byte path is kept for ASCII text). The only characters whose canonical
    /// form is ASCII, U+212A KELVIN SIGN (`K`), U+037E GREEK QUESTION MARK (`;`) and
    /// U+1FEF GREEK VARIA (the backtick, U+0060), are interned under their ASCII form so that a later
    /// ASCII spelling finds them on the byte path.
    public mutating func canonicalCode(_ bytes: ArraySlice<UInt8>, in column: inout TextColumn) -> Int32 {
        bytes.withUnsafeBufferPointer { canonicalCode($0, in: &column) }
    }

    /// ``canonicalCode(_:in:)-(ArraySlice<UInt8>,_)`` on bytes in place.
    public mutating func canonicalCode(_ bytes: UnsafeBufferPointer<UInt8>, in column: inout TextColumn) -> Int32 {
        let (h, isASCII) = TextColumnInterner.hash(bytes)
        if isASCII { return code(bytes, hash: h, in: &column) }
        let text = String(decoding: bytes, as: UTF8.self)
        if let c = nonASCII[text] { return c }
        guard let ascii = TextColumnInterner.asciiFolded(text) else { return code(bytes, hash: h, in: &column) }
        return ascii.withUnsafeBufferPointer { code($0, in: &column) }
    }

    /// The ASCII bytes `text` is canonically equivalent to when its only non-ASCII
    /// characters are the three whose canonical decomposition is one ASCII character
    /// (KELVIN SIGN → K, GREEK QUESTION MARK → ;, GREEK VARIA → `); `nil` for other text.
    package static func asciiFolded(_ text: String) -> [UInt8]? {
        var ascii: [UInt8] = []
        ascii.reserveCapacity(text.utf8.count)
        for s in text.unicodeScalars {
            switch s.value {
            case 0..<0x80: ascii.append(UInt8(s.value))
            case 0x212A: ascii.append(UInt8(ascii: "K"))
            case 0x037E: ascii.append(UInt8(ascii: ";"))
            case 0x1FEF: ascii.append(UInt8(ascii: "`"))
            default: return nil
            }
        }
        return ascii
    }

    /// The bytes of level `code` (the spelling it was added with).
    package func withLevelBytes<R>(_ code: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let start = code == 0 ? 0 : ends[code - 1]
        return arena.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<ends[code]])) }
    }

    /// Number of levels.
    package var levelCount: Int { ends.count }

    /// Makes room for `levels` more levels of `bytes` bytes in all, so that the arrays of
    /// levels do not move (and copy themselves) as they grow; memory is committed only
    /// as levels are added, so the room may be generous.
    package mutating func reserve(levels: Int, bytes: Int) {
        arena.reserveCapacity(arena.count + bytes)
        ends.reserveCapacity(ends.count + levels)
        hashes.reserveCapacity(hashes.count + levels)
    }

    /// ``existingCode(ofLevel:in:)`` of every level of `other`, in order (-1 where none):
    /// the table slot of the level 16 ahead is asked for from memory before each lookup,
    /// so that the lookups of a column of many levels overlap their cache misses.
    package func existingCodes(of other: TextColumnInterner) -> [Int32] {
        let n = other.levelCount
        return [Int32](unsafeUninitializedCapacity: n) { out, count in
            slots.withUnsafeBufferPointer { s in
                other.hashes.withUnsafeBufferPointer { hashes in
                    let mask = s.count - 1
                    for k in 0..<n {
                        if k + 16 < n {
                            let p = UnsafeRawPointer(s.baseAddress! + (Int(truncatingIfNeeded: hashes[k + 16]) & mask))
                            internerPrefetch(p, 0, 3, 1)
                            internerPrefetch(p + (MemoryLayout<Slot>.stride - 1), 0, 3, 1)
                        }
                        out[k] = existingCode(ofLevel: k, in: other) ?? -1
                    }
                }
            }
            count = n
        }
    }

    /// The code of level `k`'s text among this interner's levels (canonically equivalent
    /// spellings included), found by the level's bytes and hash in `other`, or `nil`;
    /// adds nothing. For merging parts of a column without interning them anew.
    package func existingCode(ofLevel k: Int, in other: TextColumnInterner) -> Int32? {
        other.withLevelBytes(k) { bytes -> Int32? in
            if TextColumnInterner.isASCII(bytes) {
                let c = probe(bytes, hash: other.hashes[k]).code
                return c >= 0 ? c : nil
            }
            let text = String(decoding: bytes, as: UTF8.self)
            if let c = nonASCII[text] { return c }
            // Text whose canonical form is ASCII was interned folded (see
            // ``canonicalCode(_:in:)-(UnsafeBufferPointer<UInt8>,_)``): a level here never
            // has such bytes, but look the folded form up all the same.
            guard let ascii = TextColumnInterner.asciiFolded(text) else { return nil }
            return ascii.withUnsafeBufferPointer { b in
                let c = probe(b, hash: TextColumnInterner.hash(b).hash).code
                return c >= 0 ? c : nil
            }
        }
    }
}

/// Asks the system to back the whole 2 MiB pages of `memory` (not yet touched) with huge
/// pages (Linux `MADV_HUGEPAGE`; elsewhere nothing): for tables probed at random, where
/// each probe of a table of small pages would miss the TLB.
func adviseHugePages(_ memory: UnsafeMutableRawBufferPointer) {
    #if os(Linux)
    guard let base = memory.baseAddress else { return }
    let huge = 2 << 20
    let first = (Int(bitPattern: base) + huge - 1) / huge * huge
    let last = (Int(bitPattern: base) + memory.count) / huge * huge
    if last > first { _ = madvise(UnsafeMutableRawPointer(bitPattern: first), last - first, MADV_HUGEPAGE) }
    #endif
}

import StatKit

/// Reads the records of an events file into rows, following an ``EventPlan``: the one
/// parse loop of every events layout, run by ``SegmentedCSVParse`` on each segment.
///
/// A record's numbers and dates are read and checked first, in the layout's order, each
/// into its lane of the staging block (or into the hash of the columns not kept); a record
/// with a problem is reported and left out (its staged values are overwritten by the next
/// record). Only then is its text stored, so that dictionary levels appear in the order
/// of the rows kept: codes of dictionary-encoded columns, spans of text stored as written,
/// and last the key's code, whose lookup was started (its table slot fetched from memory)
/// when the record was first read.
struct EventRecordParser: CSVRecordParser {
    let plan: EventPlan
    /// The plan's columns, by ``Live/column`` (their words, for problems).
    let columns: [EventColumn]
    /// Fractions' `expected`, for the plan's percent scale.
    let fractionExpected: String
    let days = DayReader()
    var checker: RowChecker

    init(plan: EventPlan, file: String) {
        self.plan = plan
        columns = plan.checks.map(\.column) + plan.texts.map(\.column) + [plan.key.column]
        checker = RowChecker(file: file, header: plan.header)
        fractionExpected = plan.percentScale == 1
            ? "a fraction between 0 and 1 (for percents, set the percent scale to 100)"
            : "a percent between 0 and 100"
    }

    /// A step of the plan with the address of its lane in the staging block (a plain value:
    /// copied in the loop without reference counting).
    private struct Live {
        enum Kind: UInt8 { case day, optionalDay, count, fraction, amount, dictionary, spans, hashedText }
        let kind: Kind
        let field: Int
        /// Staging block of the lane (numbers: values; presence at `present`); `nil` when hashed.
        let lane: UnsafeMutableRawPointer?
        let present: UnsafeMutableRawPointer?
        /// Its dictionary or text buffer, or for hashed text its cache of hashes.
        let ordinal: Int
        /// Index in ``EventRecordParser/columns``.
        let column: Int
        /// Field read where this one is empty, or -1.
        let fallback: Int
        /// A required date: whether `present` holds its flags of a fallback taken.
        let flagsFallback: Bool
        /// An optional date that the event's own date may not be later than.
        let capsDate: Bool
    }

    private func live(_ s: EventPlan.Step, column: Int, cache: inout Int, _ staging: [UnsafeMutableRawPointer]) -> Live {
        var lane: UnsafeMutableRawPointer?, present: UnsafeMutableRawPointer?
        if case .lane(let l) = s.store {
            lane = staging[l]
            if l + 1 < staging.count { present = staging[l + 1] }
        }
        let kind: Live.Kind
        switch s.column.value {
        case .date(let required): kind = required ? .day : .optionalDay
        case .count: kind = .count
        case .fraction: kind = .fraction
        case .amount: kind = .amount
        case .text: kind = lane == nil ? .hashedText : s.dictionary ? .dictionary : .spans
        }
        var ordinal = s.ordinal
        if kind == .hashedText {
            ordinal = cache
            cache += 1
        }
        return Live(kind: kind, field: s.field, lane: lane, present: present, ordinal: ordinal, column: column, fallback: s.fallback,
                    flagsFallback: s.flagsFallback, capsDate: s.column.capsDate)
    }

    mutating func parse(_ reader: CSVReader, into segment: CSVSegment) throws(CSVError) {
        let rows = segment.rows
        var caches = 0
        let checks = plan.checks.enumerated().map { live($1, column: $0, cache: &caches, rows.staging) }
        let texts = plan.texts.enumerated().map { live($1, column: plan.checks.count + $0, cache: &caches, rows.staging) }
        let key = live(plan.key, column: columns.count - 1, cache: &caches, rows.staging)
        let keyLane = key.lane!.assumingMemoryBound(to: Int32.self)
        let line = rows.staging[plan.lineLane].assumingMemoryBound(to: Int32.self)
        let others = plan.othersLane.map { rows.staging[$0].assumingMemoryBound(to: UInt64.self) }
        let hashes = TextHashCache(columns: caches)
        let width = plan.header.count, scale = plan.percentScale, blockRows = SegmentRows.blockRows
        let missingSpan = StringColumn.missingSpan
        var excluded: [String: Int] = [:], records = 0, failure: CSVError?
        swap(&checker.problems, &segment.problems)
        swap(&excluded, &segment.excluded)
        defer {
            swap(&checker.problems, &segment.problems)
            swap(&excluded, &segment.excluded)
            segment.records += records
        }
        // The segment's dictionaries and buffers in place for the loop (an array element's
        // mutation would check the array's uniqueness at each lookup).
        if segment.records == 0 {
            // Room for the keys of the segment, so that the arrays of a column of many
            // companies do not copy themselves as they grow (pages are committed only as
            // they fill): a level per 64 bytes of the file at most, 16 bytes each.
            let rows = max(0, segment.expectedBytes) / 64
            segment.interners[key.ordinal].reserve(levels: rows, bytes: 16 * rows)
            segment.levels[key.ordinal].levels.reserveCapacity(rows)
        }
        segment.interners.withUnsafeMutableBufferPointer { interners in
        segment.levels.withUnsafeMutableBufferPointer { levels in
        segment.texts.withUnsafeMutableBufferPointer { buffers in
        checks.withUnsafeBufferPointer { checks in
        texts.withUnsafeBufferPointer { texts in
            // Rows staged, and the key of the last one when its lookup is finished only at
            // the next row (or before a flush), so that its prefetched table slot has a
            // whole row's time to arrive; keys are still interned in row order.
            var r = 0
            var pending: (row: Int, value: TextColumnInterner.Deferred)?
            defer {
                if let p = pending { keyLane[p.row] = interners[key.ordinal].code(p.value, in: &levels[key.ordinal]) }
                rows.flush(r)
            }
            while true {
                do throws(CSVError) { guard try reader.next() else { return } } catch { failure = error; return }
                records += 1
                let n = reader.recordLine
                if reader.fieldCount != width {
                    let before = checker.problems.count
                    checker.reportRagged(line: n, actual: reader.fieldCount)
                    countByFirstReason(checker.problems[before...], into: &excluded)
                    continue
                }
                // The fields as views of the reader's buffer (no copies, no reference
                // counting): valid until the next record.
                let f = reader.fields
                let before = checker.problems.count
                var keyBytes = trimmedField(f[key.field])
                if keyBytes.isEmpty && key.fallback >= 0 { keyBytes = trimmedField(f[key.fallback]) }
                if keyBytes.isEmpty {
                    let c = columns[key.column]
                    checker.report(line: n, column: key.field, value: f[key.field], issue: "is missing",
                                   expected: c.expected, reason: "missing \(c.noun)")
                }
                // Its slot of the table is fetched while the other fields are read (with
                // thousands of companies it is seldom in cache); interned last.
                let keyAhead = interners[key.ordinal].lookahead(keyBytes)
                var hash: UInt64 = 0x243F_6A88_85A3_08D3
                var dateBytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0), day: Day?
                var dateField = 0, fellBack = false
                for s in checks {
                    let cell = f[s.field]
                    switch s.kind {
                    case .day:
                        var b = trimmedField(cell)
                        fellBack = b.isEmpty && s.fallback >= 0
                        if fellBack { b = trimmedField(f[s.fallback]) }
                        if s.flagsFallback { s.present!.assumingMemoryBound(to: Bool.self)[r] = fellBack }
                        dateField = s.field
                        dateBytes = b
                        day = days.parse(b)
                        if let d = day {
                            s.lane!.assumingMemoryBound(to: Day.self)[r] = d
                        } else {
                            let c = columns[s.column]
                            if b.isEmpty {
                                checker.report(line: n, column: s.field, value: cell, issue: "is missing",
                                               expected: "a date, " + c.expected, reason: "missing \(c.noun)")
                            } else {
                                checker.report(line: n, column: s.field, value: cell, issue: "is not a date",
                                               expected: c.expected, reason: "invalid \(c.noun)")
                            }
                        }
                    case .optionalDay:
                        var number = OptionalDayColumn.missing
                        if !isMissingDomainValue(cell) {
                            let b = trimmedField(cell)
                            // Usually the same text as the date: the same day, unparsed.
                            if let d = DayReader.sameBytes(b, dateBytes) ? day : days.parse(b) {
                                number = d.number
                            } else {
                                let c = columns[s.column]
                                checker.report(line: n, column: s.field, value: cell, issue: "is not a date",
                                               expected: c.expected, reason: "invalid \(c.noun)")
                            }
                        }
                        if s.capsDate, !fellBack, number != OptionalDayColumn.missing, let d = day, d.number > number {
                            checker.report(line: n, column: dateField, value: f[dateField],
                                           issue: "is after \(plan.header[s.field]) (\(Day(number: number)))",
                                           expected: "a date on or before the day the notice was first seen",
                                           reason: "date after \(plan.header[s.field])")
                        }
                        if let lane = s.lane { lane.assumingMemoryBound(to: Int32.self)[r] = number } else { EventRecordParser.mix(&hash, UInt64(UInt32(bitPattern: number))) }
                    case .count, .fraction, .amount:
                        var value: Double?
                        if !isMissingDomainValue(cell) {
                            value = number(cell, s, line: n, scale: scale)
                        }
                        if let lane = s.lane {
                            lane.assumingMemoryBound(to: Double.self)[r] = value ?? 0
                            s.present!.assumingMemoryBound(to: Bool.self)[r] = value != nil
                        } else {
                            EventRecordParser.mix(&hash, value?.bitPattern ?? 0x7FF8_0000_0000_0001)
                        }
                    case .dictionary, .spans, .hashedText:
                        break
                    }
                }
                if checker.problems.count > before {
                    countByFirstReason(checker.problems[before...], into: &excluded)
                    continue
                }
                // Interned in file order (levels in order of first appearance, each column
                // its own), then staged.
                for s in texts {
                    let b = trimmedField(f[s.field])
                    switch s.kind {
                    case .dictionary:
                        s.lane!.assumingMemoryBound(to: Int32.self)[r] = b.isEmpty ? -1 : interners[s.ordinal].recentCode(b, in: &levels[s.ordinal])
                    case .spans:
                        s.lane!.assumingMemoryBound(to: UInt64.self)[r] = b.isEmpty ? missingSpan : StringColumn.append(b, to: &buffers[s.ordinal])
                        EventRecordParser.mix(&hash, EventRecordParser.textHash(b))
                    default:
                        EventRecordParser.mix(&hash, hashes.hash(b, column: s.ordinal))
                    }
                }
                // The previous row's key first (row order), then this row's, now or at the next row.
                if let p = pending {
                    keyLane[p.row] = interners[key.ordinal].code(p.value, in: &levels[key.ordinal])
                    pending = nil
                }
                if let d = interners[key.ordinal].deferred(keyBytes, lookahead: keyAhead) {
                    pending = (r, d)
                } else {
                    keyLane[r] = interners[key.ordinal].code(keyBytes, lookahead: keyAhead, in: &levels[key.ordinal])
                }
                line[r] = Int32(truncatingIfNeeded: n)
                others?[r] = hash
                r += 1
                if r == blockRows {
                    if let p = pending {
                        keyLane[p.row] = interners[key.ordinal].code(p.value, in: &levels[key.ordinal])
                        pending = nil
                    }
                    rows.flush(r)
                    r = 0
                }
            }
        }}}}}
        if let failure { throw failure }
    }

    /// The number in `cell` (not missing) as column `s` reads it, reported when invalid.
    @inline(__always)
    private mutating func number(_ cell: UnsafeBufferPointer<UInt8>, _ s: Live, line: Int, scale: Double) -> Double? {
        switch s.kind {
        case .count:
            guard let v = CSVValue.plainDecimal(cell) ?? CSVValue.groupedDouble(cell) else {
                return report(cell, s, line: line, "is not a number", "invalid")
            }
            if v < 0 { return report(cell, s, line: line, "is negative", "negative") }
            if !isWholeNumber(v) { return report(cell, s, line: line, "is not a whole number", "non-integer") }
            return v
        case .fraction:
            guard let v = CSVValue.plainDecimal(cell) ?? CSVValue.double(cell) else {
                return report(cell, s, line: line, "is not a number", "invalid")
            }
            let x = scale == 1 ? v : v / scale // v / 1 is v: no division
            if x < 0 || x > 1 { return report(cell, s, line: line, "is out of range", "out of range") }
            return x
        default:
            guard let v = CSVValue.plainDecimal(cell) ?? CSVValue.groupedDouble(cell, currency: true) else {
                return report(cell, s, line: line, "is not a number", "invalid")
            }
            if v < 0 { return report(cell, s, line: line, "is negative", "negative") }
            return v
        }
    }

    /// Reports `cell` of number column `s` as a problem (`issue`; the reason `qualifier`
    /// and the column's noun: `invalid count`, `fraction out of range`), returning `nil`.
    private mutating func report(_ cell: UnsafeBufferPointer<UInt8>, _ s: Live, line: Int, _ issue: String, _ qualifier: String) -> Double? {
        let c = columns[s.column]
        let reason = qualifier == "out of range" ? "\(c.noun) out of range" : "\(qualifier) \(c.noun)"
        checker.report(line: line, column: s.field, value: cell, issue: issue, expected: s.kind == .fraction ? fractionExpected : c.expected,
                       reason: reason)
        return nil
    }

    /// Folds `x` into the running hash of a row's values not kept as codes or numbers.
    @inline(__always) static func mix(_ h: inout UInt64, _ x: UInt64) {
        h = (h ^ x) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
    }

    /// A hash of a text value (trimmed) equal for equal `String`s: of the bytes for ASCII
    /// text (and for text whose only non-ASCII characters are the three whose canonical
    /// form is ASCII, folded to it, as ``TextColumnInterner`` folds them); of the `String`,
    /// whose hash follows canonical equivalence, for other text. A missing value has its own.
    static func textHash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let base = b.baseAddress, !b.isEmpty else { return 0x6A09_E667_F3BC_C908 }
        let (h, ascii) = bytesHash(base, b.count)
        if ascii { return h }
        let text = String(decoding: b, as: UTF8.self)
        guard let folded = TextColumnInterner.asciiFolded(text) else {
            var hasher = Hasher()
            hasher.combine(text)
            return UInt64(bitPattern: Int64(hasher.finalize()))
        }
        return folded.withUnsafeBufferPointer { bytesHash($0.baseAddress!, $0.count).hash }
    }

    /// A 64-bit hash of `n` bytes (at least 1) at `p`, and whether they are all ASCII:
    /// 16 bytes a step in two independent lanes (long values such as URLs hash at twice
    /// the speed of one chain), the last 1–16 bytes as overlapping words, then the length
    /// and an avalanche (not for adversarial input: a collision only costs a comparison).
    @inline(__always) static func bytesHash(_ p: UnsafePointer<UInt8>, _ n: Int) -> (hash: UInt64, ascii: Bool) {
        let raw = UnsafeRawPointer(p)
        var a: UInt64 = 0x9E37_79B9_7F4A_7C15, b: UInt64 = 0xC2B2_AE3D_27D4_EB4F, high: UInt64 = 0
        @inline(__always) func step(_ h: inout UInt64, _ w: UInt64) {
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 31
        }
        var i = 0
        while i + 16 < n {
            let w0 = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self), w1 = raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
            high |= w0 | w1
            step(&a, w0)
            step(&b, w1)
            i += 16
        }
        // The last 1–16 bytes, as the key words of a short value (overlapping what came before).
        let (w0, w1) = n >= 16 ? (raw.loadUnaligned(fromByteOffset: n - 16, as: UInt64.self), raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
            : TextColumnInterner.keyWords(p + i, n - i)
        high |= w0 | w1
        step(&a, w0)
        step(&b, w1)
        var h = a ^ (b &* 0xC4CE_B9FE_1A85_EC53) ^ UInt64(n)
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        // keyWords of fewer than 8 bytes packs them whole (no byte above 0x7F is lost).
        return (h, high & 0x8080_8080_8080_8080 == 0)
    }
}

/// Hashes of the recent short values (up to 16 bytes) of the text columns that are hashed,
/// not kept: values that repeat (places, industries) are hashed once per entry of a
/// direct-mapped cache per column keyed by their bytes, as ``TextColumnInterner`` caches
/// their codes. (Entries in memory of its own: a lookup checks no array's uniqueness.)
final class TextHashCache {
    private struct Entry {
        var w0: UInt64 = 0, w1: UInt64 = 0
        /// Length; `Int.max` when empty.
        var count = Int.max
        var hash: UInt64 = 0
    }
    private static var size: Int { 256 }
    private let entries: UnsafeMutablePointer<Entry>

    /// Caches for `columns` columns.
    init(columns: Int) {
        entries = .allocate(capacity: max(1, columns) * TextHashCache.size)
        entries.initialize(repeating: Entry(), count: max(1, columns) * TextHashCache.size)
    }

    deinit { entries.deallocate() }

    /// ``EventRecordParser/textHash(_:)`` of `b`, a value of column `column`.
    @inline(__always) func hash(_ b: UnsafeBufferPointer<UInt8>, column: Int) -> UInt64 {
        let n = b.count
        guard n > 0, n <= 16, let base = b.baseAddress else { return EventRecordParser.textHash(b) }
        let (w0, w1) = TextColumnInterner.keyWords(base, n)
        let i = Int(truncatingIfNeeded: ((w0 &* 0x9E37_79B9_7F4A_7C15) ^ (w1 &+ UInt64(n)) &* 0xBF58_476D_1CE4_E5B9) >> 56)
        let e = entries + (column &* TextHashCache.size &+ i)
        if e.pointee.w0 == w0 && e.pointee.w1 == w1 && e.pointee.count == n { return e.pointee.hash }
        let h = EventRecordParser.textHash(b)
        e.pointee = Entry(w0: w0, w1: w1, count: n, hash: h)
        return h
    }
}

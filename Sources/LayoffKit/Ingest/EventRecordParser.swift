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
    /// Fractions' `expected`, for the plan's percent scale.
    let fractionExpected: String
    var days = DayReader()
    var checker: RowChecker

    init(plan: EventPlan, file: String) {
        self.plan = plan
        checker = RowChecker(file: file, header: plan.header)
        fractionExpected = plan.percentScale == 1
            ? "a fraction between 0 and 1 (for percents, set the percent scale to 100)"
            : "a percent between 0 and 100"
    }

    /// A step of the plan with the address of its lane in the staging block.
    private struct Live {
        enum Kind: UInt8 { case day, optionalDay, count, fraction, amount, dictionary, spans, hashedText }
        let kind: Kind
        let field: Int
        /// Staging block of the lane (numbers: values; presence at `present`); `nil` when hashed.
        let lane: UnsafeMutableRawPointer?
        let present: UnsafeMutableRawPointer?
        let ordinal: Int
        let column: EventColumn
    }

    private func live(_ s: EventPlan.Step, _ staging: [UnsafeMutableRawPointer]) -> Live {
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
        return Live(kind: kind, field: s.field, lane: lane, present: present, ordinal: s.ordinal, column: s.column)
    }

    mutating func parse(_ reader: CSVReader, into segment: CSVSegment) throws(CSVError) {
        let rows = segment.rows
        let checks = plan.checks.map { live($0, rows.staging) }, texts = plan.texts.map { live($0, rows.staging) }
        let key = live(plan.key, rows.staging)
        let line = rows.staging[plan.lineLane].assumingMemoryBound(to: Int32.self)
        let others = plan.othersLane.map { rows.staging[$0].assumingMemoryBound(to: UInt64.self) }
        let width = plan.header.count, scale = plan.percentScale
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
        segment.interners.withUnsafeMutableBufferPointer { interners in
        segment.levels.withUnsafeMutableBufferPointer { levels in
        segment.texts.withUnsafeMutableBufferPointer { buffers in
        checks.withUnsafeBufferPointer { checks in
        texts.withUnsafeBufferPointer { texts in
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
                let r = rows.staged
                let keyBytes = trimmedField(f[key.field])
                if keyBytes.isEmpty {
                    checker.report(line: n, column: key.field, value: f[key.field], issue: "is missing",
                                   expected: key.column.expected, reason: "missing \(key.column.noun)")
                }
                // Its slot of the table is fetched while the other fields are read (with
                // thousands of companies it is seldom in cache); interned last.
                let keyAhead = interners[key.ordinal].lookahead(keyBytes)
                var hash: UInt64 = 0x243F_6A88_85A3_08D3
                var dateBytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0), day: Day?
                for s in checks {
                    let cell = f[s.field]
                    switch s.kind {
                    case .day:
                        let b = trimmedField(cell)
                        dateBytes = b
                        day = days.parse(b)
                        if let d = day {
                            s.lane!.assumingMemoryBound(to: Day.self)[r] = d
                        } else if b.isEmpty {
                            checker.report(line: n, column: s.field, value: cell, issue: "is missing",
                                           expected: "a date, " + s.column.expected, reason: "missing \(s.column.noun)")
                        } else {
                            checker.report(line: n, column: s.field, value: cell, issue: "is not a date",
                                           expected: s.column.expected, reason: "invalid \(s.column.noun)")
                        }
                    case .optionalDay:
                        var number = OptionalDayColumn.missing
                        if !isMissingDomainValue(cell) {
                            let b = trimmedField(cell)
                            // Usually the same text as the date: the same day, unparsed.
                            if let d = DayReader.sameBytes(b, dateBytes) ? day : days.parse(b) {
                                number = d.number
                            } else {
                                checker.report(line: n, column: s.field, value: cell, issue: "is not a date",
                                               expected: s.column.expected, reason: "invalid \(s.column.noun)")
                            }
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
                        s.lane!.assumingMemoryBound(to: UInt64.self)[r] = b.isEmpty ? StringColumn.missingSpan : StringColumn.append(b, to: &buffers[s.ordinal])
                        EventRecordParser.mix(&hash, EventRecordParser.textHash(b))
                    default:
                        EventRecordParser.mix(&hash, EventRecordParser.textHash(b))
                    }
                }
                key.lane!.assumingMemoryBound(to: Int32.self)[r] = interners[key.ordinal].code(keyBytes, lookahead: keyAhead, in: &levels[key.ordinal])
                line[r] = Int32(truncatingIfNeeded: n)
                others?[r] = hash
                rows.commit()
            }
        }}}}}
        if let failure { throw failure }
    }

    /// The number in `cell` (not missing) as column `s` reads it, reported when invalid.
    @inline(__always)
    private mutating func number(_ cell: UnsafeBufferPointer<UInt8>, _ s: Live, line: Int, scale: Double) -> Double? {
        let c = s.column
        switch s.kind {
        case .count:
            guard let v = CSVValue.plainDecimal(cell) ?? CSVValue.groupedDouble(cell) else {
                checker.report(line: line, column: s.field, value: cell, issue: "is not a number", expected: c.expected, reason: "invalid \(c.noun)")
                return nil
            }
            if v < 0 {
                checker.report(line: line, column: s.field, value: cell, issue: "is negative", expected: c.expected, reason: "negative \(c.noun)")
                return nil
            }
            if !isWholeNumber(v) {
                checker.report(line: line, column: s.field, value: cell, issue: "is not a whole number", expected: c.expected, reason: "non-integer \(c.noun)")
                return nil
            }
            return v
        case .fraction:
            guard let v = CSVValue.plainDecimal(cell) ?? CSVValue.double(cell) else {
                checker.report(line: line, column: s.field, value: cell, issue: "is not a number", expected: fractionExpected, reason: "invalid \(c.noun)")
                return nil
            }
            let x = scale == 1 ? v : v / scale // v / 1 is v: no division
            if x < 0 || x > 1 {
                checker.report(line: line, column: s.field, value: cell, issue: "is out of range", expected: fractionExpected, reason: "\(c.noun) out of range")
                return nil
            }
            return x
        default:
            guard let v = CSVValue.plainDecimal(cell) ?? CSVValue.groupedDouble(cell, currency: true) else {
                checker.report(line: line, column: s.field, value: cell, issue: "is not a number", expected: c.expected, reason: "invalid \(c.noun)")
                return nil
            }
            if v < 0 {
                checker.report(line: line, column: s.field, value: cell, issue: "is negative", expected: c.expected, reason: "negative \(c.noun)")
                return nil
            }
            return v
        }
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
        if b.isEmpty { return 0x6A09_E667_F3BC_C908 }
        let (h, ascii) = TextColumnInterner.hash(b)
        if ascii { return h }
        let text = String(decoding: b, as: UTF8.self)
        var folded: [UInt8] = []
        for s in text.unicodeScalars {
            switch s.value {
            case 0..<0x80: folded.append(UInt8(s.value))
            case 0x212A: folded.append(UInt8(ascii: "K"))
            case 0x037E: folded.append(UInt8(ascii: ";"))
            case 0x1FEF: folded.append(UInt8(ascii: "`"))
            default:
                var hasher = Hasher()
                hasher.combine(text)
                return UInt64(bitPattern: Int64(hasher.finalize()))
            }
        }
        return folded.withUnsafeBufferPointer { TextColumnInterner.hash($0).hash }
    }
}

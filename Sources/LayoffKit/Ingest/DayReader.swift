#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StatKit

/// Parses dates as ``Day/parse(_:)-(UnsafeBufferPointer<UInt8>)`` does, faster: the fixed
/// patterns of an event file (`M/D/YYYY` with one- or two-digit month and day, and
/// `YYYY-MM-DD`, 8–10 bytes of digits and two separators in place) are read directly and
/// turned into a day through a table of month starts for years 1900–2155; anything else
/// (other years, other shapes, invalid text) goes to `Day.parse`. Results are exactly
/// `Day.parse`'s (the tests compare them on valid and invalid text).
struct DayReader {
    /// First year of the month table.
    static let firstYear = 1900
    /// Day number of the 1st of each month, `(year - firstYear) * 12 + month - 1`, for 256
    /// years, with the month's length in the low 5 bits (`number << 5 | length`).
    /// Built once for the process; each reader keeps a reference (no lazy-global check per
    /// date).
    private static let table: [Int32] = (0..<(256 * 12)).map { k in
        let y = DayReader.firstYear + k / 12, m = k % 12 + 1
        return Day(year: y, month: m, day: 1)!.number << 5 | Int32(Day.daysInMonth(year: y, month: m))
    }
    private let months = DayReader.table

    @inline(__always) func parse(_ b: UnsafeBufferPointer<UInt8>) -> Day? {
        let n = b.count
        guard n >= 8 && n <= 10, let p = b.baseAddress else { return Day.parse(b) }
        @inline(__always) func digit(_ i: Int) -> Int { Int(p[i] &- 48) }
        var month = 0, day = 0, year = 0
        var bad = 0 // the OR of digit + 6 over the digits read: 16 or more when one is not a digit
        if p[n - 5] == 47 {
            // M/D/YYYY, MM/D/YYYY, M/DD/YYYY, MM/DD/YYYY.
            let y0 = digit(n - 4), y1 = digit(n - 3), y2 = digit(n - 2), y3 = digit(n - 1)
            bad = (y0 + 6) | (y1 + 6) | (y2 + 6) | (y3 + 6)
            year = ((y0 * 10 + y1) * 10 + y2) * 10 + y3
            let m0 = digit(0)
            bad |= m0 + 6
            if p[1] == 47 {
                month = m0
                let d0 = digit(2)
                bad |= d0 + 6
                if n == 9 { let d1 = digit(3); bad |= d1 + 6; day = d0 * 10 + d1 } else if n == 8 { day = d0 } else { return Day.parse(b) }
            } else if p[2] == 47 {
                let m1 = digit(1)
                bad |= m1 + 6
                month = m0 * 10 + m1
                let d0 = digit(3)
                bad |= d0 + 6
                if n == 10 { let d1 = digit(4); bad |= d1 + 6; day = d0 * 10 + d1 } else if n == 9 { day = d0 } else { return Day.parse(b) }
            } else {
                return Day.parse(b)
            }
        } else if n == 10 && p[4] == 45 && p[7] == 45 {
            // YYYY-MM-DD.
            let y0 = digit(0), y1 = digit(1), y2 = digit(2), y3 = digit(3)
            let m0 = digit(5), m1 = digit(6), d0 = digit(8), d1 = digit(9)
            bad = (y0 + 6) | (y1 + 6) | (y2 + 6) | (y3 + 6) | (m0 + 6) | (m1 + 6) | (d0 + 6) | (d1 + 6)
            year = ((y0 * 10 + y1) * 10 + y2) * 10 + y3
            month = m0 * 10 + m1
            day = d0 * 10 + d1
        } else {
            return Day.parse(b)
        }
        // A digit is 0–9, so digit + 6 is 6–15; any other byte (below '0' it wraps to 208 or
        // more, above '9' it is 10 or more) gives 16 or more, and so does the OR.
        guard bad < 16 else { return Day.parse(b) }
        let k = (year - DayReader.firstYear) * 12 + month - 1
        guard year >= DayReader.firstYear, k < months.count, month >= 1, month <= 12 else { return Day.parse(b) }
        let entry = months[k]
        guard day >= 1, day <= Int(entry & 31) else { return nil }
        return Day(number: (entry >> 5) + Int32(day - 1))
    }

    /// Whether `a` and `b` hold the same bytes.
    @inline(__always) static func sameBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = a.count
        guard n == b.count else { return false }
        guard n > 0, let pa = a.baseAddress, let pb = b.baseAddress else { return true }
        if n >= 8 && n <= 16 {
            let ra = UnsafeRawPointer(pa), rb = UnsafeRawPointer(pb)
            return ra.loadUnaligned(as: UInt64.self) == rb.loadUnaligned(as: UInt64.self)
                && ra.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == rb.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        return memcmp(pa, pb, n) == 0
    }
}

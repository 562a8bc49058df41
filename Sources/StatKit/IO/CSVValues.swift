/// Byte-level parsers for CSV cell values, shared by the table and domain loaders.
public enum CSVValue {
    /// Whether `field` is one of the missing-value tokens of ``DataTable/init(csv:)``:
    /// the empty string, `NA`, `N/A`, `NaN` or `null`, in any letter case, possibly
    /// surrounded by spaces.
    public static func isMissingToken(_ field: ArraySlice<UInt8>) -> Bool {
        field.withUnsafeBufferPointer { isMissingToken($0) }
    }

    /// ``isMissingToken(_:)-(ArraySlice<UInt8>)`` on bytes in place.
    public static func isMissingToken(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        let t = trimmed(field)
        if t.isEmpty { return true }
        guard t.count <= 4, let first = t.first, first | 0x20 == 0x6E else { return false } // starts with n/N
        // Pack the lowercased bytes into one word: "na" = 0x6E61, "n/a" = 0x6E2F61, ...
        var word: UInt32 = 0
        for c in t { word = word << 8 | UInt32(c >= 65 && c <= 90 ? c + 32 : c) }
        return word == 0x6E61 || word == 0x6E2F61 || word == 0x6E616E || word == 0x6E75_6C6C
    }

    /// `field` without leading and trailing ASCII spaces and tabs.
    public static func trimmed(_ field: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var a = field.startIndex, b = field.endIndex
        while a < b && (field[a] == 32 || field[a] == 9) { a += 1 }
        while b > a && (field[b - 1] == 32 || field[b - 1] == 9) { b -= 1 }
        return field[a..<b]
    }

    /// `field` without leading and trailing ASCII spaces and tabs (a view of the same bytes).
    @inlinable
    public static func trimmed(_ field: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        // Most fields start and end with a byte above the space: nothing to trim.
        if let p = field.baseAddress, field.count > 0, p[0] > 32, p[field.count - 1] > 32 { return field }
        var a = 0, b = field.count
        while a < b && (field[a] == 32 || field[a] == 9) { a += 1 }
        while b > a && (field[b - 1] == 32 || field[b - 1] == 9) { b -= 1 }
        return UnsafeBufferPointer(rebasing: field[a..<b])
    }

    private static let exactPowers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses a finite decimal number: optional sign, digits with an optional decimal
    /// point, optional exponent (`-1.5e3`), surrounded by optional spaces. Returns `nil`
    /// for anything else, including `inf`, `nan`, hexadecimal, thousands separators and
    /// values that overflow. Correctly rounded (a fast exact path for up to 15
    /// significant digits and small exponents, the standard library otherwise).
    public static func double(_ field: ArraySlice<UInt8>) -> Double? {
        field.withUnsafeBufferPointer { double($0) }
    }

    /// ``double(_:)-(ArraySlice<UInt8>)`` on bytes in place.
    public static func double(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
        if let v = plainDecimal(field) { return v }
        return generalDouble(field)
    }

    /// The value of a field made only of 1–15 digits and at most one decimal point
    /// (`13`, `99.0`, `0.03`, `.5`), the common case of ``double(_:)-(UnsafeBufferPointer<UInt8>)``;
    /// `nil` for anything else (which the general parser then reads). Computed with the
    /// same operations as the general parser's exact path (the digits as an integer,
    /// divided by a power of ten), so the result has the same bits.
    @inlinable
    public static func plainDecimal(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = field.count
        guard n >= 1 && n <= 16, let p = field.baseAddress else { return nil }
        // The digits before the point, then those after it: no check for a second point
        // in the first loop, none of the point's position in the second.
        var mantissa: UInt64 = 0
        var i = 0
        while i < n {
            let d = p[i] &- 48
            if d >= 10 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i &+= 1
        }
        // At most 16 digits: below 2⁶³, so the signed conversion (one instruction) is the
        // unsigned one.
        if i == n { return n <= 15 ? Double(Int64(bitPattern: mantissa)) : nil }
        guard p[i] == 46, n >= 2 else { return nil } // "." alone is no number
        var j = i &+ 1
        while j < n {
            let d = p[j] &- 48
            if d >= 10 { return nil }
            mantissa = mantissa &* 10 &+ UInt64(d)
            j &+= 1
        }
        return Double(Int64(bitPattern: mantissa)) / powerOfTen(n &- 1 &- i)
    }

    /// 10^k for 0 ≤ k ≤ 15, exactly (every 10^k up to 10^22 is a double): the general
    /// parser's table entry, as a switch the compiler turns into a constant table (no
    /// global's access in inlined code).
    @inlinable @inline(__always)
    static func powerOfTen(_ k: Int) -> Double {
        switch k {
        case 0: return 1e0
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        default: return 1e15
        }
    }

    /// The general path of ``double(_:)-(UnsafeBufferPointer<UInt8>)``.
    static func generalDouble(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
        let s = trimmed(field)
        var i = 0
        let e = s.count
        guard i < e else { return nil }
        var negative = false
        if s[i] == 45 || s[i] == 43 { negative = s[i] == 45; i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0, significant = 0, scale = 0
        var exactMantissa = true
        while i < e, s[i] >= 48, s[i] <= 57 {
            let d = UInt64(s[i] - 48)
            if significant > 0 || d != 0 { significant += 1 }
            if significant <= 19 { mantissa = mantissa &* 10 &+ d } else { scale += 1; if d != 0 { exactMantissa = false } }
            digits += 1; i += 1
        }
        if i < e, s[i] == 46 {
            i += 1
            while i < e, s[i] >= 48, s[i] <= 57 {
                let d = UInt64(s[i] - 48)
                if significant > 0 || d != 0 { significant += 1 }
                if significant <= 19 { mantissa = mantissa &* 10 &+ d; scale -= 1 } else if d != 0 { exactMantissa = false }
                digits += 1; i += 1
            }
        }
        guard digits > 0 else { return nil }
        var exponent = 0
        if i < e, s[i] == 101 || s[i] == 69 {
            i += 1
            var expNegative = false
            if i < e, s[i] == 45 || s[i] == 43 { expNegative = s[i] == 45; i += 1 }
            var expDigits = 0
            while i < e, s[i] >= 48, s[i] <= 57 {
                if exponent < 100_000 { exponent = exponent * 10 + Int(s[i] - 48) }
                expDigits += 1; i += 1
            }
            guard expDigits > 0 else { return nil }
            if expNegative { exponent = -exponent }
        }
        guard i == e else { return nil }
        let p = scale + exponent
        if exactMantissa && significant <= 15 && p >= -22 && p <= 22 {
            var v = Double(mantissa)
            if p >= 0 { v *= exactPowers[p] } else { v /= exactPowers[-p] }
            return negative ? -v : v
        }
        guard let v = Double(String(decoding: s, as: UTF8.self)), v.isFinite else { return nil }
        return v
    }

    /// Parses a number that may carry thousands separators (`16,000`, `1,234.5`) and, when
    /// `currency` is true, a leading `$` (`$1,200`). Separators must group exactly three
    /// digits (`1,00` is rejected). Returns `nil` for anything else.
    public static func groupedDouble(_ field: ArraySlice<UInt8>, currency: Bool = false) -> Double? {
        field.withUnsafeBufferPointer { groupedDouble($0, currency: currency) }
    }

    /// ``groupedDouble(_:currency:)-(ArraySlice<UInt8>,_)`` on bytes in place.
    public static func groupedDouble(_ field: UnsafeBufferPointer<UInt8>, currency: Bool = false) -> Double? {
        // Plain digits (the common case) read the same with or without separators allowed.
        if let v = plainDecimal(field) { return v }
        var s = trimmed(field)
        var negative = false
        if let f = s.first, f == 45 { negative = true; s = UnsafeBufferPointer(rebasing: s.dropFirst()) }
        if currency, let f = s.first, f == 36 { s = UnsafeBufferPointer(rebasing: s.dropFirst()) }
        guard !s.isEmpty else { return nil }
        if !s.contains(44) {
            if !currency && !negative { return double(s) }
            if let f = s.first, f == 45 || f == 43 { return nil }
            return double(s).map { negative ? -$0 : $0 }
        }
        // Integer part with separators: 1-3 digits, then groups of ",ddd".
        let intEnd = s.firstIndex(of: 46) ?? s.endIndex
        var plain: [UInt8] = []
        var run = 0, groups = 0
        for c in s[s.startIndex..<intEnd] {
            if c == 44 {
                if (groups == 0 && (run < 1 || run > 3)) || (groups > 0 && run != 3) { return nil }
                groups += 1; run = 0
            } else if c >= 48 && c <= 57 {
                plain.append(c); run += 1
            } else {
                return nil
            }
        }
        guard groups > 0, run == 3 else { return nil }
        plain.append(contentsOf: s[intEnd...])
        return plain.withUnsafeBufferPointer { double($0) }.map { negative ? -$0 : $0 }
    }
}

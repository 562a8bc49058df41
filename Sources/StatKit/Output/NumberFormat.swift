#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Deterministic, locale-free number formatting for every output format of the report.
///
/// Every function here produces the same bytes on every machine and in every locale:
/// the decimal separator is always `.`, the thousands separator is always `,`, the minus
/// sign is always ASCII `-` (U+002D), and negative zero is never shown (`-0.00` prints as
/// `0.00`) except by ``shortest(_:)``, which must round-trip.
///
/// A missing value — `nil`, NaN or ±infinity — prints as ``missing`` (`n/a`) in human-facing
/// formats; the machine formats (JSON, CSV) use `null` and an empty cell instead.
public enum NumberFormat {
    /// The text shown for a missing or non-finite value: `n/a`.
    public static let missing = "n/a"

    // MARK: Shortest round-trip

    /// The shortest decimal text that parses back to exactly `x` (same bits), in a form
    /// that is a valid JSON number and a valid Swift/C/Python float literal.
    ///
    /// - Integer-valued doubles print without a fraction: `16000`, `-3`, `0`.
    /// - Exponents are written without `+` or leading zeros: `1e-5`, `1.5e20`, `5e-324`.
    /// - Negative zero prints as `-0` (it round-trips; JSON allows it).
    ///
    /// Returns `nil` for NaN and ±infinity, which have no JSON representation.
    public static func shortest(_ x: Double) -> String? {
        guard x.isFinite else { return nil }
        // Swift's `description` is the shortest round-trip text (SwiftDtoa), locale-free.
        let text = x.description
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            var mantissa = String(text[..<e])
            if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
            var exponent = Substring(text[text.index(after: e)...])
            var negative = false
            if exponent.first == "+" { exponent = exponent.dropFirst() }
            else if exponent.first == "-" { negative = true; exponent = exponent.dropFirst() }
            while exponent.count > 1, exponent.first == "0" { exponent = exponent.dropFirst() }
            return mantissa + "e" + (negative ? "-" : "") + exponent
        }
        if text.hasSuffix(".0") { return String(text.dropLast(2)) }
        return text
    }

    // MARK: Fixed decimals

    /// `x` with exactly `decimals` digits after the point, optionally grouped in thousands.
    ///
    /// Rounding is correct rounding of the exact binary value, ties to even — the same as
    /// C `printf("%.*f")`, Python's `format` and R's `sprintf`. So `2.675` (stored as
    /// 2.67499999…) prints as `2.67` and the exact tie `0.125` prints as `0.12`.
    /// A result that rounds to zero never carries a minus sign.
    ///
    /// - Parameters:
    ///   - x: The value; `nil` or non-finite prints as ``missing``.
    ///   - decimals: Digits after the decimal point, clamped to `0...30`.
    ///   - grouping: Insert `,` between groups of three integer digits (`27,000.5`).
    public static func fixed(_ x: Double?, decimals: Int, grouping: Bool = false) -> String {
        guard let x, x.isFinite else { return missing }
        let d = min(max(decimals, 0), 30)
        let (negative, intPart, fracPart) = fixedParts(x, decimals: d)
        var out = negative ? "-" : ""
        out += grouping ? group(intPart) : intPart
        if d > 0 { out += "." + fracPart }
        return out
    }

    /// An integer with thousands separators: `27000` → `27,000`, `-1234567` → `-1,234,567`.
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        return (n < 0 ? "-" : "") + group(digits)
    }

    /// An optional integer with thousands separators; `nil` prints as ``missing``.
    public static func grouped(_ n: Int?) -> String {
        guard let n else { return missing }
        return grouped(n)
    }

    // MARK: Percent

    /// A fraction as a percentage: `0.123` → `12.3%`, or `+12.3%` with `alwaysSign`.
    ///
    /// The sign is ASCII: `-4.0%`, `+12.3%`. A value that rounds to zero prints without
    /// a sign (`0.0%`), even with `alwaysSign`.
    ///
    /// - Parameters:
    ///   - fraction: The value as a fraction (1.0 is 100%); `nil`/non-finite → ``missing``.
    ///   - decimals: Digits after the point (default 1).
    ///   - alwaysSign: Prefix positive values with `+` (for changes).
    public static func percent(_ fraction: Double?, decimals: Int = 1, alwaysSign: Bool = false) -> String {
        guard let fraction, fraction.isFinite else { return missing }
        let body = fixed(fraction * 100, decimals: decimals, grouping: true)
        if alwaysSign, !body.hasPrefix("-"), body.contains(where: { $0 >= "1" && $0 <= "9" }) {
            return "+" + body + "%"
        }
        return body + "%"
    }

    // MARK: Significant digits

    /// `x` to `digits` significant digits, for coefficient tables (statsmodels/R style).
    ///
    /// Values with magnitude in `[1e-4, 1e15)` print in fixed notation with trailing zeros
    /// kept (`0.01230`, `1.235`, `123.5`); integer digits are never replaced by zeros, so
    /// `123456` prints as `123456`. Smaller or larger values use scientific notation with
    /// `digits` significant digits and a plain exponent (`3.200e-30`, `1.235e15`).
    /// Zero prints as `0` followed by `digits - 1` decimals (`0.000`).
    public static func significant(_ x: Double?, digits: Int = 4) -> String {
        guard let x, x.isFinite else { return missing }
        let sig = min(max(digits, 1), 17)
        if x == 0 { return fixed(0, decimals: sig - 1) }
        let magnitude = abs(x)
        if magnitude >= 1e-4 && magnitude < 1e15 {
            // Exponent of the value after rounding to `sig` significant digits.
            var e = Int((log10(magnitude)).rounded(.down))
            var decimals = max(0, sig - 1 - e)
            let rounded = fixed(magnitude, decimals: decimals)
            // Rounding may carry into a new digit (9.9996 → 10.000); drop one decimal.
            let intDigits = rounded.prefix { $0 != "." }
            if intDigits != "0", intDigits.count > e + 1 { e += 1; decimals = max(0, sig - 1 - e) }
            return fixed(x, decimals: decimals)
        }
        return scientific(x, digits: sig)
    }

    /// `x` in scientific notation with `digits` significant digits: `3.2e-30`, `-1.50e6`.
    ///
    /// The exponent has no `+` and no leading zeros; the mantissa keeps trailing zeros
    /// (they are significant). `nil`/non-finite prints as ``missing``.
    public static func scientific(_ x: Double?, digits: Int = 2) -> String {
        guard let x, x.isFinite else { return missing }
        let sig = min(max(digits, 1), 17)
        if x == 0 { return fixed(0, decimals: sig - 1) + "e0" }
        let buffer = cFormat("%.*e", precision: sig - 1, x)
        // buffer is like "-3.20e-30" in the C locale; rebuild it locale-free.
        guard let e = buffer.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return buffer }
        let mantissaDigits = buffer[..<e].filter { $0.isASCII && $0.isNumber }
        let exponent = Int(String(buffer[buffer.index(after: e)...])) ?? 0
        var mantissa = String(mantissaDigits.prefix(1))
        if sig > 1 { mantissa += "." + mantissaDigits.dropFirst() }
        return (x < 0 ? "-" : "") + mantissa + "e" + String(exponent)
    }

    // MARK: p-values

    /// A p-value that never prints a positive p as zero.
    ///
    /// - `p >= 0.001`: three decimals (`0.042`, `0.001`, `1.000`).
    /// - `0 < p < 0.001`: two significant digits in scientific notation (`3.2e-30`, `1.0e-4`).
    /// - `p == 0` (underflow): `<1e-300`.
    /// - `nil`, NaN, negative or above 1: ``missing``.
    public static func pValue(_ p: Double?) -> String {
        guard let p, p.isFinite, p >= 0, p <= 1 else { return missing }
        if p == 0 { return "<1e-300" }
        // Values just under 0.001 that would round up to "0.001" stay in scientific form.
        if p >= 0.001 { return fixed(p, decimals: 3) }
        return scientific(p, digits: 2)
    }

    // MARK: Helpers

    /// Sign, integer digits and fraction digits of `x` rounded to `decimals` places.
    static func fixedParts(_ x: Double, decimals: Int) -> (negative: Bool, int: String, frac: String) {
        let text = cFormat("%.*f", precision: decimals, x)
        // Locale-proof: keep only the digits; the last `decimals` are the fraction.
        let digits = text.filter { $0.isASCII && $0.isNumber }
        let intCount = digits.count - decimals
        var intPart = String(digits.prefix(intCount))
        if intPart.isEmpty { intPart = "0" }
        let fracPart = String(digits.suffix(decimals))
        let isZero = !digits.contains { $0 != "0" }
        return (x.sign == .minus && !isZero, intPart, fracPart)
    }

    /// Inserts `,` every three digits from the right of a digit string.
    static func group(_ digits: String) -> String {
        let chars = Array(digits)
        guard chars.count > 3 else { return digits }
        var out = ""
        out.reserveCapacity(chars.count + chars.count / 3)
        for (i, c) in chars.enumerated() {
            if i > 0 && (chars.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    /// C `snprintf` with a single precision argument and one double. The C library's
    /// conversion is exact (correctly rounded); only the decimal-point character can
    /// depend on the locale, and callers strip it.
    static func cFormat(_ format: String, precision: Int, _ x: Double) -> String {
        let capacity = 400 + precision
        var buffer = [CChar](repeating: 0, count: capacity)
        _ = withVaList([Int32(precision), x]) { args in
            buffer.withUnsafeMutableBufferPointer { buf in
                vsnprintf(buf.baseAddress!, capacity, format, args)
            }
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

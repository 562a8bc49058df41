/// A real number carried as the unevaluated sum `hi + lo` of two doubles with
/// `|lo| ≤ ½ulp(hi)`: about 106 significant bits, the extended precision of StatKit's
/// least squares (the QR factorization of ill-conditioned designs, residuals, `Xᵀr`).
///
/// Built from error-free transformations (Knuth's TwoSum, and TwoProduct by a fused
/// multiply-add or Dekker's splitting), so every operation is ordinary double arithmetic
/// and gives the same bits on every platform. Error bounds (Joldes, Muller, Popescu 2017,
/// "Tight and rigorous error bounds for basic building blocks of double-word arithmetic"):
/// sum ≤ 3u², product ≤ 7u², quotient ≤ 15u², square root ≤ 4u², with `u = 2⁻⁵³`.
public struct DoubleDouble: Sendable, Hashable, CustomStringConvertible {
    /// The leading part, `hi = fl(hi + lo)`.
    public var hi: Double
    /// The trailing part.
    public var lo: Double

    /// `hi + lo`, which must already be normalised (`hi = fl(hi + lo)`).
    @inlinable public init(hi: Double, lo: Double) { self.hi = hi; self.lo = lo }
    /// A double, exactly.
    @inlinable public init(_ x: Double) { hi = x; lo = 0 }
    /// The pair of an error-free sum or product, `sum + error` (already normalised).
    @inlinable public init(normalising pair: (sum: Double, error: Double)) { hi = pair.sum; lo = pair.error }

    /// Zero.
    public static let zero = DoubleDouble(0)

    /// The nearest double.
    @inlinable public var value: Double { hi + lo }
    public var description: String { "\(hi) + \(lo)" }

    /// `(s, e)` with `s = fl(a + b)` and `s + e = a + b` exactly (Knuth, 6 flops).
    @inlinable @inline(__always)
    public static func twoSum(_ a: Double, _ b: Double) -> (sum: Double, error: Double) {
        let s = a + b
        let bb = s - a
        return (s, (a - (s - bb)) + (b - bb))
    }

    /// `(s, e)` with `s = fl(a + b)` and `s + e = a + b` exactly, given `|a| ≥ |b|` or `a = 0`.
    @inlinable @inline(__always)
    public static func quickTwoSum(_ a: Double, _ b: Double) -> (sum: Double, error: Double) {
        let s = a + b
        return (s, b - (s - a))
    }

    /// `(p, e)` with `p = fl(a·b)` and `p + e = a·b` exactly (no overflow or underflow).
    ///
    /// With a fused multiply-add where the target has one in hardware; on x86-64, whose
    /// baseline target has none (a fused multiply-add would be a call into the C library),
    /// by Dekker's splitting unless the package is built with `-DSTATKIT_PORTABLE`. Both
    /// are exact, so they return the same pair.
    @inlinable @inline(__always)
    public static func twoProduct(_ a: Double, _ b: Double) -> (product: Double, error: Double) {
        let p = a * b
        #if arch(x86_64) && !STATKIT_PORTABLE
        let (ah, al) = split(a), (bh, bl) = split(b)
        return (p, ((ah * bh - p) + ah * bl + al * bh) + al * bl)
        #else
        return (p, (-p).addingProduct(a, b))
        #endif
    }

    /// Dekker's splitting: `a = hi + lo` with both halves of at most 26 significant bits.
    @inlinable @inline(__always)
    public static func split(_ a: Double) -> (hi: Double, lo: Double) {
        let c = 134_217_729.0 * a   // 2²⁷ + 1
        let hi = c - (c - a)
        return (hi, a - hi)
    }

    @inlinable @inline(__always)
    public static func + (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble {
        let (s, e) = twoSum(a.hi, b.hi)
        let (t, f) = twoSum(a.lo, b.lo)
        let (s1, e1) = quickTwoSum(s, e + t)
        let (s2, e2) = quickTwoSum(s1, e1 + f)
        return DoubleDouble(hi: s2, lo: e2)
    }

    @inlinable @inline(__always)
    public static prefix func - (a: DoubleDouble) -> DoubleDouble { DoubleDouble(hi: -a.hi, lo: -a.lo) }

    @inlinable @inline(__always)
    public static func - (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble { a + (-b) }

    @inlinable @inline(__always)
    public static func * (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble {
        let (p, e) = twoProduct(a.hi, b.hi)
        let (s, f) = quickTwoSum(p, e + (a.hi * b.lo + a.lo * b.hi))
        return DoubleDouble(hi: s, lo: f)
    }

    /// `a·b` for a double `b`.
    @inlinable @inline(__always)
    public static func * (a: DoubleDouble, b: Double) -> DoubleDouble {
        let (p, e) = twoProduct(a.hi, b)
        let (s, f) = quickTwoSum(p, e + a.lo * b)
        return DoubleDouble(hi: s, lo: f)
    }

    @inlinable
    public static func / (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble {
        let q1 = a.hi / b.hi
        let r = a - b * q1
        let q2 = r.hi / b.hi
        let r2 = r - b * q2
        let q3 = r2.hi / b.hi
        let (s, e) = quickTwoSum(q1, q2)
        return DoubleDouble(hi: s, lo: e) + DoubleDouble(q3)
    }

    /// The square root (0 for 0; NaN for a negative number).
    @inlinable
    public func squareRoot() -> DoubleDouble {
        if hi <= 0 { return DoubleDouble(hi == 0 ? 0 : .nan) }
        let s = hi.squareRoot()
        // One Newton step from the double root: √x ≈ s + (x − s²)/(2s).
        let (p, e) = DoubleDouble.twoProduct(s, s)
        let r = self - DoubleDouble(hi: p, lo: e)
        let (h, l) = DoubleDouble.quickTwoSum(s, r.hi / (2 * s))
        return DoubleDouble(hi: h, lo: l)
    }

    /// The magnitude.
    @inlinable public var magnitude: DoubleDouble { hi < 0 || (hi == 0 && lo < 0) ? -self : self }

    @inlinable public static func += (a: inout DoubleDouble, b: DoubleDouble) { a = a + b }
    @inlinable public static func -= (a: inout DoubleDouble, b: DoubleDouble) { a = a - b }

    /// `self` multiplied by `2^k` (exact unless it overflows or underflows).
    @inlinable public func scaled(by k: Int) -> DoubleDouble {
        DoubleDouble(hi: Double(sign: .plus, exponent: k, significand: hi), lo: Double(sign: .plus, exponent: k, significand: lo))
    }
}

extension DoubleDouble: Comparable {
    @inlinable public static func < (a: DoubleDouble, b: DoubleDouble) -> Bool {
        a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo)
    }
}

/// A column-major matrix of ``DoubleDouble`` stored as two `Double` arrays (leading and
/// trailing parts), the layout the extended-precision QR kernel works on.
struct DoubleDoubleMatrix: Sendable, Equatable {
    var rows: Int
    var columns: Int
    var hi: [Double]
    var lo: [Double]

    init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        hi = [Double](repeating: 0, count: rows * columns)
        lo = [Double](repeating: 0, count: rows * columns)
    }

    subscript(i: Int, j: Int) -> DoubleDouble {
        get { DoubleDouble(hi: hi[i + j * rows], lo: lo[i + j * rows]) }
        set { hi[i + j * rows] = newValue.hi; lo[i + j * rows] = newValue.lo }
    }
}

/// Sums and dot products of long double-precision vectors computed as if in twice the
/// precision, then kept as a ``DoubleDouble`` (Ogita, Rump, Oishi 2005, "Accurate sum and
/// dot product": Sum2 and Dot2). Every product is split into its rounded value and its
/// exact error (``DoubleDouble/twoProduct(_:_:)``), every addition into its sum and exact
/// error (``DoubleDouble/twoSum(_:_:)``); the errors are added up in a second accumulator.
/// Kept unrounded, the result is off by at most about `γ²ₙ·Σ|aᵢbᵢ|` (u = 2⁻⁵³, γₙ ≈ nu;
/// their Proposition 5.5 without the final rounding): as accurate as accumulating in
/// double-double, at a fraction of its cost.
///
/// The elements are taken four at a time in independent lanes (SIMD), so the work is
/// vectorized and no addition waits for the previous one; the lanes are combined in a
/// fixed order at the end, so the result is the same bits on every run and platform.
enum CompensatedSums {
    private typealias Lanes = SIMD4<Double>
    private static let width = 4

    /// `Σ aᵢ` over `count` elements.
    static func sum(_ a: UnsafePointer<Double>, count n: Int) -> DoubleDouble {
        var sh = Lanes(repeating: 0), sl = Lanes(repeating: 0)
        var i = 0
        while i + width <= n {
            let x = load(a, i)
            let (s, q) = twoSum(sh, x)
            sh = s
            sl += q
            i += width
        }
        var (h, l) = combine(sh, sl)
        while i < n {
            let (s, q) = DoubleDouble.twoSum(h, a[i])
            h = s
            l += q
            i += 1
        }
        return DoubleDouble(normalising: DoubleDouble.twoSum(h, l))
    }

    /// `Σ (aᵢ + αᵢ)(bᵢ + βᵢ)` over `count` elements, with `α = aLow` and `β = bLow` the
    /// trailing parts of double-double operands (`nil`: zero). The product of the two
    /// trailing parts, below `u²` of each term, is left out.
    static func dot(_ a: UnsafePointer<Double>, _ aLow: UnsafePointer<Double>?,
                    _ b: UnsafePointer<Double>, _ bLow: UnsafePointer<Double>?, count n: Int) -> DoubleDouble {
        // One loop per combination of trailing parts, so the inner loops carry no test.
        switch (aLow, bLow) {
        case (nil, nil): return dot(a, a, b, b, count: n, aLow: false, bLow: false)
        case (let al?, nil): return dot(a, al, b, b, count: n, aLow: true, bLow: false)
        case (nil, let bl?): return dot(a, a, b, bl, count: n, aLow: false, bLow: true)
        case (let al?, let bl?): return dot(a, al, b, bl, count: n, aLow: true, bLow: true)
        }
    }

    @inline(__always)
    private static func dot(_ a: UnsafePointer<Double>, _ al: UnsafePointer<Double>,
                            _ b: UnsafePointer<Double>, _ bl: UnsafePointer<Double>, count n: Int,
                            aLow: Bool, bLow: Bool) -> DoubleDouble {
        var sh = Lanes(repeating: 0), sl = Lanes(repeating: 0)
        var i = 0
        while i + width <= n {
            let x = load(a, i), y = load(b, i)
            let (p, e) = twoProduct(x, y)
            let (s, q) = twoSum(sh, p)
            sh = s
            var low = e
            if bLow { low += x * load(bl, i) }
            if aLow { low += load(al, i) * y }
            sl += q + low
            i += width
        }
        var (h, l) = combine(sh, sl)
        while i < n {
            let (p, e) = DoubleDouble.twoProduct(a[i], b[i])
            let (s, q) = DoubleDouble.twoSum(h, p)
            h = s
            var low = e
            if bLow { low += a[i] * bl[i] }
            if aLow { low += al[i] * b[i] }
            l += q + low
            i += 1
        }
        return DoubleDouble(normalising: DoubleDouble.twoSum(h, l))
    }

    /// `Σ (aᵢ + αᵢ)²` over `count` elements, `α = aLow` (`nil`: zero); `α²` is left out.
    static func sumOfSquares(_ a: UnsafePointer<Double>, _ aLow: UnsafePointer<Double>?, count n: Int) -> DoubleDouble {
        if let al = aLow { return sumOfSquares(a, al, count: n, aLow: true) }
        return sumOfSquares(a, a, count: n, aLow: false)
    }

    @inline(__always)
    private static func sumOfSquares(_ a: UnsafePointer<Double>, _ al: UnsafePointer<Double>, count n: Int,
                                     aLow: Bool) -> DoubleDouble {
        var sh = Lanes(repeating: 0), sl = Lanes(repeating: 0)
        var i = 0
        while i + width <= n {
            let x = load(a, i)
            let (p, e) = square(x)
            let (s, q) = twoSum(sh, p)
            sh = s
            var low = e
            if aLow { low += 2 * x * load(al, i) }
            sl += q + low
            i += width
        }
        var (h, l) = combine(sh, sl)
        while i < n {
            let (p, e) = DoubleDouble.twoProduct(a[i], a[i])
            let (s, q) = DoubleDouble.twoSum(h, p)
            h = s
            var low = e
            if aLow { low += 2 * a[i] * al[i] }
            l += q + low
            i += 1
        }
        return DoubleDouble(normalising: DoubleDouble.twoSum(h, l))
    }

    /// `dot(aⱼ, nil, b, bLow)` for each of several `aⱼ` against the same `b`: with Dekker's
    /// products (x86-64), `b` is split into halves once for all of them.
    static func dots(_ a: [UnsafePointer<Double>], _ b: UnsafePointer<Double>, _ bLow: UnsafePointer<Double>,
                     count n: Int) -> [DoubleDouble] {
        #if arch(x86_64) && !STATKIT_PORTABLE
        if a.count < 2 { return a.map { dot($0, nil, b, bLow, count: n) } }
        var halves = [Double](repeating: 0, count: 2 * n)
        return halves.withUnsafeMutableBufferPointer { ph in
            let bh = ph.baseAddress!, bl = bh + n
            for i in 0..<n { (bh[i], bl[i]) = DoubleDouble.split(b[i]) }
            return a.map { dotSplit($0, b, bh, bl, bLow, count: n) }
        }
        #else
        return a.map { dot($0, nil, b, bLow, count: n) }
        #endif
    }

    /// ``dot(_:_:_:_:count:)`` with `b` given with its halves (`b = bh + bl`, Dekker's split).
    private static func dotSplit(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ bh: UnsafePointer<Double>,
                                 _ bl: UnsafePointer<Double>, _ bLow: UnsafePointer<Double>, count n: Int) -> DoubleDouble {
        var sh = Lanes(repeating: 0), sl = Lanes(repeating: 0)
        var i = 0
        while i + width <= n {
            let x = load(a, i), y = load(b, i)
            let (xh, xl) = split(x), yh = load(bh, i), yl = load(bl, i)
            let p = x * y
            let e = ((xh * yh - p) + xh * yl + xl * yh) + xl * yl
            let (s, q) = twoSum(sh, p)
            sh = s
            sl += q + (e + x * load(bLow, i))
            i += width
        }
        var (h, l) = combine(sh, sl)
        while i < n {
            let (p, e) = DoubleDouble.twoProduct(a[i], b[i])
            let (s, q) = DoubleDouble.twoSum(h, p)
            h = s
            l += q + (e + a[i] * bLow[i])
            i += 1
        }
        return DoubleDouble(normalising: DoubleDouble.twoSum(h, l))
    }

    /// The lanes added in order, leading parts by error-free sums.
    @inline(__always)
    private static func combine(_ sh: Lanes, _ sl: Lanes) -> (Double, Double) {
        var h = sh[0], l = sl[0]
        for k in 1..<width {
            let (s, q) = DoubleDouble.twoSum(h, sh[k])
            h = s
            l += q + sl[k]
        }
        return (h, l)
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Double>, _ i: Int) -> Lanes {
        UnsafeRawPointer(p + i).loadUnaligned(as: Lanes.self)
    }

    /// ``DoubleDouble/twoSum(_:_:)`` lane by lane.
    @inline(__always)
    private static func twoSum(_ a: Lanes, _ b: Lanes) -> (Lanes, Lanes) {
        let s = a + b
        let bb = s - a
        return (s, (a - (s - bb)) + (b - bb))
    }

    /// ``DoubleDouble/twoProduct(_:_:)`` lane by lane (the same choice of method).
    @inline(__always)
    private static func twoProduct(_ a: Lanes, _ b: Lanes) -> (Lanes, Lanes) {
        let p = a * b
        #if arch(x86_64) && !STATKIT_PORTABLE
        let (ah, al) = split(a), (bh, bl) = split(b)
        return (p, ((ah * bh - p) + ah * bl + al * bh) + al * bl)
        #else
        return (p, (-p).addingProduct(a, b))
        #endif
    }

    /// `twoProduct(a, a)`: one split, the two cross products as one (`2·ah·al` is exact).
    @inline(__always)
    private static func square(_ a: Lanes) -> (Lanes, Lanes) {
        let p = a * a
        #if arch(x86_64) && !STATKIT_PORTABLE
        let (ah, al) = split(a)
        return (p, ((ah * ah - p) + 2 * (ah * al)) + al * al)
        #else
        return (p, (-p).addingProduct(a, a))
        #endif
    }

    @inline(__always)
    private static func split(_ a: Lanes) -> (Lanes, Lanes) {
        let c = 134_217_729.0 * a   // 2²⁷ + 1
        let hi = c - (c - a)
        return (hi, a - hi)
    }
}

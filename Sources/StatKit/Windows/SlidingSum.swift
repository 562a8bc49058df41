/// A running sum that supports removing terms, for sliding windows.
///
/// Plain `s += x; …; s -= x` drifts: after a large term leaves, the rounding it caused
/// stays in the sum. This keeps Neumaier's compensation term alongside the sum, so the
/// error is of order ε² · Σ|x| rather than ε · max|x|, and ``count`` tracks the number of
/// terms so an empty window reads exactly 0.
public struct SlidingSum: Sendable, Hashable {
    private var sum: Double = 0
    private var compensation: Double = 0
    /// Number of terms currently in the sum.
    public private(set) var count: Int = 0

    /// An empty sum.
    public init() {}

    /// Adds `x`.
    public mutating func add(_ x: Double) { accumulate(x); count += 1 }

    /// Removes a term `x` previously added.
    public mutating func remove(_ x: Double) {
        count -= 1
        if count == 0 { reset() } else { accumulate(-x) }
    }

    /// The sum of the terms currently held (exactly 0 when there are none).
    public var value: Double { count == 0 ? 0 : sum + compensation }

    private mutating func accumulate(_ x: Double) {
        let t = sum + x
        if abs(sum) >= abs(x) { compensation += (sum - t) + x } else { compensation += (x - t) + sum }
        sum = t
    }

    private mutating func reset() { sum = 0; compensation = 0; count = 0 }
}

/// A running sum that supports removing terms, for sliding windows.
///
/// Plain `s += x; …; s -= x` drifts: after a large term leaves, the rounding it caused
/// stays in the sum. This keeps Neumaier's compensation term alongside the sum, so the
/// error is of order ε² · Σ|x| rather than ε · max|x|, and ``count`` tracks the number of
/// terms so an empty window reads exactly 0.
public struct SlidingSum: Sendable, Hashable {
    // Inlinable (the rolling-rate sweeps call add/remove per event from another module).
    @usableFromInline var sum: Double = 0
    @usableFromInline var compensation: Double = 0
    /// Number of terms currently in the sum.
    @inlinable public var count: Int { terms }
    @usableFromInline var terms: Int = 0

    /// An empty sum.
    @inlinable public init() {}

    /// Adds `x`.
    @inlinable public mutating func add(_ x: Double) { accumulate(x); terms += 1 }

    /// Removes a term `x` previously added.
    @inlinable public mutating func remove(_ x: Double) {
        terms -= 1
        if terms == 0 { reset() } else { accumulate(-x) }
    }

    /// The sum of the terms currently held (exactly 0 when there are none).
    @inlinable public var value: Double { count == 0 ? 0 : sum + compensation }

    @inlinable mutating func accumulate(_ x: Double) {
        let t = sum + x
        if abs(sum) >= abs(x) { compensation += (sum - t) + x } else { compensation += (x - t) + sum }
        sum = t
    }

    @inlinable mutating func reset() { sum = 0; compensation = 0; terms = 0 }
}

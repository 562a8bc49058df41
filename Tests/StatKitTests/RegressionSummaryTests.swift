import Testing
@testable import StatKit

/// Five-number summary, quantile type 7, against the definition applied to a sorted copy
/// (exact equality: both pick and interpolate the same order statistics).
@Suite("Residual five-number summary")
struct RegressionSummaryTests {
    static func reference(_ v: [Double]) -> [Double] {
        let s = v.sorted()
        return [0, 0.25, 0.5, 0.75, 1].map { p in
            let h = Double(s.count - 1) * p
            let lo = Int(h.rounded(.down))
            let hi = min(lo + 1, s.count - 1)
            let frac = h - Double(lo)
            return frac == 0 ? s[lo] : s[lo] + frac * (s[hi] - s[lo])
        }
    }

    @Test("small and large inputs, with ties and adversarial order", arguments: [1, 2, 3, 4, 5, 10, 101, 49_999, 50_000, 200_001])
    func matchesSortedDefinition(_ n: Int) {
        var state: UInt64 = 0x1234_5678 &+ UInt64(n)
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1p-53
        }
        let random = (0..<n).map { _ in next() - 0.5 }
        let ties = (0..<n).map { _ in (next() * 7).rounded(.down) }
        let sortedInput = random.sorted()           // strided sample of a sorted array
        let sawtooth = (0..<n).map { Double($0 % 97) - Double($0) * 1e-9 }
        for v in [random, ties, sortedInput, sawtooth] {
            let s = FiveNumberSummary(v)
            #expect([s.minimum, s.lowerQuartile, s.median, s.upperQuartile, s.maximum] == Self.reference(v))
        }
    }

    @Test func emptyIsNaN() {
        let s = FiveNumberSummary([])
        #expect(s.minimum.isNaN && s.median.isNaN && s.maximum.isNaN)
    }
}

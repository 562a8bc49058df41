import Foundation
import StatKit
import Testing
@testable import LayoffReport

@Suite struct NiceScaleTests {
    /// Whether `step` is 1, 2 or 5 times a power of ten and every tick is an integer
    /// multiple of it, printed without float noise.
    static func isRound(_ s: NiceScale) -> Bool {
        guard [1, 2, 5].contains(s.stepMantissa) else { return false }
        return s.ticks.allSatisfy { t in
            let k = t / s.step
            return abs(k - k.rounded()) < 1e-9 && (NumberFormat.shortest(t) ?? "").count <= 17
        }
    }

    @Test(arguments: [
        (0.0, 27000.0, 7, [0.0, 5000, 10000, 15000, 20000, 25000, 30000]),
        (0.0, 1.0, 6, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (-0.7, 0.7, 6, [-1.0, -0.5, 0.0, 0.5, 1.0]),  // step 0.2 would need 9 ticks
        (-0.7, 0.7, 9, [-0.8, -0.6, -0.4, -0.2, 0.0, 0.2, 0.4, 0.6, 0.8]),
        (3.2, 9.7, 5, [2.0, 4, 6, 8, 10]),
        (0.0012, 0.0047, 6, [0.001, 0.002, 0.003, 0.004, 0.005]),
        (1200.0, 74000.0, 9, [0.0, 10000, 20000, 30000, 40000, 50000, 60000, 70000, 80000]),
        (0.1, 0.3, 3, [0.1, 0.2, 0.3]),
    ])
    func knownCases(lo: Double, hi: Double, maxTicks: Int, expected: [Double]) {
        let s = NiceScale(min: lo, max: hi, maxTicks: maxTicks)
        #expect(s.ticks == expected)
        #expect(s.lower <= lo && s.upper >= hi)
    }

    @Test func tickValuesPrintCleanly() {
        let s = NiceScale(min: 0, max: 0.7, maxTicks: 8)
        #expect(s.ticks.map { NumberFormat.shortest($0)! } == ["0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"])
        #expect(s.fractionDigits == 1)
    }

    @Test func degenerateRanges() {
        let zero = NiceScale(min: 0, max: 0, maxTicks: 5)
        #expect(zero.lower == 0 && zero.upper >= 1)
        let flat = NiceScale(min: 42, max: 42, maxTicks: 5)
        #expect(flat.lower < 42 && flat.upper > 42)
        let nan = NiceScale(min: .nan, max: 3, maxTicks: 5)
        #expect(nan.ticks.first == 0 && nan.ticks.last == 1)
        let reversed = NiceScale(min: 10, max: 0, maxTicks: 6)
        #expect(reversed.lower == 0 && reversed.upper == 10)
    }

    @Test func randomRangesGiveRoundCoveringTicks() {
        var rng = SplitMix64(seed: 99)
        for _ in 0..<3000 {
            let scale = pow(10, Double(Int(rng.next() % 24)) - 12)
            let a = (Double(rng.next() % 2_000_001) / 1_000_000 - 1) * scale
            let b = (Double(rng.next() % 2_000_001) / 1_000_000 - 1) * scale
            let n = 2 + Int(rng.next() % 9)
            let s = NiceScale(min: a, max: b, maxTicks: n)
            #expect(Self.isRound(s), "\(a) \(b) \(n)")
            #expect(s.lower <= min(a, b) && s.upper >= max(a, b), "\(a) \(b)")
            #expect(s.ticks.count >= 2 && s.ticks.count <= n + 1, "\(a) \(b) \(n): \(s.ticks)")
        }
    }

    @Test func niceNumber() {
        #expect(NiceScale.niceNumber(27000, round: false) == 50000)
        #expect(NiceScale.niceNumber(27000, round: true) == 20000)
        #expect(NiceScale.niceNumber(0.06, round: true) == 0.05)
        #expect(NiceScale.niceNumber(0.07, round: true) == 0.1)
        #expect(NiceScale.niceNumber(0.13, round: false) == 0.2)
        #expect(NiceScale.niceNumber(8, round: true) == 10)
    }
}

@Suite struct DateTicksTests {
    static func day(_ s: String) -> Day { Day(parsing: s)! }

    @Test func monthlyAndQuarterly() {
        let m = DateTicks(from: Self.day("2023-11-15"), to: Self.day("2024-03-01"), monthStep: 1)
        #expect(m.ticks.map(\.description) == ["2023-12-01", "2024-01-01", "2024-02-01", "2024-03-01"])
        #expect(m.labels.map(\.primary) == ["Dec", "Jan", "Feb", "Mar"])
        #expect(m.labels.map(\.secondary) == ["2023", "2024", nil, nil])
        let q = DateTicks(from: Self.day("2023-02-01"), to: Self.day("2024-02-01"), monthStep: 3)
        #expect(q.ticks.map(\.description) == ["2023-04-01", "2023-07-01", "2023-10-01", "2024-01-01"])
        #expect(q.labels.map(\.secondary) == ["2023", nil, nil, "2024"])
    }

    @Test func yearly() {
        let y = DateTicks(from: Self.day("2015-06-01"), to: Self.day("2025-02-01"), monthStep: 24)
        #expect(y.ticks.map(\.description) == ["2016-01-01", "2018-01-01", "2020-01-01", "2022-01-01", "2024-01-01"])
        #expect(y.labels.map(\.primary) == ["2016", "2018", "2020", "2022", "2024"])
        #expect(y.labels.allSatisfy { $0.secondary == nil })
    }
}

/// Deterministic generator for reproducible random tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

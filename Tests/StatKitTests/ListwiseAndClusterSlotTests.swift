import Testing
@testable import StatKit

/// The streamed regression's per-block bookkeeping, against brute-force references:
/// ``DesignMatrix/listwise(rows:present:values:counts:into:)`` (branch-free bit arithmetic)
/// against a row-by-row first-failing-check loop, and ``ClusterSlots/slots(_:scale:into:)``
/// (known small keys read in place) against ``ClusterSlots/slot(_:)`` one key at a time.
/// Both are exact: kept rows, counts and slots are integers.
@Suite("Listwise deletion and cluster slots against brute force")
struct ListwiseAndClusterSlotTests {
    /// Values that are finite or not, by their bits: NaNs (quiet, signalling, negative), ±∞,
    /// the largest finite, subnormals, ±0 and ordinary numbers.
    static let specials: [Double] = [.nan, -.nan, .signalingNaN, Double(bitPattern: 0x7FF0_0000_0000_0001), .infinity,
                                     -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                     .leastNonzeroMagnitude, -.leastNormalMagnitude, 0, -0.0, 1, -2.5e300]

    /// The documented rule, one row at a time: the first failing check (mask `k`, then value
    /// column `k` at `present.count + k`) counts the row; rows with none are kept.
    static func reference(rows n: Int, present: [[Bool]], values: [[Double]?]) -> (kept: [Int], counts: [Int]) {
        var kept: [Int] = [], counts = [Int](repeating: 0, count: present.count + values.count)
        rows: for i in 0..<n {
            for (k, m) in present.enumerated() where !m[i] { counts[k] += 1; continue rows }
            for (k, v) in values.enumerated() {
                if let v, !v[i].isFinite { counts[present.count + k] += 1; continue rows }
            }
            kept.append(i)
        }
        return (kept, counts)
    }

    @Test("listwise: kept rows and counts of the first failing check", arguments: [0, 1, 5, 64, 1000, 4099])
    func listwise(rows n: Int) {
        var rng = SeededGenerator(seed: UInt64(n) &+ 7)
        for missingRate in [0.0, 0.05, 0.5, 1.0] {
            for shape in [(masks: 3, columns: 3), (masks: 1, columns: 0), (masks: 0, columns: 2), (masks: 2, columns: 4)] {
                let present = (0..<shape.masks).map { _ in (0..<n).map { _ in Double.random(in: 0..<1, using: &rng) >= missingRate } }
                let values: [[Double]?] = (0..<shape.columns).map { c in
                    if c == 1 { return nil }  // a text factor: no values to check
                    return (0..<n).map { _ in
                        Double.random(in: 0..<1, using: &rng) < missingRate
                            ? Self.specials.randomElement(using: &rng)!
                            : Double.random(in: -1e3...1e3, using: &rng)
                    }
                }
                // Counts start nonzero (a running total over blocks) and the kept array holds junk.
                var counts = [Int](repeating: 3, count: shape.masks + shape.columns)
                var kept = [42, 43]
                DesignMatrix.listwise(rows: n, present: present, values: values, counts: &counts, into: &kept)
                let want = Self.reference(rows: n, present: present, values: values)
                #expect(kept == want.kept, "n \(n) rate \(missingRate) shape \(shape)")
                #expect(counts == want.counts.map { $0 + 3 }, "n \(n) rate \(missingRate) shape \(shape)")
            }
        }
    }

    @Test("listwise: each special value is finite or not as isFinite says")
    func listwiseSpecials() {
        let v = Self.specials
        var counts = [0, 0], kept: [Int] = []
        DesignMatrix.listwise(rows: v.count, present: [[Bool](repeating: true, count: v.count)], values: [v],
                              counts: &counts, into: &kept)
        #expect(kept == v.indices.filter { v[$0].isFinite })
        #expect(counts == [0, v.filter { !$0.isFinite }.count])
    }

    @Test("cluster slots in a batch equal one-at-a-time slots")
    func clusterSlots() {
        var rng = SeededGenerator(seed: 99)
        var batch = ClusterSlots(), single = ClusterSlots()
        for block in 0..<40 {
            let n = block % 5 == 0 ? 0 : Int.random(in: 1...600, using: &rng)
            // Small keys (repeating), keys past the dense limit, negative keys, and growth of the dense array.
            let keys: [Int] = (0..<n).map { _ in
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: return -Int.random(in: 1...50, using: &rng)
                case 1: return ClusterSlots.denseLimit + Int.random(in: 0...50, using: &rng)
                case 2: return Int.random(in: 0..<ClusterSlots.denseLimit, using: &rng)
                default: return Int.random(in: 0..<(200 + 100 * block), using: &rng)
                }
            }
            let scale = block % 4 + 1
            var out = [Int](repeating: -1, count: n)
            batch.slots(keys, scale: scale, into: &out)
            let want = keys.map { single.slot($0) * scale }
            #expect(out == want, "block \(block)")
            #expect(batch.keys == single.keys && batch.count == single.count)
        }
    }
}

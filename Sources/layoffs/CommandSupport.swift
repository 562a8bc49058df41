import ArgumentParser
import StatKit
import LayoffKit
import LayoffReport
import Synchronization

/// Cell helpers.
func countCell(_ x: Double?) -> ReportTable.Cell { .number(x, .count) }
/// A percent change (already in percent): `+12.3%` for people, `12.3` in CSV/JSON.
func pctCell(_ x: Double?) -> ReportTable.Cell { .number(x, .percentPoints(decimals: 1, alwaysSign: true)) }
func rateCell(_ x: Double?) -> ReportTable.Cell { .number(x, .fixed(decimals: 3, grouping: false)) }

/// Where workforce figures came from, in words.
func workforceNote(_ data: LayoffDataset) -> String {
    let w = data.workforce
    let (f, i, u) = (w.count(.fundamentals), w.count(.implied), w.count(.unknown))
    return "Workforce: \(f) events from fundamentals (employees), \(i) implied by cut ÷ fraction, \(u) unknown (not in rates)."
}

/// Data a shell run of a command keeps until the process exits, for the system to reclaim
/// at once. A dataset of 10⁶ events freed piece by piece at the end of a command (its
/// 200,000 level strings released one by one, a score of arrays unmapped) keeps one core
/// busy for ≈ 40 ms after the output is written. The notebook runner, which runs many
/// commands in one process, does not keep their data: each is freed when its command ends.
enum ReclaimedAtExit {
    private static let kept = Mutex<[any Sendable]>([])

    /// Keeps `value` alive until the process exits.
    static func keep(_ value: some Sendable) { kept.withLock { $0.append(value) } }
}

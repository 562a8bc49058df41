import ArgumentParser
import StatKit
import LayoffKit
import LayoffReport

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

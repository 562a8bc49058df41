import Foundation
import Testing
@testable import StatKit

/// `Reference/descriptive-reference.json`, written by
/// `scripts/reference/distributions_reference.py descriptive` (numpy, pandas, and Python's
/// exact-rational `statistics` module).
private struct DescriptiveReference: Decodable {
    struct Expected: Decodable {
        var count: Int
        var missing: Int
        var min: Double
        var max: Double
        var numpy_mean: Double
        var exact_mean: Double
        var numpy_median: Double
        var probabilities: [Double]
        var numpy_quantiles: [Double]
        var pandas_quantiles: [Double]
        var numpy_variance: Double?
        var numpy_sd: Double?
        var exact_variance: Double?
        var pandas_variance: Double?
    }
    struct DataSet: Decodable, CustomTestStringConvertible {
        var name: String
        var values: [Double?]
        var expected: Expected
        var testDescription: String { name }
    }
    var datasets: [DataSet]

    static let shared: DescriptiveReference = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Reference/descriptive-reference.json")
        do {
            return try JSONDecoder().decode(DescriptiveReference.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot load \(url.path): \(error)")
        }
    }()

    static func set(_ name: String) -> DataSet { shared.datasets.first { $0.name == name }! }
}

// Tolerances (relative unless stated):
/// Mean against the exact rational mean and numpy's: 1e-14.
private let meanTolerance = 1e-14
/// Variance and sd against the exact rational variance and numpy/pandas: 1e-12.
private let varianceTolerance = 1e-12
/// Quantiles against numpy/pandas type 7: 1e-14 of the data's largest magnitude (an
/// interpolated quantile near 0 can legitimately differ in its last bits of that scale).
private let quantileTolerance = 1e-14

private func close(_ a: Double, _ b: Double, _ rel: Double) -> Bool {
    abs(a - b) <= rel * abs(b)
}

@Suite struct DescriptiveTests {
    @Test(arguments: DescriptiveReference.shared.datasets)
    fileprivate func matchesNumpyPandasAndExactReference(_ set: DescriptiveReference.DataSet) throws {
        let e = set.expected
        // The same data in all three input forms.
        let column = NumericColumn(set.values)
        let fromColumn = try NumericSample(column)
        let fromOptionals = try NumericSample(set.values)
        #expect(fromColumn == fromOptionals)
        if e.missing == 0 {
            #expect(try NumericSample(set.values.map { $0! }) == fromOptionals)
        }
        let s = fromColumn
        #expect(s.count == e.count)
        #expect(s.missingCount == e.missing)
        #expect(try s.minimum() == e.min)
        #expect(try s.maximum() == e.max)

        let mean = try s.mean()
        #expect(close(mean, e.exact_mean, meanTolerance), "mean \(mean) vs exact \(e.exact_mean)")
        #expect(close(mean, e.numpy_mean, meanTolerance), "mean \(mean) vs numpy \(e.numpy_mean)")

        if let exactVar = e.exact_variance, let npVar = e.numpy_variance, let pdVar = e.pandas_variance, let npSD = e.numpy_sd {
            let v = try s.variance()
            #expect(close(v, exactVar, varianceTolerance), "variance \(v) vs exact \(exactVar)")
            #expect(close(v, npVar, varianceTolerance), "variance \(v) vs numpy \(npVar)")
            #expect(close(v, pdVar, varianceTolerance), "variance \(v) vs pandas \(pdVar)")
            #expect(close(try s.standardDeviation(), npSD, varianceTolerance))
        } else {
            #expect(throws: DescriptiveError.self) { try s.variance() }
            #expect(throws: DescriptiveError.self) { try s.standardDeviation() }
        }

        let scale = max(abs(e.min), abs(e.max))
        let qs = try s.quantiles(e.probabilities)
        for (i, p) in e.probabilities.enumerated() {
            #expect(abs(qs[i] - e.numpy_quantiles[i]) <= quantileTolerance * scale, "p=\(p): \(qs[i]) vs numpy \(e.numpy_quantiles[i])")
            #expect(abs(qs[i] - e.pandas_quantiles[i]) <= quantileTolerance * scale, "p=\(p): \(qs[i]) vs pandas \(e.pandas_quantiles[i])")
        }
        #expect(abs(try s.median() - e.numpy_median) <= quantileTolerance * scale)

        let summary = try s.summary()
        #expect(summary.count == e.count && summary.missingCount == e.missing)
        #expect(summary.mean == mean)
        #expect(summary.variance == (e.exact_variance == nil ? nil : try s.variance()))
        let five = try s.fiveNumberSummary()
        #expect(summary.fiveNumber == five)
        #expect(five.minimum == e.min && five.maximum == e.max)
        #expect(five.lowerQuartile == (try s.quantile(0.25)))
        #expect(five.median == (try s.median()))
        #expect(five.upperQuartile == (try s.quantile(0.75)))
    }

    /// The 1e9 + N(0,1) set really is ill-conditioned: the textbook one-pass formula
    /// Σx² − n·x̄² is far off on it, while ours meets 1e-12 (checked above).
    @Test func hardVarianceCaseDefeatsTheNaiveFormula() throws {
        let set = DescriptiveReference.set("offset_1e9_noise")
        let xs = set.values.map { $0! }
        let n = Double(xs.count)
        let sum = xs.reduce(0, +), sumSq = xs.reduce(0) { $0 + $1 * $1 }
        let naive = (sumSq - sum * sum / n) / (n - 1)
        let exact = set.expected.exact_variance!
        #expect(abs(naive - exact) / exact > 1e-3, "naive variance \(naive) unexpectedly accurate")
        #expect(close(try NumericSample(xs).variance(), exact, varianceTolerance))
        // Textbook example: 1e9 + {4, 7, 13, 16} has variance exactly 30.
        #expect(try NumericSample([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]).variance() == 30)
    }

    @Test func runningMomentsMergeEqualsOnePass() throws {
        let set = DescriptiveReference.set("lognormal_counts_with_missing")
        let xs = set.values.compactMap { $0 }
        for split in [0, 1, 17, xs.count / 2, xs.count - 1, xs.count] {
            var a = RunningMoments(xs[..<split])
            let b = RunningMoments(xs[split...])
            a.merge(b)
            #expect(a.count == xs.count)
            #expect(close(a.mean!, set.expected.exact_mean, meanTolerance))
            #expect(close(a.variance!, set.expected.exact_variance!, varianceTolerance), "split \(split)")
        }
        let hard = DescriptiveReference.set("offset_1e9_noise")
        let hs = hard.values.map { $0! }
        var h = RunningMoments(hs[..<3000])
        h.merge(RunningMoments(hs[3000...]))
        #expect(close(h.variance!, hard.expected.exact_variance!, varianceTolerance))
        #expect(RunningMoments().mean == nil && RunningMoments().variance == nil)
        #expect(RunningMoments([5]).variance == nil && RunningMoments([5]).populationVariance == 0)
    }

    @Test func nanInPlainArrayIsAnError() throws {
        #expect(throws: DescriptiveError.nonFiniteValue(index: 2, value: "nan")) {
            try NumericSample([1, 2, .nan, 4])
        }
        #expect(throws: DescriptiveError.nonFiniteValue(index: 0, value: "-inf")) {
            try NumericSample([-.infinity, 2])
        }
        #expect(throws: DescriptiveError.nonFiniteValue(index: 3, value: "inf")) {
            try NumericSample([1, nil, 2, .infinity] as [Double?])
        }
        // A present NaN in a column is an error too…
        #expect(throws: DescriptiveError.nonFiniteValue(index: 1, value: "nan")) {
            try NumericSample(NumericColumn(values: [1, .nan], isPresent: [true, true]))
        }
        // …but whatever is stored at a missing position is never read.
        let s = try? NumericSample(NumericColumn(values: [1, .nan, 3], isPresent: [true, false, true]))
        #expect(s?.missingCount == 1)
        #expect(try s?.mean() == 2)
    }

    @Test func tooFewValuesAreThrownWithCounts() throws {
        let allMissing = try NumericSample([nil, nil] as [Double?])
        #expect(allMissing.count == 0 && allMissing.missingCount == 2)
        #expect(throws: DescriptiveError.tooFewValues(statistic: "mean", needed: 1, available: 0, skippedMissing: 2)) {
            try allMissing.mean()
        }
        #expect(throws: DescriptiveError.self) { try allMissing.median() }
        #expect(throws: DescriptiveError.self) { try allMissing.summary() }
        #expect(throws: DescriptiveError.self) { try NumericSample([Double]()).minimum() }
        let one = try NumericSample([nil, 3] as [Double?])
        #expect(throws: DescriptiveError.tooFewValues(statistic: "variance", needed: 2, available: 1, skippedMissing: 1)) {
            try one.variance()
        }
        let summary = try one.summary()
        #expect(summary.variance == nil && summary.standardDeviation == nil && summary.mean == 3)
        #expect(summary.fiveNumber == FiveNumberSummary(minimum: 3, lowerQuartile: 3, median: 3, upperQuartile: 3, maximum: 3))
        let err = DescriptiveError.tooFewValues(statistic: "variance", needed: 2, available: 1, skippedMissing: 1)
        #expect(err.description == "variance needs at least 2 values, but 1 remains after skipping 1 missing")
    }

    @Test func quantileProbabilityMustBeInUnitInterval() throws {
        let s = try NumericSample([1, 2, 3])
        #expect(throws: DescriptiveError.probabilityOutOfRange(1.5)) { try s.quantile(1.5) }
        #expect(throws: DescriptiveError.self) { try s.quantile(-0.1) }
        #expect(throws: DescriptiveError.self) { try s.quantile(.nan) }
        #expect(try s.quantile(0) == 1 && s.quantile(1) == 3)
    }
}

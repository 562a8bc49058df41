import Foundation
import Testing
import _CRmath
@testable import StatKit

/// One row of `Reference/distributions-reference.json`
/// (written by `scripts/reference/distributions_reference.py`).
private struct DistributionCase: Decodable, CustomStringConvertible {
    /// "normal", "t", "f" or "chisq".
    var dist: String
    var params: [Double]
    /// "cdf", "sf", "logcdf", "logsf" (arg is x) or "ppf", "isf" (arg is a probability).
    var fn: String
    var arg: Double
    /// scipy's value, or mpmath's where scipy is off by more than 1e-13 (see `source`).
    var expected: Double
    var source: String

    var description: String { "\(dist)\(params) \(fn)(\(arg)) expected \(expected) [\(source)]" }
}

private struct DistributionReference: Decodable {
    var cases: [DistributionCase]

    static let shared: DistributionReference = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Reference/distributions-reference.json")
        do {
            return try JSONDecoder().decode(DistributionReference.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot load \(url.path): \(error)")
        }
    }()
}

private func distribution(_ c: DistributionCase) -> any ContinuousDistribution {
    switch c.dist {
    case "normal": return NormalDistribution()
    case "t": return StudentTDistribution(degreesOfFreedom: c.params[0])
    case "f": return FDistribution(numeratorDF: c.params[0], denominatorDF: c.params[1])
    case "chisq": return ChiSquaredDistribution(degreesOfFreedom: c.params[0])
    default: fatalError("unknown distribution \(c.dist)")
    }
}

private func evaluate(_ d: any ContinuousDistribution, _ c: DistributionCase) -> Double {
    switch c.fn {
    case "cdf": return d.cdf(c.arg)
    case "sf": return d.sf(c.arg)
    case "logcdf": return d.logCDF(c.arg)
    case "logsf": return d.logSF(c.arg)
    case "ppf": return d.quantile(c.arg)
    case "isf": return d.inverseSF(c.arg)
    default: fatalError("unknown function \(c.fn)")
    }
}

/// Relative error tolerance for every value whose magnitude is a normal double.
private let relativeTolerance = 1e-12
/// Results below the smallest normal double (only cdf/sf of |z| > 37.5 for the normal)
/// are checked with this absolute tolerance: R's `pnorm` deliberately flushes them to 0
/// (its cutoff is |z| > 37.5193), while mpmath gives e.g. sf(38) = 2.885e-316. The exact
/// tail is still available through logSF/logCDF, which are checked at 1e-12 relative.
private let subnormalAbsoluteTolerance = Double.leastNormalMagnitude

private func agrees(_ actual: Double, _ expected: Double) -> Bool {
    if abs(expected) < Double.leastNormalMagnitude {
        return abs(actual - expected) <= subnormalAbsoluteTolerance
    }
    return abs(actual - expected) <= relativeTolerance * abs(expected)
}

/// Small lower-tail F quantiles, where R's own `qf` cancels catastrophically and
/// `FDistribution.quantile` uses the Beta form instead (checked separately below).
private func isSmallLowerTailFQuantile(_ c: DistributionCase) -> Bool {
    c.dist == "f" && c.fn == "ppf" && c.arg <= 0.01
}

@Suite struct DistributionTests {
    @Test(arguments: ["normal", "t", "f", "chisq"])
    func matchesScipyAndMpmathReference(dist: String) {
        let cases = DistributionReference.shared.cases.filter { $0.dist == dist && !isSmallLowerTailFQuantile($0) }
        #expect(cases.count > 100, "reference grid for \(dist) is unexpectedly small")
        var failures: [String] = []
        for c in cases {
            let actual = evaluate(distribution(c), c)
            if !agrees(actual, c.expected) {
                let rel = abs(actual - c.expected) / abs(c.expected)
                failures.append("\(c): got \(actual), rel err \(rel)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(cases.count) disagree:\n\(failures.prefix(20).joined(separator: "\n"))")
    }

    /// The grid really reaches the far tails the brief asks for.
    @Test func gridCoversFarTails() {
        let cases = DistributionReference.shared.cases
        for dist in ["normal", "t", "f", "chisq"] {
            let sfs = cases.filter { $0.dist == dist && ($0.fn == "sf" || $0.fn == "cdf") }.map(\.expected)
            #expect(sfs.contains { $0 > 0 && $0 <= 1.01e-300 }, "\(dist): no tail probability near 1e-300")
            #expect(cases.contains { $0.dist == dist && $0.fn == "logsf" && $0.expected < -700 },
                    "\(dist): no logSF beyond the double range of sf")
            #expect(cases.contains { $0.dist == dist && $0.fn == "isf" && $0.arg == 1e-80 })
            #expect(cases.contains { $0.dist == dist && $0.fn == "ppf" && $0.arg == 1e-80 })
        }
    }

    /// R's `qf(p, df1, df2)` for small lower-tail `p` cancels catastrophically
    /// (qf(1e-10, 1, 10) = 0 instead of 1.65e-20); `FDistribution.quantile` avoids it.
    @Test func fQuantileIsAccurateInTheLowerTail() {
        let cases = DistributionReference.shared.cases.filter(isSmallLowerTailFQuantile)
        #expect(cases.count >= 30)
        for c in cases {
            let actual = evaluate(distribution(c), c)
            #expect(agrees(actual, c.expected), "\(c): got \(actual)")
        }
        #expect(qf(1e-10, 1, 10, 1, 0) == 0, "R's qf no longer cancels here: the workaround may be unnecessary")
    }

    @Test func preciseFQuantileMatchesReferenceEverywhere() {
        let cases = DistributionReference.shared.cases.filter { $0.dist == "f" && ($0.fn == "ppf" || $0.fn == "isf") }
        #expect(cases.count >= 100)
        for c in cases {
            let d = FDistribution(numeratorDF: c.params[0], denominatorDF: c.params[1])
            let actual = c.fn == "ppf" ? d.preciseQuantile(c.arg) : d.preciseInverseSF(c.arg)
            #expect(agrees(actual, c.expected), "\(c): got \(actual)")
        }
    }

    @Test func preciseFQuantileEdgeCasesFollowR() {
        let d = FDistribution(numeratorDF: 3, denominatorDF: 7)
        #expect(d.preciseQuantile(0) == 0)
        #expect(d.preciseQuantile(1) == .infinity)
        #expect(d.preciseInverseSF(0) == .infinity)
        #expect(d.preciseInverseSF(1) == 0)
        #expect(d.preciseQuantile(-0.1).isNaN)
        #expect(d.preciseQuantile(.nan).isNaN)
        #expect(FDistribution(numeratorDF: -1, denominatorDF: 7).preciseQuantile(0.5).isNaN)
        // Round trip through the (accurate) cdf.
        for p in [1e-250, 1e-30, 0.3, 0.5, 0.7, 1 - 1e-9] {
            let x = d.preciseQuantile(p)
            #expect(abs(d.cdf(x) - p) <= 1e-12 * p, "p = \(p), x = \(x)")
        }
    }

    @Test func twoSidedPValueIsTwiceTheUpperTail() {
        let cases = DistributionReference.shared.cases.filter { $0.dist == "t" && $0.fn == "sf" && $0.arg > 0 }
        #expect(!cases.isEmpty)
        for c in cases {
            let t = StudentTDistribution(degreesOfFreedom: c.params[0])
            let expected = min(1, 2 * c.expected)
            #expect(agrees(t.twoSidedPValue(c.arg), expected), "\(c)")
            #expect(agrees(t.twoSidedPValue(-c.arg), expected), "\(c) (negative t)")
        }
        #expect(StudentTDistribution(degreesOfFreedom: 5).twoSidedPValue(0) == 1)
        #expect(StudentTDistribution(degreesOfFreedom: 5).twoSidedPValue(.nan).isNaN)
    }

    @Test func outOfDomainArgumentsGiveNaNAsInR() {
        #expect(StudentTDistribution(degreesOfFreedom: -1).cdf(1).isNaN)
        #expect(ChiSquaredDistribution(degreesOfFreedom: 3).quantile(1.5).isNaN)
        #expect(NormalDistribution().quantile(-0.5).isNaN)
        #expect(FDistribution(numeratorDF: 2, denominatorDF: 0).quantile(0.5).isNaN)
        #expect(NormalDistribution().quantile(0) == -.infinity)
        #expect(NormalDistribution().inverseSF(0) == .infinity)
    }
}

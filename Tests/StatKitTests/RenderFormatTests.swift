import Foundation
import Testing
@testable import StatKit

@Suite struct NumberFormatTests {
    @Test(arguments: [
        (16000.0, "16000"), (0.1, "0.1"), (-3.0, "-3"), (0.0, "0"), (-0.0, "-0"),
        (1e-5, "1e-5"), (1.5e-7, "1.5e-7"), (1e16, "1e16"), (1.5e20, "1.5e20"),
        (Double.leastNonzeroMagnitude, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e308"), (0.30000000000000004, "0.30000000000000004"),
    ])
    func shortestForms(x: Double, expected: String) {
        #expect(NumberFormat.shortest(x) == expected)
    }

    @Test func shortestRejectsNonFinite() {
        #expect(NumberFormat.shortest(.nan) == nil)
        #expect(NumberFormat.shortest(.infinity) == nil)
        #expect(NumberFormat.shortest(-.infinity) == nil)
    }

    @Test func shortestRoundTripsRandomBitPatterns() throws {
        var rng = SplitMix(seed: 20240403)
        var checked = 0
        while checked < 20_000 {
            let x = Double(bitPattern: rng.next())
            guard x.isFinite else { continue }
            let text = try #require(NumberFormat.shortest(x))
            let back = try #require(Double(text))
            #expect(back.bitPattern == x.bitPattern, "\(text)")
            // Also a valid JSON number. (Foundation's JSON parser is not correctly rounded,
            // so only closeness is checked there; exactness is checked with Double(_:) above.)
            if checked % 500 == 0 {
                let parsed = try JSONSerialization.jsonObject(with: Data("[\(text)]".utf8)) as? [NSNumber]
                let y = try #require(parsed?.first?.doubleValue)
                #expect(abs(y - x) <= abs(x) * 1e-14, "\(text)")
            }
            checked += 1
        }
    }

    @Test(arguments: [
        (2.675, 2, "2.67"),       // binary value is 2.67499999...
        (0.125, 2, "0.12"),       // exact tie, to even
        (0.375, 2, "0.38"),       // exact tie, to even
        (1.005, 2, "1.00"),       // 1.00499999...
        (-0.001, 2, "0.00"),      // no negative zero
        (-1.5, 0, "-2"),
        (2.5, 0, "2"),
        (123.456, 1, "123.5"),
        (1e21, 0, "1000000000000000000000"),
        (0.1, 20, "0.10000000000000000555"),
    ])
    func fixedRounding(x: Double, decimals: Int, expected: String) {
        #expect(NumberFormat.fixed(x, decimals: decimals) == expected)
    }

    @Test func fixedMissingAndGrouping() {
        #expect(NumberFormat.fixed(nil, decimals: 2) == "n/a")
        #expect(NumberFormat.fixed(.nan, decimals: 2) == "n/a")
        #expect(NumberFormat.fixed(.infinity, decimals: 0) == "n/a")
        #expect(NumberFormat.fixed(1234567.891, decimals: 2, grouping: true) == "1,234,567.89")
        #expect(NumberFormat.fixed(-999.5, decimals: 0, grouping: true) == "-1,000")
        #expect(NumberFormat.fixed(999.4, decimals: 0, grouping: true) == "999")
    }

    @Test(arguments: [
        (27000, "27,000"), (0, "0"), (999, "999"), (1000, "1,000"), (-1234567, "-1,234,567"),
        (Int.min, "-9,223,372,036,854,775,808"),
    ])
    func grouped(n: Int, expected: String) {
        #expect(NumberFormat.grouped(n) == expected)
    }

    @Test func percent() {
        #expect(NumberFormat.percent(0.123, alwaysSign: true) == "+12.3%")
        #expect(NumberFormat.percent(-0.04, alwaysSign: true) == "-4.0%")
        #expect(NumberFormat.percent(0.123) == "12.3%")
        #expect(NumberFormat.percent(-0.0001, alwaysSign: true) == "0.0%")
        #expect(NumberFormat.percent(0.0001, alwaysSign: true) == "0.0%")
        #expect(NumberFormat.percent(12.5, decimals: 0) == "1,250%")
        #expect(NumberFormat.percent(nil) == "n/a")
        #expect(NumberFormat.percent(.nan) == "n/a")
    }

    @Test(arguments: [
        (0.012345, 4, "0.01235"), (1.23456, 4, "1.235"), (123.456, 4, "123.5"), (123456.0, 4, "123456"),
        (9.99996, 4, "10.00"), (0.1, 4, "0.1000"), (-2.5, 3, "-2.50"), (0.0, 4, "0.000"),
        (3.2e-30, 4, "3.200e-30"), (1.23456e15, 4, "1.235e15"), (0.0001, 2, "0.00010"),
    ])
    func significant(x: Double, digits: Int, expected: String) {
        #expect(NumberFormat.significant(x, digits: digits) == expected)
    }

    @Test(arguments: [
        (0.042, "0.042"), (0.001, "0.001"), (1.0, "1.000"), (0.5, "0.500"),
        (0.00099, "9.9e-4"), (3.2e-30, "3.2e-30"), (1e-300, "1.0e-300"), (Double.leastNonzeroMagnitude, "4.9e-324"), (0.0, "<1e-300"),
    ])
    func pValues(p: Double, expected: String) {
        #expect(NumberFormat.pValue(p) == expected)
    }

    @Test func pValueNeverPrintsPositiveAsZero() {
        var rng = SplitMix(seed: 7)
        for _ in 0..<2000 {
            let p = pow(10, -Double(rng.next() % 320_000) / 1000)  // 1 ... 1e-320
            let text = NumberFormat.pValue(p)
            #expect(text.contains { $0 >= "1" && $0 <= "9" }, "\(p) -> \(text)")
        }
        #expect(NumberFormat.pValue(-0.1) == "n/a")
        #expect(NumberFormat.pValue(1.5) == "n/a")
        #expect(NumberFormat.pValue(nil) == "n/a")
    }

    @Test func scientific() {
        #expect(NumberFormat.scientific(-1.5e6, digits: 3) == "-1.50e6")
        #expect(NumberFormat.scientific(9.96e-5, digits: 2) == "1.0e-4")
        #expect(NumberFormat.scientific(0, digits: 2) == "0.0e0")
        #expect(NumberFormat.scientific(7, digits: 1) == "7e0")
    }

    @Test func styles() {
        #expect(NumberStyle.count.format(27000) == "27,000")
        #expect(NumberStyle.percent(decimals: 1, alwaysSign: true).format(0.5) == "+50.0%")
        #expect(NumberStyle.pValue.format(.infinity) == "n/a")
        #expect(NumberStyle.shortest.format(0.25) == "0.25")
    }
}

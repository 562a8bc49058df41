import StatKit
@testable import LayoffReport

/// Deterministic example charts shared by the chart tests (and rendered to PNG by hand
/// when `LAYOFFREPORT_CHART_DIR` is set).
enum ChartExamples {
    static func months(from year: Int, _ month: Int, count: Int) -> [Day] {
        (0..<count).map { Day(year: year, month: month, day: 1)!.addingMonths($0) }
    }

    static var monthlyBars: Chart {
        let months = months(from: 2024, 1, count: 18)
        let values: [Double?] = [12400, 9800, 15300, 22100, 8700, 6400, 11900, nil, 27000, 18400, 14100, 9900,
                                 16800, 13200, 21950, 19400, 12100, 7300]
        let previous: [Double?] = [8200, 11000, 9400, 14800, 12100, 9900, 7800, 10400, 16900, 12600, 9900, 8800,
                                   12400, 9800, 15300, 22100, 8700, 6400]
        return .monthlyBars(title: "Monthly layoffs announced", subtitle: "Employees cut per month, with the same month a year earlier",
                            months: months, values: values, previousYear: previous, valueName: "Employees cut",
                            previousName: "Same month, previous year", yTitle: "Employees cut", yUnit: "people",
                            note: "Source: WARN notices (synthetic example). August 2024 missing.")
    }

    static var lines: Chart {
        let dates = months(from: 2022, 7, count: 30)
        let names = ["Technology", "Retail", "Finance", "Manufacturing", "Healthcare", "Media & telecom", "Transport", "Energy"]
        let series = names.enumerated().map { k, name in
            Chart.Series(name: name, values: dates.indices.map { i -> Double? in
                if k == 2 && (10...12).contains(i) { return nil }  // a gap
                let t = Double(i)
                return 0.02 + 0.004 * Double(k) + 0.012 * sinApprox(t / 4 + Double(k)) + 0.0004 * t
            })
        }
        return .lines(title: "Rolling 12-month layoff rate by sector", subtitle: "Share of employees cut, trailing 12 months",
                      dates: dates, series: series, yAxis: .init(title: "Layoff rate", unit: "% of employees", format: .percent, includeZero: true),
                      note: "Finance: no data Jun–Aug 2023.")
    }

    static var scatter: Chart {
        let x: [Double] = [1200, 3400, 5600, 8000, 12000, 15500, 21000, 26000, 31000, 45000, 52000, 61000, 74000]
        let y: [Double] = [80, 310, 420, 900, 1100, 1400, 2600, 2300, 3900, 4200, 6100, 5600, 8100]
        let labels: [String?] = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne", "Soylent", "Aperture", "Massive Dynamic"]
        return .scatter(title: "Layoffs rise with company size", subtitle: "One point per company, 2024",
                        x: x, y: y, labels: labels, fit: (intercept: -120.5, slope: 0.1052),
                        fitName: "Least-squares fit: y = −120.5 + 0.105 x",
                        xAxis: .init(title: "Employees before layoffs", unit: "people"),
                        yAxis: .init(title: "Employees cut", unit: "people", includeZero: true),
                        note: "Synthetic example data.")
    }

    static var residuals: Chart {
        let fitted: [Double] = [6, 237, 469, 721, 1142, 1510, 2089, 2615, 3141, 4614, 5350, 6297, 7665]
        let resid: [Double] = [74, 73, -49, 179, -42, -110, 511, -315, 759, -414, 750, -697, 435]
        return .residuals(title: "Residuals against fitted values", subtitle: "Least-squares fit of employees cut on company size",
                          fitted: fitted, residuals: resid,
                          xAxis: .init(title: "Fitted employees cut", unit: "people"), yAxis: .init(title: "Residual", unit: "people"))
    }

    /// Long, narrow and negative cases, to check layout by eye.
    static var stress: [(String, Chart)] {
        let long = months(from: 2019, 1, count: 72)
        var bars = Chart.monthlyBars(title: "Six years of monthly layoffs", months: long,
                                     values: long.indices.map { Double(($0 * 7919) % 23000) + 500 },
                                     previousYear: long.indices.map { $0 < 12 ? nil : Double((($0 - 12) * 7919) % 23000) + 500 },
                                     yTitle: "Employees cut", yUnit: "people")
        bars.height = 420
        let daily = (0..<3650).map { Day(year: 2015, month: 3, day: 1)!.advanced(by: $0) }
        var narrow = Chart.lines(title: "Ten years, daily, narrow", dates: daily, series: [
            .init(name: "Net hiring", values: daily.indices.map { i in i % 400 < 30 ? nil : 2000 * sinApprox(Double(i) / 300) - 600 }),
            .init(name: "Layoffs", values: daily.indices.map { i in 1500 + 900 * sinApprox(Double(i) / 200) }),
        ], yAxis: .init(title: "Employees", unit: "people per day"))
        narrow.width = 420
        narrow.height = 320
        let netBars = Chart.monthlyBars(title: "Net change in headcount", months: months(from: 2024, 1, count: 6),
                                        values: [-1300, 2200, nil, -450, 800, -2600], yTitle: "Net change", yUnit: "people")
        var wrapped = scatter
        wrapped.width = 520
        wrapped.title = "Layoffs rise with company size across every sector we could measure in 2024"
        wrapped.note = "Source: WARN notices filed with state labour departments, company announcements and press reports; synthetic data."
        return [("stress-long-bars", bars), ("stress-narrow-lines", narrow), ("stress-negative-bars", netBars), ("stress-wrapped", wrapped)]
    }

    /// Small deterministic periodic function (avoids libm differences in test data).
    static func sinApprox(_ t: Double) -> Double {
        let x = t.truncatingRemainder(dividingBy: 6.283185307179586) - 3.141592653589793
        return -(x - x * x * x / 6 + x * x * x * x * x / 120 - x * x * x * x * x * x * x / 5040)
    }
}

import Testing
import LayoffKit
import StatKit

@Suite struct RollingAggregateSeriesTests {
    @Test func movingAveragesMatchBruteForceWithGaps() throws {
        var g = SeededGenerator(seed: 42)
        var labels: [String] = [], layoffs: [Double?] = [], employment: [Double?] = []
        var y = 2019, m = 1
        for _ in 0..<120 {
            m += Double.random(in: 0..<1, using: &g) < 0.08 ? 2 : 1   // occasional missing month
            if m > 12 { m -= 12; y += 1 }
            labels.append("\(y)-" + (m < 10 ? "0\(m)" : "\(m)"))
            layoffs.append(Double.random(in: 0..<1, using: &g) < 0.05 ? nil : Double.random(in: 1000...2_000_000, using: &g))
            let e: Double? = Double.random(in: 0..<1, using: &g) < 0.05 ? nil
                : (Double.random(in: 0..<1, using: &g) < 0.03 ? 0 : Double.random(in: 1e7...1.6e8, using: &g))
            employment.append(e)
        }
        let ks = [1, 3, 6]
        let s = try AggregateRateSeries(periods: labels, layoffs: layoffs, employment: employment, movingAverages: ks)
        #expect(s.rows.count == labels.count)
        // Brute force: look each of the k calendar months up by label.
        var rateByLabel: [String: Double] = [:]
        for i in labels.indices {
            if let l = layoffs[i], let e = employment[i], e != 0 { rateByLabel[labels[i]] = l / e * 100 }
        }
        func monthsBack(_ label: String, _ j: Int) -> String {
            let yy = Int(label.prefix(4))!, mm = Int(label.suffix(2))!
            let t = yy * 12 + mm - 1 - j
            let ny = t / 12, nm = t % 12 + 1
            return "\(ny)-" + (nm < 10 ? "0\(nm)" : "\(nm)")
        }
        var defined = 0, undefined = 0
        for (i, row) in s.rows.enumerated() {
            #expect(row.period.label == labels[i])
            #expect(close(row.rate, rateByLabel[labels[i]], rel: 1e-15))
            for (n, k) in ks.enumerated() {
                let window = (0..<k).map { rateByLabel[monthsBack(labels[i], $0)] }
                let want: Double? = window.contains(where: { $0 == nil }) ? nil : window.map { $0! }.reduce(0, +) / Double(k)
                #expect(close(row.movingAverages[n], want, rel: 1e-12), "\(labels[i]) k=\(k)")
                if want == nil { undefined += 1 } else { defined += 1 }
            }
        }
        #expect(defined > 100 && undefined > 20)
    }

    @Test func quartersYearsAndErrors() throws {
        let q = try AggregateRateSeries(periods: ["2023-Q3", "2023-Q4", "2024-Q1"], layoffs: [1, 2, 3],
                                        employment: [100, 100, 100], movingAverages: [2])
        #expect(q.rows.map { $0.movingAverages[0] } == [nil, 1.5, 2.5])
        let yr = try AggregateRateSeries(periods: ["2021", "2023"], layoffs: [1, 2], employment: [10, 10], movingAverages: [2])
        #expect(yr.rows[1].movingAverages == [nil])   // 2022 missing: the average is broken
        #expect(throws: AnalysisError.invalidPeriod("2023-13", index: 0)) {
            try AggregateRateSeries(periods: ["2023-13"], layoffs: [1], employment: [1])
        }
        #expect(throws: AnalysisError.periodsOutOfOrder("2023-01", index: 1)) {
            try AggregateRateSeries(periods: ["2023-02", "2023-01"], layoffs: [1, 1], employment: [1, 1])
        }
        #expect(throws: AnalysisError.periodsOutOfOrder("2023-Q2", index: 1)) {
            try AggregateRateSeries(periods: ["2023-01", "2023-Q2"], layoffs: [1, 1], employment: [1, 1])
        }
        #expect(throws: AnalysisError.self) { try AggregateRateSeries(periods: ["2023-01"], layoffs: [], employment: [1]) }
        #expect(throws: AnalysisError.self) {
            try AggregateRateSeries(periods: ["2023-01"], layoffs: [1], employment: [1], movingAverages: [0])
        }
    }

    @Test func calendarPeriods() {
        for label in ["2023-01", "2023-12", "2023-Q1", "2024-Q4", "2024"] {
            #expect(CalendarPeriod(parsing: label)?.label == label)
        }
        #expect(CalendarPeriod(parsing: "2023Q2")?.label == "2023-Q2")
        for bad in ["2023-00", "2023-Q5", "2023-1", "23-01", "2023-", "2023/01", "2023-Q"] {
            #expect(CalendarPeriod(parsing: bad) == nil, "\(bad)")
        }
        let feb = CalendarPeriod(parsing: "2024-02")!
        #expect(feb.end.description == "2024-02-29" && feb.previousYear.end.description == "2023-02-28")
        #expect(CalendarPeriod(parsing: "2024-Q4")!.next.label == "2025-Q1")
        #expect(CalendarPeriod(parsing: "2024-01")!.advanced(by: -13).label == "2022-12")
        #expect(CalendarPeriod(.quarter, containing: Day(parsing: "2024-05-17")!).label == "2024-Q2")
    }
}

import Testing
@testable import StatKit

@Suite struct DayTests {
    @Test func epochAndKnownDates() {
        #expect(Day(year: 1970, month: 1, day: 1)!.number == 0)
        #expect(Day(year: 2024, month: 4, day: 3)!.number == 19816) // date -d 2024-04-03 +%s / 86400
        #expect(Day(year: 2000, month: 3, day: 1)!.number == 11017)
        #expect(Day(year: 1969, month: 12, day: 31)!.number == -1)
    }

    @Test func roundTripEveryDayOverFourCenturies() {
        var n = Day(year: 1900, month: 1, day: 1)!.number
        let end = Day(year: 2300, month: 12, day: 31)!.number
        var y = 1900, m = 1, d = 1
        while n <= end {
            let day = Day(number: n)
            #expect(day.civil == (y, m, d))
            d += 1
            if d > Day.daysInMonth(year: y, month: m) { d = 1; m += 1; if m > 12 { m = 1; y += 1 } }
            n += 1
        }
    }

    @Test func parsing() {
        #expect(Day(parsing: "2024-04-03")?.description == "2024-04-03")
        #expect(Day(parsing: "4/3/2024")?.description == "2024-04-03")
        #expect(Day(parsing: "12/31/2023")?.description == "2023-12-31")
        #expect(Day(parsing: "2/29/2024") != nil)
        #expect(Day(parsing: "2/29/2023") == nil)
        #expect(Day(parsing: "2/30/2024") == nil)
        #expect(Day(parsing: "13/01/2024") == nil)
        #expect(Day(parsing: "2024-13-01") == nil)
        #expect(Day(parsing: "") == nil)
        #expect(Day(parsing: "2024/04/03") == nil)
        #expect(Day(parsing: "4/3/24") == nil)
    }

    @Test func calendarArithmetic() {
        #expect(Day(parsing: "2024-02-29")!.addingYears(-1).description == "2023-02-28")
        #expect(Day(parsing: "2024-03-31")!.addingMonths(-1).description == "2024-02-29")
        #expect(Day(parsing: "2024-01-15")!.addingMonths(-13).description == "2022-12-15")
        #expect(Day(parsing: "2024-05-17")!.quarter == 2)
    }
}

// Generated data and the pipeline stages timed by the Pipeline benchmark and PipelineTiming.
import Foundation
import LayoffKit
import LayoffReport

/// Synthetic events + fundamentals at `events` rows (companies = events / 50, fixed seed),
/// written once per size under /tmp and reused by later runs (same seed, same bytes).
public struct PipelineData: Sendable {
    public static let seed: UInt64 = 20_240_101
    public let events: Int
    public let companies: Int
    public let eventsPath: String
    public let fundamentalsPath: String

    public init(events: Int) {
        self.events = events
        self.companies = max(1, events / 50)
        let dir = "/tmp/layoffstats-pipeline/n\(events)-c\(max(1, events / 50))-s\(Self.seed)"
        eventsPath = dir + "/events.csv"
        fundamentalsPath = dir + "/fundamentals.csv"
    }

    /// Writes the files unless they are already there (written to a temporary folder, then renamed).
    public func ensureWritten() throws {
        let fm = FileManager.default
        let dir = (eventsPath as NSString).deletingLastPathComponent
        if fm.fileExists(atPath: eventsPath) && fm.fileExists(atPath: fundamentalsPath) { return }
        let tmp = dir + ".tmp-\(getpid())"
        try? fm.removeItem(atPath: tmp)
        try fm.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        try SyntheticLayoffs(.init(events: events, companies: companies, seed: Self.seed))
            .write(eventsPath: tmp + "/events.csv", fundamentalsPath: tmp + "/fundamentals.csv")
        try? fm.removeItem(atPath: dir)
        try fm.moveItem(atPath: tmp, toPath: dir)
    }

    public var eventsFileBytes: Int {
        ((try? FileManager.default.attributesOfItem(atPath: eventsPath))?[.size] as? NSNumber)?.intValue ?? 0
    }
}

/// The stages, each a function of what the previous stages produced.
public enum PipelineStages {
    public static let formula = "log(total_laid_off) ~ log(employees) + revenue_growth"

    /// Ingest: the events file alone through EventLoader, parsed in `threads` segments.
    public static func ingest(_ d: PipelineData, threads: Int = 1) throws -> EventLoadResult {
        try EventLoader.load(path: d.eventsPath, threads: threads)
    }

    /// Load + join: events and fundamentals loaded and joined (LayoffDataset).
    public static func loadJoined(_ d: PipelineData) throws -> LayoffDataset {
        try LayoffDataset.load(eventsPath: d.eventsPath, fundamentalsPath: d.fundamentalsPath)
    }

    /// Rolling 90-day rates at month ends, by `column` ("industry" or "company").
    public static func rolling(_ data: LayoffDataset, by column: String) throws -> RollingRates {
        try RollingRates(events: data.events, workforce: data.workforce, window: .days(90),
                         schedule: .monthEnd, grouping: .by(column))
    }

    /// Monthly year-over-year by industry plus year-to-date by industry (as of the last event day).
    public static func yoyAndYTD(_ data: LayoffDataset) throws -> (YearOverYear, YearToDate) {
        let yoy = try YearOverYear(events: data.events, unit: .month, grouping: .by("industry"))
        let asOf = data.events.day.max()!
        let ytd = try YearToDate(events: data.events, asOf: asOf, grouping: .by("industry"))
        return (yoy, ytd)
    }

    /// The two stages above from one shared sort: `GroupedEvents` by industry, then rolling
    /// rates, monthly year over year and year to date from it (what the report does).
    public static func sharedIndustryAnalyses(_ data: LayoffDataset) throws -> (RollingRates, YearOverYear, YearToDate) {
        let grouped = try GroupedEvents(events: data.events, workforce: data.workforce, grouping: .by("industry"))
        let asOf = data.events.day.max()!
        return (try RollingRates(grouped: grouped, window: .days(90), schedule: .monthEnd),
                try YearOverYear(grouped: grouped, unit: .month), try YearToDate(grouped: grouped, asOf: asOf))
    }

    /// The formula fit over the joined events read in blocks (the report's path) with HC3
    /// or cluster-by-company errors.
    public static func regression(_ data: LayoffDataset, covariance: Covariance, threads: Int = 1) throws -> RegressionResult {
        let source = RegressionBlockSource(events: data.events, fundamentals: data.fundamentalsLoad!.fundamentals, join: data.join!)
        return try LinearModel.fit(formula, source: source, covariance: covariance,
                                   options: .init(threads: threads, blockRows: 8192, keepRows: false))
    }

    /// The whole report (default options) from the loaded dataset.
    public static func report(_ data: LayoffDataset) throws -> ReportDocument {
        try ReportBuilder.build(data: data, options: ReportOptions())
    }
}

import ArgumentParser

/// The `layoffs` command tree.
struct LayoffsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layoffs",
        abstract: "Statistics for workforce-layoff data: rolling rates, year-over-year, cut-size regression.",
        version: "0.1.0",
        subcommands: [ReportCommand.self, SummaryCommand.self, EventsCommand.self, RegressCommand.self, RollingCommand.self, YoYCommand.self, ValidateCommand.self, MatchCommand.self, GenerateCommand.self, NotebookCommand.self]
    )
}

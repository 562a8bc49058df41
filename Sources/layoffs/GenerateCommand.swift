import ArgumentParser
import LayoffKit

/// `layoffs generate`: synthetic data with known parameters.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write synthetic events and fundamentals from a model with known parameters.",
        discussion: """
        The model (see SyntheticLayoffs in LayoffKit): log(cut) = -1.5 + 0.8·log(employees) \
        - 0.02·revenue_growth + N(0, 0.6²). The same options give the same bytes.

        --shape export (the default) writes files shaped like the layoffs.fyi export: a \
        source URL per event, 12 years of dates (latest first), M/D/YYYY dates, counts like \
        575.0, missing (empty or Unknown) or quoted ("575.0"), quoted locations with commas, \
        one company per five events and fundamentals for a tenth of them. --shape compact \
        writes the earlier compact files: a source URL per month, six years, fundamentals \
        for every company.

        Examples:
          layoffs generate --events 1000000 --companies 200000 --out /tmp/export
          layoffs generate --shape compact --events 1000000 --companies 20000 --out /tmp/compact
        """
    )

    @Option(help: "Number of events.") var events: Int = 100_000
    @Option(help: "Number of companies (default: one per five events for --shape export, 2,000 for compact).") var companies: Int?
    @Option(help: "File shape: export (like the layoffs.fyi export) or compact.") var shape: SyntheticLayoffs.Parameters.Shape = .export
    @Option(name: .customLong("fundamentals-share"), help: "Share of the companies with fundamentals rows, 0–1 (default: 0.1 for export, 1 for compact).") var fundamentalsShare: Double?
    @Option(name: .customLong("first-year"), help: "First calendar year of the event dates (default: 2015 for export, 2020 for compact).") var firstYear: Int?
    @Option(name: .customLong("last-year"), help: "Last calendar year of the event dates (default: 2026 for export, 2025 for compact).") var lastYear: Int?
    @Option(help: "Random seed.") var seed: UInt64 = 42
    @Option(help: "Output folder (created if needed); writes events.csv and fundamentals.csv.") var out: String

    func validate() throws {
        guard events >= 0 else { throw ValidationError("--events must be ≥ 0") }
        if let companies { guard companies >= 1 else { throw ValidationError("--companies must be ≥ 1") } }
        if let fundamentalsShare {
            guard fundamentalsShare >= 0 && fundamentalsShare <= 1 else { throw ValidationError("--fundamentals-share must be between 0 and 1") }
        }
        let first = firstYear ?? (shape == .export ? 2015 : 2020), last = lastYear ?? max(first, shape == .export ? 2026 : 2025)
        guard first <= last else { throw ValidationError("--first-year must not be after --last-year") }
        let p = parameters
        guard p.years.lowerBound >= 1901 && p.years.upperBound <= 9998 else {
            throw ValidationError("--first-year and --last-year must lie in 1901–9998")
        }
    }

    /// The generator's settings: the shape's defaults, then the options given.
    var parameters: SyntheticLayoffs.Parameters {
        var p = SyntheticLayoffs.Parameters(events: events, companies: companies ?? (shape == .export ? max(1, events / 5) : 2_000),
                                            seed: seed, shape: shape)
        if let fundamentalsShare { p.fundamentalsShare = fundamentalsShare }
        let first = firstYear ?? p.years.lowerBound, last = lastYear ?? max(first, p.years.upperBound)
        p.years = first...max(first, last)
        return p
    }

    func run() throws {
        let p = parameters
        let gen: SyntheticLayoffs
        do { gen = try SyntheticLayoffs(p) } catch {
            throw CLIError(message: "layoffs generate: \(error)", code: Exit.usage)
        }
        try makeDirectory(out)
        let listed: Int
        do {
            listed = try gen.write(eventsPath: out + "/events.csv", fundamentalsPath: out + "/fundamentals.csv")
        } catch {
            throw CLIError(message: "layoffs generate: \(error)", code: Exit.cannotCreate)
        }
        printError("wrote \(out)/events.csv (\(p.events) events, \(p.companies) companies, \(p.years.lowerBound)–\(p.years.upperBound)) "
                   + "and \(out)/fundamentals.csv (\(listed) companies × \(p.fiscalYears.count) years)")
    }
}

extension SyntheticLayoffs.Parameters.Shape: ExpressibleByArgument {}

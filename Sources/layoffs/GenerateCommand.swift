import ArgumentParser
import LayoffKit

/// `layoffs generate`: synthetic data with known parameters.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write synthetic events and fundamentals from a model with known parameters.",
        discussion: """
        The model (see SyntheticLayoffs in LayoffKit): log(cut) = -1.5 + 0.8·log(employees) \
        - 0.02·revenue_growth + N(0, 0.6²). The same seed gives the same bytes.

        Example:
          layoffs generate --events 100000 --companies 2000 --seed 42 --out /tmp/synth
        """
    )

    @Option(help: "Number of events.") var events: Int = 100_000
    @Option(help: "Number of companies.") var companies: Int = 2_000
    @Option(help: "Random seed.") var seed: UInt64 = 42
    @Option(help: "Output folder (created if needed); writes events.csv and fundamentals.csv.") var out: String

    func validate() throws {
        guard events >= 0 else { throw ValidationError("--events must be ≥ 0") }
        guard companies >= 1 else { throw ValidationError("--companies must be ≥ 1") }
    }

    func run() throws {
        let gen: SyntheticLayoffs
        do { gen = try SyntheticLayoffs(.init(events: events, companies: companies, seed: seed)) } catch {
            throw CLIError(message: "layoffs generate: \(error)", code: Exit.usage)
        }
        try makeDirectory(out)
        do {
            try gen.write(eventsPath: out + "/events.csv", fundamentalsPath: out + "/fundamentals.csv")
        } catch {
            throw CLIError(message: "layoffs generate: \(error)", code: Exit.cannotCreate)
        }
        printError("wrote \(out)/events.csv (\(events) events) and \(out)/fundamentals.csv (\(companies) companies × \(SyntheticLayoffs.fiscalYears.count) years)")
    }
}

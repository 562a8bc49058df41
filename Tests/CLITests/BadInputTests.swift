import Foundation
import Testing

/// The bad-input corpus (issue: Hardening): every file in Tests/CLITests/BadInput is run
/// through the real binary as listed in BadInput/manifest.json, with the corpus folder
/// as the working directory so messages hold relative names only, and the exit status,
/// stdout and stderr must match exactly.
@Suite struct BadInputTests {
    struct Case: Decodable, CustomTestStringConvertible, Sendable {
        var args: [String]
        var note: String
        var status: Int32
        /// nil: not compared (a successful run's table).
        var stdout: String?
        var stderr: String
        var testDescription: String { args.joined(separator: " ") }
    }

    struct Manifest: Decodable {
        var cases: [Case]
    }

    static let folder = CLI.packageRoot.appendingPathComponent("Tests/CLITests/BadInput")

    static let cases: [Case] = {
        let url = folder.appendingPathComponent("manifest.json")
        guard let data = try? Data(contentsOf: url),
              let manifest = try? JSONDecoder().decode(Manifest.self, from: data) else { return [] }
        return manifest.cases
    }()

    /// Usage errors print ArgumentParser's usage text, which is wrapped to the terminal
    /// width; pin it.
    static let environment = ["COLUMNS": "80", "NO_COLOR": "1"]

    @Test func manifestCoversTheCorpus() throws {
        #expect(Self.cases.count >= 40)
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
            .filter { $0.hasSuffix(".csv") }
        #expect(files.count >= 40)
        let used = Set(Self.cases.flatMap(\.args))
        for f in files { #expect(used.contains(f), "\(f) is not used by any case") }
    }

    @Test(arguments: BadInputTests.cases)
    func corpusCase(_ c: Case) throws {
        let r = try CLI.run(c.args, in: Self.folder, environment: Self.environment)
        #expect(r.status == c.status, "\(c.note)")
        #expect(r.stderr == c.stderr, "\(c.note)")
        if let out = c.stdout { #expect(r.stdout == out, "\(c.note)") }
    }

    // MARK: - Cases generated at run time

    static let header = "company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,funds_raised,country,date_added"

    /// A 20 MB field is loaded (it is only text); a 20 MB value that is a problem is
    /// shown shortened with its size, not echoed in full.
    @Test func twentyMegabyteFields() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let big = String(repeating: "9", count: 20_000_000)
        let source = Self.header + "\nA,Austin,100,1/15/2023,0.1,Retail,https://x/" + big + ",Post-IPO,,United States,\n"
        try source.write(to: dir.appendingPathComponent("huge-source.csv"), atomically: false, encoding: .utf8)
        let ok = try CLI.run(["validate", "--data", "huge-source.csv"], in: dir, environment: Self.environment)
        #expect(ok.status == 0)
        #expect(ok.stderr == "")
        #expect(ok.stdout == "No problems found.\n\nhuge-source.csv: 1 row\n0 problem(s) in 0 row(s)\n0 exact duplicate event(s)\n")

        let date = Self.header + "\nA,Austin,100," + big + ",0.1,Retail,https://x,Post-IPO,,United States,\n"
        try date.write(to: dir.appendingPathComponent("huge-date.csv"), atomically: false, encoding: .utf8)
        let shown = String(repeating: "9", count: 100) + "…[20000000 bytes]"
        let v = try CLI.run(["validate", "--data", "huge-date.csv"], in: dir, environment: Self.environment)
        #expect(v.status == 65)
        #expect(v.stdout == "huge-date.csv:2:4 (date): \"\(shown)\" is not a date; expected M/D/YYYY or YYYY-MM-DD\n\n"
            + "huge-date.csv: 1 row\n1 problem(s) in 1 row(s)\n0 exact duplicate event(s)\n")
        let s = try CLI.run(["summary", "--data", "huge-date.csv"], in: dir, environment: Self.environment)
        #expect(s.status == 65)
        #expect(s.stdout == "")
        #expect(s.stderr == "layoffs: huge-date.csv: 1 problem; nothing was loaded (use --skip-invalid to load the rest):\n"
            + "  huge-date.csv:2:4 (date): \"\(shown)\" is not a date; expected M/D/YYYY or YYYY-MM-DD\n")
    }

    // MARK: - Nothing lost

    /// Names of the entries of `dir`, hidden ones included.
    func entries(_ dir: URL) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
    }

    /// A command that fails on its input leaves an existing `--out` file byte for byte and
    /// leaves no temporary file behind.
    @Test(arguments: [
        ["yoy", "--period", "year"], ["summary"], ["rolling", "--window", "30d"],
    ])
    func failingCommandKeepsPreviousOutput(_ command: [String]) throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let bad = Self.folder.appendingPathComponent("date-feb-30.csv")
        try FileManager.default.copyItem(at: bad, to: dir.appendingPathComponent("bad.csv"))
        let previous = Array("period,cut\n2023,100\n".utf8) + [0xFF, 0x00, 0x0A]  // any bytes
        try Data(previous).write(to: dir.appendingPathComponent("existing.csv"))
        let before = try entries(dir)
        let r = try CLI.run(command + ["--data", "bad.csv", "--out", "existing.csv", "--format", "csv"], in: dir)
        #expect(r.status == 65)
        #expect(r.stderr.hasPrefix("layoffs: bad.csv: 1 problem; nothing was loaded"))
        #expect(Array(try Data(contentsOf: dir.appendingPathComponent("existing.csv"))) == previous)
        #expect(try entries(dir) == before)
    }

    /// The same when the output cannot be written: the directory of `--out` is left as it was.
    @Test func unwritableOutputLeavesNothing() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Self.folder.appendingPathComponent("good.csv"), to: dir.appendingPathComponent("good.csv"))
        // `--out` names an existing directory: the rename over it fails after the
        // temporary file was written, which must then be removed.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("out.csv"), withIntermediateDirectories: false)
        let before = try entries(dir)
        let r = try CLI.run(["yoy", "--data", "good.csv", "--out", "out.csv", "--format", "csv"], in: dir)
        #expect(r.status == 73)
        #expect(r.stderr == "layoffs: cannot write out.csv: Is a directory\n")
        #expect(try entries(dir) == before)
        #expect(try entries(dir.appendingPathComponent("out.csv")).isEmpty)
    }

    /// A failing command that succeeds when run again overwrites the output; the previous
    /// run's bytes are intact until then.
    @Test func successfulRunReplacesOutput() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Self.folder.appendingPathComponent("good.csv"), to: dir.appendingPathComponent("good.csv"))
        try Data("old\n".utf8).write(to: dir.appendingPathComponent("out.csv"))
        let r = try CLI.run(["yoy", "--data", "good.csv", "--period", "year", "--out", "out.csv", "--format", "csv"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOf: dir.appendingPathComponent("out.csv"), encoding: .utf8)
        #expect(text.hasPrefix("period,group,events,events_with_count,companies,cut,"))
        #expect(try entries(dir) == ["good.csv", "out.csv"])
    }

    /// `notebook run` on a notebook whose block fails leaves the notebook byte-identical
    /// and no temporary file beside it.
    @Test(arguments: [
        // A block whose command fails on its data.
        "# Report\r\n\r\n```layoffs\r\nsummary --data bad.csv --format markdown\r\n```\r\n\r\nText after.\r\n",
        // A first block that works and a second that fails: nothing is written at all.
        "# Report\n\n```layoffs\nsummary --data good.csv --format markdown\n```\n\n```layoffs\nyoy --data bad.csv\n```\n",
        // An existing output section stays as it was.
        "```layoffs\nsummary --data bad.csv\n```\n<!-- layoffs:output -->\nold output\n<!-- layoffs:end -->\n",
        // A syntax error in a block.
        "```layoffs\nsummary --data good.csv | head\n```\n",
        // An unclosed block.
        "```layoffs\nsummary --data good.csv\n",
    ])
    func failingNotebookIsUntouched(_ notebook: String) throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Self.folder.appendingPathComponent("date-feb-30.csv"), to: dir.appendingPathComponent("bad.csv"))
        try FileManager.default.copyItem(at: Self.folder.appendingPathComponent("good.csv"), to: dir.appendingPathComponent("good.csv"))
        let bytes = Array(notebook.utf8)
        try Data(bytes).write(to: dir.appendingPathComponent("report.md"))
        let before = try entries(dir)
        let r = try CLI.run(["notebook", "run", "report.md"], in: dir)
        #expect(r.status != 0)
        #expect(r.status != 1, "a failing notebook exits with a sysexits code: \(r.stderr)")
        #expect(!r.stderr.isEmpty)
        #expect(Array(try Data(contentsOf: dir.appendingPathComponent("report.md"))) == bytes)
        #expect(try entries(dir) == before)
    }
}

import Foundation
import Testing

/// A single-valued option given twice is a usage error that names it: the parser alone
/// would keep the last value without a word.
@Suite struct RepeatedOptionTests {
    /// The parser's own description of a command (`--experimental-dump-help`).
    struct Dump: Decodable {
        struct Name: Decodable { var kind: String, name: String }
        struct Argument: Decodable { var kind: String, isRepeating: Bool, names: [Name]? }
        struct Command: Decodable { var commandName: String, arguments: [Argument]?, subcommands: [Command]? }
        var command: Command
    }

    static func dump(_ args: [String]) throws -> Dump.Command {
        let r = try CLI.run(args + ["--experimental-dump-help"])
        return try JSONDecoder().decode(Dump.self, from: Data(r.stdout.utf8)).command
    }

    /// Every single-valued option of every command, as the parser lists them.
    static func singleValued() throws -> [(command: [String], option: String)] {
        var out: [(command: [String], option: String)] = []
        func walk(_ path: [String]) throws {
            let c = try dump(path)
            for a in c.arguments ?? [] where a.kind == "option" && !a.isRepeating {
                guard let n = a.names?.first(where: { $0.kind == "long" }) else { continue }
                if n.name == "experimental-dump-help" { continue }
                out.append((path, "--" + n.name))
            }
            for s in c.subcommands ?? [] where s.commandName != "help" { try walk(path + [s.commandName]) }
        }
        for s in try dump([]).subcommands ?? [] where s.commandName != "help" { try walk([s.commandName]) }
        return out
    }

    @Test func everySingleValuedOptionGivenTwiceIsAUsageErrorNamingIt() throws {
        let options = try Self.singleValued()
        // summary, yoy, rolling, regress, report, events, validate, generate all have some.
        #expect(Set(options.map { $0.command[0] }).count >= 8)
        #expect(options.contains { $0.command == ["yoy"] && $0.option == "--as-of" })
        for (command, option) in options {
            // The values need not parse: the repetition is reported first.
            let r = try CLI.run(command + [option, "first", option + "=second"])
            #expect(r.status == 64, "\(command) \(option): \(r.stderr)")
            #expect(r.stderr.contains("\(option) was given 2 times ('first', 'second'); it takes one value"),
                    "\(command) \(option): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }

    @Test func repeatableOptionsAndFlagsStillRepeat() throws {
        let e = try CLI.run(["events", "--company", "Cisco", "--company", "Instacart", "--from", "2024-01-01",
                             "--to", "2024-04-03", "--format", "csv"])
        #expect(e.status == 0, "\(e.stderr)")
        #expect(e.stdout.contains("Cisco") && e.stdout.contains("Instacart"))
        let q = try CLI.run(["summary", "--quiet", "--quiet", "--format", "csv"])
        #expect(q.status == 0, "\(q.stderr)")
        // A value that looks like an option is a value: `--formula` takes "- 1" once here.
        let f = try CLI.run(["regress", "--formula", "log(total_laid_off) ~ log(employees) - 1", "--format", "json"])
        #expect(f.status == 0, "\(f.stderr)")
    }

    @Test func inANotebookTheBlockFailsWithTheSameMessage() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let nb = dir.appendingPathComponent("n.md")
        let text = "# N\n\n```layoffs\nyoy --period year --period month\n```\n"
        try text.write(to: nb, atomically: true, encoding: .utf8)
        let r = try CLI.run(["notebook", "run", nb.path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--period was given 2 times ('year', 'month')"), "\(r.stderr)")
        #expect(try String(contentsOf: nb, encoding: .utf8) == text)
    }
}

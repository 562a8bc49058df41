import ArgumentParser
import StatKit
import LayoffReport
#if canImport(Glibc)
import Glibc
#endif

/// `layoffs notebook run|check`.
struct NotebookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notebook",
        abstract: "Run or check executable markdown notebooks (```layoffs blocks).",
        discussion: """
        A notebook is markdown whose ```layoffs fenced blocks hold layoffs commands. `run` \
        executes them in order, in-process, and writes each result between \
        <!-- layoffs:output --> and <!-- layoffs:end --> after its block; `check` re-runs \
        in memory and exits 1 with a unified diff if anything would change. Notebooks may \
        only run layoffs commands, read inside their folder and Datasets/, and write \
        inside their folder.

        Examples:
          layoffs notebook run Notebooks-md/01-the-story.md
          layoffs notebook check Notebooks-md/*.md
        """,
        subcommands: [Run.self, Check.self]
    )

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Execute notebooks and write their outputs.")
        @Argument(help: "Notebook files.") var notebooks: [String]
        func run() throws {
            for path in notebooks {
                let runner = NotebookRunner(executor: CLINotebookExecutor(), datasetsDirectory: findDatasets(near: path))
                do {
                    let s = try runner.run(notebookAt: path)
                    printError("\(path): \(s.blockCount) block(s), \(s.notebookChanged ? "updated" : "unchanged")"
                               + (s.filesWritten.isEmpty ? "" : ", wrote \(s.filesWritten.joined(separator: ", "))"))
                } catch {
                    throw CLIError(message: "layoffs notebook: \(error)", code: error.kind == .io ? Exit.noInput : Exit.dataError)
                }
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Exit 1 with a diff if running the notebooks would change them.")
        @Argument(help: "Notebook files.") var notebooks: [String]
        func run() throws {
            var stale = 0
            for path in notebooks {
                let runner = NotebookRunner(executor: CLINotebookExecutor(), datasetsDirectory: findDatasets(near: path))
                do {
                    let r = try runner.check(notebookAt: path)
                    if r.isUpToDate { printError("\(path): up to date") } else { stale += 1; print(r.report) }
                } catch {
                    throw CLIError(message: "layoffs notebook: \(error)", code: error.kind == .io ? Exit.noInput : Exit.dataError)
                }
            }
            if stale > 0 {
                printError("\(stale) notebook(s) out of date; run `layoffs notebook run` to update")
                throw ExitCode(1)
            }
        }
    }
}

/// The `Datasets/` folder of the project a notebook belongs to: the first ancestor of
/// the notebook's folder that has one.
func findDatasets(near notebookPath: String) -> String? {
    var dir = notebookPath.hasPrefix("/") ? notebookPath : currentDirectory() + "/" + notebookPath
    while let slash = dir.lastIndex(of: "/") {
        dir = String(dir[..<slash])
        let candidate = (dir.isEmpty ? "" : dir) + "/Datasets"
        var st = stat()
        if stat(candidate, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR { return candidate }
        if dir.isEmpty { break }
    }
    return nil
}

func currentDirectory() -> String {
    var buf = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buf, buf.count) != nil else { return "." }
    return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Runs notebook command lines through the CLI's own parser, in-process.
struct CLINotebookExecutor: NotebookExecutor {
    var pathOptions: NotebookPathOptions {
        NotebookPathOptions(input: ["--data", "--fundamentals", "--aliases", "--series"], output: ["--out"])
    }

    func execute(arguments: [String], context: NotebookContext) throws -> NotebookCellOutput {
        guard let first = arguments.first else { throw CLIError(message: "empty command", code: Exit.usage) }
        if first == "notebook" { throw CLIError(message: "a notebook cannot run `layoffs notebook`", code: Exit.usage) }
        if first == "generate" { throw CLIError(message: "`layoffs generate` writes many files; run it outside notebooks", code: Exit.usage) }
        try RepeatedOptions.check(root: LayoffsCommand.self, arguments: arguments)
        let parsed: ParsableCommand
        do {
            parsed = try LayoffsCommand.parseAsRoot(arguments)
        } catch {
            throw CLIError(message: LayoffsCommand.fullMessage(for: error), code: Exit.usage)
        }
        guard let command = parsed as? any LayoffsSubcommand else {
            throw CLIError(message: "`\(first)` cannot run inside a notebook", code: Exit.usage)
        }
        let env = ExecutionEnvironment(notebook: context, color: false, progress: false)
        let output = try command.execute(in: env)
        if let code = output.exitCode, code != 0 {
            throw CLIError(message: "`\(arguments.joined(separator: " "))` exited with status \(code):\n" + output.text, code: code)
        }
        var markdown: String
        if let out = command.outPath {
            // The result goes to a file inside the notebook's folder; show where.
            markdown = "Wrote `\(env.displayName(out))`.\n"
            var cell = NotebookCellOutput(markdown: markdown)
            cell.files.append(NotebookFile(path: out, bytes: Array(output.text.utf8)))
            for f in output.files { cell.files.append(NotebookFile(path: f.path, bytes: f.bytes)) }
            return cell
        }
        switch output.format {
        case .markdown: markdown = output.text
        default: markdown = "```text\n" + output.text + (output.text.hasSuffix("\n") ? "" : "\n") + "```\n"
        }
        var cell = NotebookCellOutput(markdown: markdown)
        for f in output.figures {
            cell.figures.append(NotebookFigure(name: f.name, bytes: f.bytes, altText: f.alt))
        }
        return cell
    }
}

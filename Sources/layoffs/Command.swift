import ArgumentParser
import StatKit
import LayoffKit
import LayoffReport

/// How a command is being run: from a shell, or in-process by the notebook runner.
struct ExecutionEnvironment {
    /// Running inside `layoffs notebook run|check`.
    var notebook: NotebookContext?
    /// Whether ANSI colour may be used in table output.
    var color: Bool
    /// Whether progress may be shown on stderr.
    var progress: Bool

    /// A shell run: colour and progress only on a terminal, never under NO_COLOR.
    static func shell(quiet: Bool) -> ExecutionEnvironment {
        ExecutionEnvironment(notebook: nil, color: colorAllowed, progress: !quiet && stderrIsTerminal)
    }

    /// Turns a path received by the command into the name shown in outputs. In a
    /// notebook, paths arrive absolute; they are shown relative to the notebook (or as
    /// `Datasets/NAME`) so the notebook's bytes do not depend on where the clone lives.
    func displayName(_ path: String) -> String {
        guard let nb = notebook else { return path }
        if path.hasPrefix(nb.notebookDirectory + "/") { return String(path.dropFirst(nb.notebookDirectory.count + 1)) }
        if let ds = nb.datasetsDirectory, path.hasPrefix(ds + "/") {
            return "Datasets/" + String(path.dropFirst(ds.count + 1))
        }
        return path.split(separator: "/").last.map(String.init) ?? path
    }
}

/// A subcommand whose work is separated from where its output goes, so the notebook
/// runner can execute it in-process and capture the result.
protocol LayoffsSubcommand: ParsableCommand {
    /// `--out` when the command has one.
    var outPath: String? { get }
    /// `--quiet` when the command has one.
    var isQuiet: Bool { get }
    /// Does the work and returns what to print (or write to `--out`).
    func execute(in environment: ExecutionEnvironment) throws -> CommandOutput
}

extension LayoffsSubcommand {
    var outPath: String? { nil }
    var isQuiet: Bool { false }

    func run() throws {
        let output = try execute(in: .shell(quiet: isQuiet))
        // Outside notebooks, figures are written beside --out (or in the current folder).
        if !output.figures.isEmpty {
            var dir = "."
            if let out = outPath, let slash = out.lastIndex(of: "/") { dir = String(out[..<slash]) }
            for f in output.figures {
                output.files.append((dir + "/" + f.name, f.bytes))
                if !isQuiet { output.diagnostics.append("wrote \(dir)/\(f.name)") }
            }
        }
        try emit(output, to: outPath)
        if let code = output.exitCode { throw ExitCode(code) }
    }
}

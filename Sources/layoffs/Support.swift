import ArgumentParser
import StatKit
import LayoffKit
import LayoffReport
#if canImport(Glibc)
import Glibc
#endif

/// Output formats shared by the commands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, markdown, csv, json
}

/// Exit codes from sysexits(3), so scripts can tell a bad file from a bad flag.
enum Exit {
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    static let software: Int32 = 70
    static let cannotCreate: Int32 = 73
    static let ioError: Int32 = 74
}

/// An error the CLI reports on stderr with a sysexits code.
struct CLIError: Error, CustomStringConvertible {
    var message: String
    var code: Int32
    var description: String { message }
}

/// Where a command's results go. The CLI writes to stdout (or `--out`, atomically);
/// the notebook runner collects them in memory.
final class CommandOutput: @unchecked Sendable {
    /// The main text result.
    var text: String = ""
    /// Extra files to write (e.g. a report's figures), by path.
    var files: [(path: String, bytes: [UInt8])] = []
    /// Figures for notebooks: a file name, its bytes and alternative text. In a shell run
    /// commands that draw charts put them in ``files`` instead.
    var figures: [(name: String, bytes: [UInt8], alt: String)] = []
    /// Notes for stderr (excluded rows and the like) when not writing to a terminal table.
    var diagnostics: [String] = []
    /// The format `text` is in (notebooks wrap non-markdown output in a fence).
    var format: OutputFormat = .markdown
    /// A non-zero exit status to return after emitting (e.g. `validate` found problems).
    var exitCode: Int32?

    func write(_ s: String) { text += s }
    func line(_ s: String = "") { text += s + "\n" }
}

/// Writes to standard error.
func printError(_ s: String) {
    var s = s
    if !s.hasSuffix("\n") { s += "\n" }
    let bytes = Array(s.utf8)
    _ = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
}

/// Whether `NO_COLOR` is set or stdout is not a terminal.
var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) != 0 }
var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }
var colorAllowed: Bool { stdoutIsTerminal && getenv("NO_COLOR") == nil }

/// Emits `output` to stdout or to `outPath`, and its side files, each atomically.
func emit(_ output: CommandOutput, to outPath: String?) throws {
    do {
        // Side files (figures, --influence) first: a failure leaves the main output unwritten.
        for f in output.files { try AtomicFile.write(f.bytes, to: f.path) }
        if let outPath { try AtomicFile.write(output.text, to: outPath) }
    } catch {
        throw CLIError(message: "layoffs: \(error)", code: Exit.cannotCreate)
    }
    if outPath == nil { print(output.text, terminator: "") }
    for d in output.diagnostics { printError(d) }
}

/// Creates a directory (and parents) if it does not exist.
func makeDirectory(_ path: String) throws {
    var partial = path.hasPrefix("/") ? "/" : ""
    for comp in path.split(separator: "/") {
        partial += (partial.isEmpty || partial.hasSuffix("/") ? "" : "/") + comp
        var st = stat()
        if stat(partial, &st) == 0 { continue }
        if mkdir(partial, 0o755) != 0 && errno != EEXIST {
            throw CLIError(message: "layoffs: cannot create directory \(partial): \(String(cString: strerror(errno)))", code: Exit.cannotCreate)
        }
    }
}

import Foundation
import LayoffReport

/// A scripted executor. Commands:
/// - `fail …`: throws.
/// - `plot NAME TEXT`: a figure `NAME` with bytes `<svg>TEXT</svg>` and markdown `Plot TEXT`.
/// - `linked NAME`: a figure whose markdown links it itself.
/// - `raw TEXT`: markdown `TEXT`, with the two-character sequences `\\n` and `\\r` turned
///   into line feed and carriage return.
/// - `emit PATH TEXT`: an output file at `PATH`.
/// - anything else: markdown ``ran `a|b|c` `` (arguments joined by `|`) plus `suffix`.
final class FakeExecutor: NotebookExecutor {
    struct Failure: Error, CustomStringConvertible {
        var description: String { "simulated failure" }
    }

    var suffix = ""
    private(set) var calls: [[String]] = []
    private(set) var contexts: [NotebookContext] = []

    func execute(arguments: [String], context: NotebookContext) throws -> NotebookCellOutput {
        calls.append(arguments)
        contexts.append(context)
        switch arguments.first {
        case "fail":
            throw Failure()
        case "plot":
            return NotebookCellOutput(
                markdown: "Plot \(arguments[2])",
                figures: [NotebookFigure(name: arguments[1], bytes: Array("<svg>\(arguments[2])</svg>".utf8))])
        case "linked":
            return NotebookCellOutput(
                markdown: "See ![chart](\(context.figureLink(arguments[1])))",
                figures: [NotebookFigure(name: arguments[1], bytes: Array("<svg/>".utf8))])
        case "raw":
            let text = arguments[1].split(separator: "\\n", omittingEmptySubsequences: false).joined(separator: "\n")
            return NotebookCellOutput(
                markdown: text.split(separator: "\\r", omittingEmptySubsequences: false).joined(separator: "\r"))
        case "emit":
            return NotebookCellOutput(markdown: "wrote", files: [NotebookFile(path: arguments[1], bytes: Array(arguments[2].utf8))])
        default:
            return NotebookCellOutput(markdown: "ran `\(arguments.joined(separator: "|"))`\(suffix)")
        }
    }
}

/// A temporary folder removed at the end of the test.
final class TemporaryFolder {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("notebook-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        // Resolve /tmp symlinks so expected paths match the engine's physical paths.
        path = URL(fileURLWithPath: base.path).resolvingSymlinksInPath().path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func url(_ name: String) -> String { path + "/" + name }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let target = url(name)
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        return target
    }

    func read(_ name: String) -> String? {
        guard let data = FileManager.default.contents(atPath: url(name)) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: url(name)) }

    func mkdir(_ name: String) throws {
        try FileManager.default.createDirectory(atPath: url(name), withIntermediateDirectories: true)
    }

    func symlink(_ name: String, to destination: String) throws {
        try FileManager.default.createSymbolicLink(atPath: url(name), withDestinationPath: destination)
    }

    /// Every file under the folder with its contents, for "nothing changed" checks.
    func snapshot() -> [String: String] {
        var result: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: path)
        while let name = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url(name), isDirectory: &isDirectory), !isDirectory.boolValue {
                result[name] = read(name)
            } else {
                result[name + "/"] = ""
            }
        }
        return result
    }
}

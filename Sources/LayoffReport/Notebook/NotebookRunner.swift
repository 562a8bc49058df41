import StatKit

/// A file the run writes: a figure or another command output.
public struct NotebookOutputFile: Sendable, Equatable {
    /// Absolute, symlink-free path.
    public var path: String
    /// Path relative to the notebook's folder, for messages (e.g. `report_files/yoy.svg`).
    public var name: String
    /// The file's bytes.
    public var bytes: [UInt8]
    /// Whether the file is a figure in the figures folder.
    public var isFigure: Bool
}

/// The regenerated notebook, in memory.
public struct NotebookRendering: Sendable, Equatable {
    /// Absolute, symlink-free path of the notebook.
    public var notebookPath: String
    /// The notebook as read from disk.
    public var originalBytes: [UInt8]
    /// The notebook with every output section regenerated.
    public var renderedBytes: [UInt8]
    /// Figures and other files, in the order the commands produced them.
    public var files: [NotebookOutputFile]
    /// Absolute path of the figures folder (`<stem>_files` beside the notebook).
    public var figuresDirectory: String
    /// Number of `layoffs` blocks run.
    public var blockCount: Int
}

/// What ``NotebookRunner/run(notebookAt:)`` changed on disk.
public struct NotebookRunSummary: Sendable, Equatable {
    /// Whether the notebook file was rewritten (false when already up to date).
    public var notebookChanged: Bool
    /// Names (relative to the notebook's folder) of the files written because they were
    /// missing or different.
    public var filesWritten: [String]
    /// Number of `layoffs` blocks run.
    public var blockCount: Int

    /// Creates a summary.
    public init(notebookChanged: Bool, filesWritten: [String], blockCount: Int) {
        self.notebookChanged = notebookChanged
        self.filesWritten = filesWritten
        self.blockCount = blockCount
    }
}

/// A figure or output file that differs from what the notebook generates.
public struct NotebookFileDrift: Sendable, Equatable {
    /// Name relative to the notebook's folder.
    public var name: String
    /// True if the file does not exist; false if its content differs.
    public var isMissing: Bool

    /// Creates a drift record.
    public init(name: String, isMissing: Bool) {
        self.name = name
        self.isMissing = isMissing
    }
}

/// The outcome of ``NotebookRunner/check(notebookAt:)``.
public struct NotebookCheckResult: Sendable, Equatable {
    /// Unified diff from the notebook on disk to the regenerated one; empty when equal.
    public var notebookDiff: String
    /// Figures and files that are missing or differ, in generation order.
    public var driftedFiles: [NotebookFileDrift]

    /// Creates a check result.
    public init(notebookDiff: String, driftedFiles: [NotebookFileDrift]) {
        self.notebookDiff = notebookDiff
        self.driftedFiles = driftedFiles
    }

    /// Whether the notebook and all its files are up to date.
    public var isUpToDate: Bool { notebookDiff.isEmpty && driftedFiles.isEmpty }

    /// The diff followed by one line per drifted file; empty when up to date.
    public var report: String {
        var text = notebookDiff
        for file in driftedFiles {
            text += "\(file.name): \(file.isMissing ? "missing" : "differs from the regenerated file")\n"
        }
        return text
    }
}

/// Runs and checks executable notebooks.
///
/// ```swift
/// let runner = NotebookRunner(executor: cli, datasetsDirectory: "/repo/Datasets")
/// try runner.run(notebookAt: "docs/analysis.md")            // rewrite outputs
/// let result = try runner.check(notebookAt: "docs/analysis.md")
/// if !result.isUpToDate { print(result.report) }
/// ```
///
/// A run parses the whole notebook and checks every command's syntax and paths before
/// executing anything, executes all blocks in order in memory, and only if every block
/// succeeded writes the figures and files (each atomically through `AtomicFile`, unchanged
/// ones skipped, missing folders inside the notebook's folder created) and finally the
/// notebook. Figures left over from earlier runs are not deleted. Figures go to `<stem>_files/` beside the notebook, where `<stem>`
/// is the notebook's file name without its extension.
public struct NotebookRunner {
    /// The executor commands run through.
    public var executor: any NotebookExecutor
    /// The project's datasets folder, readable by notebooks; ignored if it does not exist.
    public var datasetsDirectory: String?

    /// Creates a runner.
    public init(executor: any NotebookExecutor, datasetsDirectory: String?) {
        self.executor = executor
        self.datasetsDirectory = datasetsDirectory
    }

    /// Runs the notebook and writes the results.
    ///
    /// - Throws: ``NotebookError``; nothing is written unless every block succeeded.
    @discardableResult
    public func run(notebookAt path: String) throws(NotebookError) -> NotebookRunSummary {
        let rendering = try render(notebookAt: path)
        var written: [String] = []
        for file in rendering.files {
            if try NotebookFS.read(file.path) == file.bytes { continue }
            if let slash = file.path.lastIndex(of: "/"), slash != file.path.startIndex {
                try NotebookFS.makeDirectory(String(file.path[..<slash]))
            }
            try write(file.bytes, to: file.path)
            written.append(file.name)
        }
        let changed = rendering.renderedBytes != rendering.originalBytes
        if changed { try write(rendering.renderedBytes, to: rendering.notebookPath) }
        return NotebookRunSummary(notebookChanged: changed, filesWritten: written, blockCount: rendering.blockCount)
    }

    /// Regenerates the notebook in memory and compares it with the disk.
    ///
    /// - Returns: The differences; ``NotebookCheckResult/isUpToDate`` when none.
    /// - Throws: ``NotebookError`` if the notebook cannot be regenerated.
    public func check(notebookAt path: String) throws(NotebookError) -> NotebookCheckResult {
        let rendering = try render(notebookAt: path)
        let base = rendering.notebookPath.split(separator: "/").last.map(String.init) ?? path
        let diff = UnifiedDiff.diff(
            old: rendering.originalBytes, new: rendering.renderedBytes,
            oldLabel: "a/" + base, newLabel: "b/" + base)
        var drift: [NotebookFileDrift] = []
        for file in rendering.files {
            let current = try NotebookFS.read(file.path)
            if current != file.bytes { drift.append(NotebookFileDrift(name: file.name, isMissing: current == nil)) }
        }
        return NotebookCheckResult(notebookDiff: diff, driftedFiles: drift)
    }

    /// Regenerates the notebook in memory without writing anything.
    ///
    /// - Throws: ``NotebookError`` naming the block and line for syntax errors, sandbox
    ///   violations, failing commands and unusable outputs.
    public func render(notebookAt path: String) throws(NotebookError) -> NotebookRendering {
        let absolute = path.hasPrefix("/") ? path : NotebookFS.currentDirectory() + "/" + path
        guard let notebookPath = NotebookFS.realPath(absolute) else {
            throw NotebookError(kind: .io, file: path, message: "cannot open the notebook: \(NotebookFS.errorText())")
        }
        guard let bytes = try NotebookFS.read(notebookPath) else {
            throw NotebookError(kind: .io, file: path, message: "cannot open the notebook: no such file")
        }
        let document = try NotebookDocument(bytes: bytes, file: path)

        let slash = notebookPath.lastIndex(of: "/")!
        let directory = slash == notebookPath.startIndex ? "/" : String(notebookPath[..<slash])
        let fileName = String(notebookPath[notebookPath.index(after: slash)...])
        let stem = fileName.lastIndex(of: ".").map { $0 == fileName.startIndex ? fileName : String(fileName[..<$0]) } ?? fileName
        let figuresName = stem + "_files"
        let figuresDirectory = (directory == "/" ? "" : directory) + "/" + figuresName
        let datasets = datasetsDirectory.flatMap { NotebookFS.realPath($0.hasPrefix("/") ? $0 : NotebookFS.currentDirectory() + "/" + $0) }
        let sandbox = NotebookSandbox(notebookDirectory: directory, datasetsDirectory: datasets)
        func relative(_ p: String) -> String {
            p == directory ? "." : String(p.dropFirst(directory == "/" ? 1 : directory.count + 1))
        }

        // Check every command before running any.
        let options = executor.pathOptions
        var prepared: [[(command: NotebookCommand, arguments: [String])]] = []
        for block in document.blocks {
            var commands: [(NotebookCommand, [String])] = []
            for command in block.commands {
                do {
                    commands.append((command, try Self.resolvePaths(command.arguments, options: options, sandbox: sandbox)))
                } catch {
                    throw NotebookError(kind: .sandbox, file: path, block: block.index, line: command.line, message: error.message)
                }
            }
            prepared.append(commands)
        }
        if NotebookFS.lexists(figuresDirectory) {
            do {
                let real = try sandbox.check(figuresDirectory, for: .write)
                guard NotebookFS.isDirectory(real) else {
                    throw NotebookError(kind: .io, file: path, message: "\(figuresName) exists and is not a folder")
                }
            } catch let error as NotebookSandbox.Violation {
                throw NotebookError(kind: .sandbox, file: path, message: "figures folder: \(error.message)")
            } catch let error as NotebookError {
                throw error
            } catch {
                throw NotebookError(kind: .io, file: path, message: "\(error)")
            }
        }

        // Execute.
        var sections: [[[UInt8]]] = []
        var files: [NotebookOutputFile] = []
        var seen: Set<String> = [notebookPath]
        for (block, commands) in zip(document.blocks, prepared) {
            var pieces: [String] = []
            for (command, arguments) in commands {
                let context = NotebookContext(
                    notebookPath: notebookPath, notebookDirectory: directory, datasetsDirectory: datasets,
                    figuresDirectory: figuresDirectory, figuresLink: NotebookText.percentEncode(figuresName),
                    blockIndex: block.index, blockLine: block.line, line: command.line)
                func fail(_ kind: NotebookError.Kind, _ message: String) -> NotebookError {
                    NotebookError(kind: kind, file: path, block: block.index, line: command.line, message: message)
                }
                let output: NotebookCellOutput
                do {
                    output = try executor.execute(arguments: arguments, context: context)
                } catch {
                    throw fail(.commandFailed, "`\(Self.display(command.arguments))` failed: \(error)")
                }
                var markdown = Self.trimmingTrailingNewlines(output.markdown)
                if Self.lines(markdown).contains(where: { NotebookText.isMarker($0, NotebookMarkers.end) }) {
                    throw fail(.invalidOutput, "the output contains the end marker `\(NotebookMarkers.end)`")
                }
                for figure in output.figures {
                    guard Self.isValidFigureName(figure.name) else {
                        throw fail(.invalidOutput, "invalid figure name `\(figure.name)` (use letters, digits, `.`, `_`, `-`)")
                    }
                    let target = figuresDirectory + "/" + figure.name
                    guard seen.insert(target).inserted else {
                        throw fail(.invalidOutput, "figure `\(figure.name)` is written twice")
                    }
                    files.append(NotebookOutputFile(path: target, name: relative(target), bytes: figure.bytes, isFigure: true))
                    let link = context.figureLink(figure.name)
                    if !markdown.contains(link) {
                        let alt = Self.escapeAltText(figure.altText ?? figure.name)
                        markdown += (markdown.isEmpty ? "" : "\n\n") + "![\(alt)](\(link))"
                    }
                }
                for file in output.files {
                    let target: String
                    do {
                        target = try sandbox.check(file.path, for: .write)
                    } catch {
                        throw NotebookError(kind: .sandbox, file: path, block: block.index, line: command.line,
                                            message: "output file: \(error.message)")
                    }
                    guard seen.insert(target).inserted else {
                        throw fail(.invalidOutput, "`\(file.path)` is the notebook or is written twice")
                    }
                    files.append(NotebookOutputFile(path: target, name: relative(target), bytes: file.bytes, isFigure: false))
                }
                if !markdown.isEmpty { pieces.append(markdown) }
            }
            let body = pieces.joined(separator: "\n\n")
            sections.append(body.isEmpty ? [] : Self.lines(body))
        }
        return NotebookRendering(
            notebookPath: notebookPath, originalBytes: bytes, renderedBytes: document.rendered(sections: sections),
            files: files, figuresDirectory: figuresDirectory, blockCount: document.blocks.count)
    }

    private func write(_ bytes: [UInt8], to path: String) throws(NotebookError) {
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw NotebookError(kind: .io, file: path, message: error.reason)
        }
    }

    /// Checks path-valued options and rewrites their values to resolved absolute paths.
    static func resolvePaths(
        _ arguments: [String], options: NotebookPathOptions, sandbox: NotebookSandbox
    ) throws(NotebookSandbox.Violation) -> [String] {
        var result = arguments
        var i = 0
        func access(_ name: String) -> NotebookSandbox.Access? {
            if options.output.contains(name) { return .write }
            if options.input.contains(name) { return .read }
            return nil
        }
        func checked(_ name: String, _ value: String, _ mode: NotebookSandbox.Access) throws(NotebookSandbox.Violation) -> String {
            if value == "-" { return value }
            do {
                return try sandbox.check(value, for: mode)
            } catch {
                throw NotebookSandbox.Violation(message: "\(name): \(error.message)")
            }
        }
        while i < arguments.count {
            let argument = arguments[i]
            if argument == "--" { break }
            if let mode = access(argument) {
                if i + 1 < arguments.count {
                    result[i + 1] = try checked(argument, arguments[i + 1], mode)
                }
                i += 2
                continue
            }
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("-") {
                let name = String(argument[..<equals])
                if let mode = access(name) {
                    result[i] = name + "=" + (try checked(name, String(argument[argument.index(after: equals)...]), mode))
                }
            }
            i += 1
        }
        return result
    }

    /// Splits text at line feeds, dropping a carriage return before each.
    static func lines(_ text: String) -> [[UInt8]] {
        text.utf8.split(separator: 10, omittingEmptySubsequences: false).map { line in
            var bytes = Array(line)
            if bytes.last == 13 { bytes.removeLast() }
            return bytes
        }
    }

    static func isValidFigureName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 255, !name.hasPrefix(".") else { return false }
        return name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || $0 == "." || $0 == "_" || $0 == "-"
        }
    }

    static func escapeAltText(_ text: String) -> String {
        var out = ""
        for c in text {
            if c == "\\" || c == "[" || c == "]" { out.append("\\") }
            out.append(c == "\n" || c == "\r" ? " " : c)
        }
        return out
    }

    static func trimmingTrailingNewlines(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        while let last = scalars.last, last == "\n" || last == "\r" { scalars.removeLast() }
        return String(scalars)
    }

    /// The command as it could be typed again (for messages).
    static func display(_ arguments: [String]) -> String {
        arguments.map { arg in
            arg.isEmpty || arg.contains(where: { " \t'\"\\|;&<>`$#".contains($0) })
                ? "'" + arg.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'" : arg
        }.joined(separator: " ")
    }
}

/// The command-line interpreter a notebook's `layoffs` blocks run through.
///
/// The notebook engine never spawns a process: every command line of a `layoffs`
/// block is split into arguments (shell-like quoting, no shell features) and handed to
/// ``execute(arguments:context:)``. The CLI implements this protocol by parsing the
/// arguments as it would its own `argv` (without the leading `layoffs`) and rendering
/// the result as markdown.
///
/// Executors must not write files themselves: figures go in
/// ``NotebookCellOutput/figures`` and other outputs (e.g. `--out`) in
/// ``NotebookCellOutput/files``. The engine writes everything only after every block
/// succeeded, so a failing notebook leaves the disk untouched.
public protocol NotebookExecutor {
    /// Which options take file paths. Their values are checked against the sandbox
    /// before any block runs, and are passed to ``execute(arguments:context:)``
    /// rewritten as absolute, symlink-free paths. Defaults to
    /// ``NotebookPathOptions/standard``.
    var pathOptions: NotebookPathOptions { get }

    /// Runs one command line.
    ///
    /// - Parameters:
    ///   - arguments: The arguments after `layoffs`, e.g. `["yoy", "--by", "industry"]`.
    ///     Values of ``pathOptions`` are absolute paths already checked by the sandbox.
    ///   - context: Where the notebook lives and which block and line is running.
    /// - Returns: The markdown to show under the block and any files to write.
    /// - Throws: Any error; the run fails, naming the block and line, and nothing is written.
    func execute(arguments: [String], context: NotebookContext) throws -> NotebookCellOutput
}

extension NotebookExecutor {
    /// The standard path-valued options of `layoffs`.
    public var pathOptions: NotebookPathOptions { .standard }
}

/// The options whose values are file paths, split into those read and those written.
///
/// Both `--name value` and `--name=value` spellings are recognised; an argument `--`
/// ends option scanning. The value `-` (standard input/output) is never treated as a path.
public struct NotebookPathOptions: Sendable, Equatable {
    /// Options naming files or folders the command reads. They must resolve inside the
    /// notebook's folder or the datasets folder.
    public var input: Set<String>
    /// Options naming files the command writes. They must resolve inside the notebook's folder.
    public var output: Set<String>

    /// Creates a set of path options.
    public init(input: Set<String>, output: Set<String>) {
        self.input = input
        self.output = output
    }

    /// `--data`, `--fundamentals`, `--aliases`, `--map` read; `--out` writes.
    public static let standard = NotebookPathOptions(
        input: ["--data", "--fundamentals", "--aliases", "--map"],
        output: ["--out"]
    )
}

/// What an executor knows about the command it is running.
public struct NotebookContext: Sendable, Equatable {
    /// Absolute, symlink-free path of the notebook file.
    public var notebookPath: String
    /// Absolute, symlink-free path of the folder holding the notebook. Relative paths in
    /// a notebook resolve against it.
    public var notebookDirectory: String
    /// Absolute path of the project's `Datasets/` folder, if it exists.
    public var datasetsDirectory: String?
    /// Absolute path of the folder figures are written to (`<stem>_files`).
    public var figuresDirectory: String
    /// The figures folder as a relative, percent-encoded link from the notebook
    /// (e.g. `report_files`).
    public var figuresLink: String
    /// 1-based index of the `layoffs` block among the notebook's `layoffs` blocks.
    public var blockIndex: Int
    /// 1-based line of the block's opening fence in the notebook file.
    public var blockLine: Int
    /// 1-based line of the command in the notebook file.
    public var line: Int

    /// Creates a context (the engine does this; public for executor tests).
    public init(
        notebookPath: String, notebookDirectory: String, datasetsDirectory: String?,
        figuresDirectory: String, figuresLink: String, blockIndex: Int, blockLine: Int, line: Int
    ) {
        self.notebookPath = notebookPath
        self.notebookDirectory = notebookDirectory
        self.datasetsDirectory = datasetsDirectory
        self.figuresDirectory = figuresDirectory
        self.figuresLink = figuresLink
        self.blockIndex = blockIndex
        self.blockLine = blockLine
        self.line = line
    }

    /// The relative link from the notebook to the figure named `name`, e.g.
    /// `report_files/yoy.svg`, for use in ``NotebookCellOutput/markdown``.
    public func figureLink(_ name: String) -> String {
        figuresLink + "/" + NotebookText.percentEncode(name)
    }
}

/// A figure produced by a command, written into the notebook's figures folder.
public struct NotebookFigure: Sendable, Equatable {
    /// File name inside the figures folder: letters, digits, `.`, `_`, `-`, not starting
    /// with `.`; unique within the notebook (prefix it with the block index if needed).
    public var name: String
    /// The file's bytes (e.g. an SVG document).
    public var bytes: [UInt8]
    /// Alternative text of the image link the engine adds when the markdown does not
    /// already link the figure; defaults to the name.
    public var altText: String?

    /// Creates a figure.
    public init(name: String, bytes: [UInt8], altText: String? = nil) {
        self.name = name
        self.bytes = bytes
        self.altText = altText
    }
}

/// Any other file a command writes, such as the target of `--out`.
public struct NotebookFile: Sendable, Equatable {
    /// Absolute path, or path relative to the notebook's folder. Must resolve inside the
    /// notebook's folder.
    public var path: String
    /// The file's bytes.
    public var bytes: [UInt8]

    /// Creates a file.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
}

/// The result of one command line.
public struct NotebookCellOutput: Sendable, Equatable {
    /// Markdown shown between the block's output markers. Line endings are normalised to
    /// the notebook's; it must not contain the end marker line.
    public var markdown: String
    /// Figures to write into the figures folder. Each one not linked from ``markdown``
    /// (via ``NotebookContext/figureLink(_:)``) gets an image link appended.
    public var figures: [NotebookFigure]
    /// Other files to write, e.g. for `--out`.
    public var files: [NotebookFile]

    /// Creates an output.
    public init(markdown: String, figures: [NotebookFigure] = [], files: [NotebookFile] = []) {
        self.markdown = markdown
        self.figures = figures
        self.files = files
    }
}

/// Why a notebook could not be run or checked. Every error about a block names the
/// block's index and the line in the notebook.
public struct NotebookError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The category of failure.
    public enum Kind: Sendable, Equatable {
        /// Reading or writing a file failed.
        case io
        /// A command line could not be split: bad quoting or shell syntax.
        case syntax
        /// A `layoffs` block has no closing fence.
        case unclosedBlock
        /// An output section has a start marker but no end marker.
        case malformedOutput
        /// A path escapes the sandbox.
        case sandbox
        /// The executor threw.
        case commandFailed
        /// The executor returned something unusable (bad figure name, marker in output…).
        case invalidOutput
    }

    /// The category of failure.
    public var kind: Kind
    /// The notebook file (as given to the runner).
    public var file: String
    /// 1-based index of the `layoffs` block, if the error is about a block.
    public var block: Int?
    /// 1-based line in the notebook, if known.
    public var line: Int?
    /// Human-readable explanation.
    public var message: String

    /// Creates an error.
    public init(kind: Kind, file: String, block: Int? = nil, line: Int? = nil, message: String) {
        self.kind = kind
        self.file = file
        self.block = block
        self.line = line
        self.message = message
    }

    /// `file:line: block N: message`.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let block { text += "block \(block): " }
        return text + message
    }
}

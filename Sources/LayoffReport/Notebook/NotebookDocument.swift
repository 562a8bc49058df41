/// One physical line of a notebook: its bytes without the line ending, and the line
/// ending itself (`"\n"`, `"\r\n"` or empty for a last line without one).
struct NotebookLine: Equatable, Sendable {
    var content: [UInt8]
    var terminator: [UInt8]

    var bytes: [UInt8] { content + terminator }

    /// Splits bytes into lines, keeping every byte: joining `bytes` of the result gives
    /// the input back exactly.
    static func split(_ bytes: [UInt8]) -> [NotebookLine] {
        var lines: [NotebookLine] = []
        var start = 0
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\n") {
                if i > start, bytes[i - 1] == UInt8(ascii: "\r") {
                    lines.append(NotebookLine(content: Array(bytes[start..<(i - 1)]), terminator: [13, 10]))
                } else {
                    lines.append(NotebookLine(content: Array(bytes[start..<i]), terminator: [10]))
                }
                start = i + 1
            }
            i += 1
        }
        if start < bytes.count {
            lines.append(NotebookLine(content: Array(bytes[start...]), terminator: []))
        }
        return lines
    }
}

/// One command line of a `layoffs` block.
public struct NotebookCommand: Sendable, Equatable {
    /// 1-based line in the notebook where the command starts.
    public var line: Int
    /// The arguments after `layoffs`.
    public var arguments: [String]
}

/// A fenced code block whose info string's first word is `layoffs`.
public struct NotebookBlock: Sendable, Equatable {
    /// 1-based index among the notebook's `layoffs` blocks.
    public var index: Int
    /// 1-based line of the opening fence.
    public var line: Int
    /// The block's commands, in order (comments, blank lines and continuations removed).
    public var commands: [NotebookCommand]
    /// Whether an output section (see ``NotebookMarkers``) follows the block.
    public var hasOutputSection: Bool

    // Zero-based line indices used for rendering.
    var closingLine: Int
    /// Zero-based indices of the start and end marker lines of the existing section.
    var section: (start: Int, end: Int)?

    /// Blocks are equal when they have the same position, commands and output section.
    public static func == (a: NotebookBlock, b: NotebookBlock) -> Bool {
        a.index == b.index && a.line == b.line && a.commands == b.commands
            && a.hasOutputSection == b.hasOutputSection && a.closingLine == b.closingLine
            && a.section?.start == b.section?.start && a.section?.end == b.section?.end
    }
}

/// The marker lines delimiting a block's generated output.
///
/// The output of a `layoffs` block is written right after its closing fence:
///
/// ````markdown
/// ```layoffs
/// yoy --by industry --format markdown
/// ```
/// <!-- layoffs:output -->
/// …generated markdown…
/// <!-- layoffs:end -->
/// ````
///
/// A start marker following the closing fence (blank lines in between allowed and kept)
/// belongs to the block; the section runs to the first end marker line, and is replaced
/// on every run. Marker lines are matched ignoring surrounding spaces and tabs. Both are
/// HTML comments, so they are invisible when the notebook is rendered.
public enum NotebookMarkers {
    /// `<!-- layoffs:output -->`
    public static let start = "<!-- layoffs:output -->"
    /// `<!-- layoffs:end -->`
    public static let end = "<!-- layoffs:end -->"
}

/// A parsed notebook: the markdown lines and its `layoffs` blocks.
///
/// Fenced code blocks follow CommonMark: a fence is 3 or more backticks or tildes
/// indented at most 3 spaces; it is closed by a fence of the same character at least as
/// long, with nothing but spaces after it; backtick fences cannot have backticks in the
/// info string. A fence that is never closed runs to the end of the file. HTML comments
/// (`<!--` … `-->`) are skipped, so a commented-out block is not run. Only blocks whose
/// info string's first word is exactly `layoffs` are run; all other blocks are shown.
/// Known gap: fences inside block quotes or list items (`> ```layoffs`) are not recognised.
public struct NotebookDocument: Sendable {
    /// The notebook's `layoffs` blocks, in order.
    public private(set) var blocks: [NotebookBlock]
    var lines: [NotebookLine]

    /// Parses a notebook.
    ///
    /// - Parameters:
    ///   - bytes: The notebook file's bytes.
    ///   - file: The name used in errors.
    /// - Throws: ``NotebookError`` for an unclosed `layoffs` block, a start marker
    ///   without end marker, or a command line with bad quoting or shell syntax.
    public init(bytes: [UInt8], file: String) throws(NotebookError) {
        lines = NotebookLine.split(bytes)
        blocks = []
        var i = 0
        while i < lines.count {
            if let fence = Fence.opening(lines[i].content) {
                var j = i + 1
                while j < lines.count, !fence.isClosed(by: lines[j].content) { j += 1 }
                let isLayoffs = fence.language == "layoffs"
                if j == lines.count {
                    if isLayoffs {
                        throw NotebookError(
                            kind: .unclosedBlock, file: file, block: blocks.count + 1, line: i + 1,
                            message: "the `layoffs` block opened here has no closing fence")
                    }
                    break  // CommonMark: an unclosed fence runs to the end of the document
                }
                guard isLayoffs else { i = j + 1; continue }
                let index = blocks.count + 1
                let commands = try NotebookCommandLine.commands(
                    in: lines[(i + 1)..<j].map { Fence.strip(indent: fence.indent, from: $0.content) },
                    firstLine: i + 2, file: file, block: index)
                var section: (Int, Int)?
                var m = j + 1
                while m < lines.count, NotebookText.isBlank(lines[m].content) { m += 1 }
                if m < lines.count, NotebookText.isMarker(lines[m].content, NotebookMarkers.start) {
                    var e = m + 1
                    while e < lines.count, !NotebookText.isMarker(lines[e].content, NotebookMarkers.end) { e += 1 }
                    if e == lines.count {
                        throw NotebookError(
                            kind: .malformedOutput, file: file, block: index, line: m + 1,
                            message: "output start marker `\(NotebookMarkers.start)` has no `\(NotebookMarkers.end)`")
                    }
                    section = (m, e)
                }
                blocks.append(NotebookBlock(
                    index: index, line: i + 1, commands: commands, hasOutputSection: section != nil,
                    closingLine: j, section: section))
                i = (section?.1 ?? j) + 1
            } else if NotebookText.startsHTMLComment(lines[i].content) {
                var j = i
                while j < lines.count, !NotebookText.contains(lines[j].content, "-->") { j += 1 }
                i = j + 1
            } else {
                i += 1
            }
        }
    }

    /// The line ending used for generated lines after the block: that of its closing
    /// fence, else the file's first, else `"\n"`.
    func lineEnding(after block: NotebookBlock) -> [UInt8] {
        let own = lines[block.closingLine].terminator
        if !own.isEmpty { return own }
        return lines.first { !$0.terminator.isEmpty }?.terminator ?? [10]
    }

    /// The notebook with each block's output section replaced by `sections[blockIndex - 1]`
    /// (lines without line endings). Everything outside the sections is kept byte for byte.
    func rendered(sections: [[[UInt8]]]) -> [UInt8] {
        var out: [UInt8] = []
        var next = 0  // next line to copy
        for block in blocks {
            let eol = lineEnding(after: block)
            let body = sections[block.index - 1]
            let endTerminator: [UInt8]
            if let (start, end) = block.section {
                for l in next..<start { out += lines[l].bytes }
                endTerminator = lines[end].terminator
                next = end + 1
            } else {
                for l in next..<block.closingLine { out += lines[l].bytes }
                let closing = lines[block.closingLine]
                out += closing.content
                out += closing.terminator.isEmpty ? eol : closing.terminator
                endTerminator = closing.terminator.isEmpty ? [] : eol
                next = block.closingLine + 1
            }
            out += Array(NotebookMarkers.start.utf8) + eol
            for line in body { out += line + eol }
            out += Array(NotebookMarkers.end.utf8) + endTerminator
        }
        for l in next..<lines.count { out += lines[l].bytes }
        return out
    }
}

/// A CommonMark fence.
struct Fence {
    var character: UInt8
    var length: Int
    var indent: Int
    var language: String

    static func opening(_ line: [UInt8]) -> Fence? {
        var i = 0
        while i < line.count, line[i] == UInt8(ascii: " ") { i += 1 }
        guard i <= 3, i < line.count else { return nil }
        let c = line[i]
        guard c == UInt8(ascii: "`") || c == UInt8(ascii: "~") else { return nil }
        var j = i
        while j < line.count, line[j] == c { j += 1 }
        guard j - i >= 3 else { return nil }
        let info = line[j...]
        if c == UInt8(ascii: "`"), info.contains(c) { return nil }
        let text = String(decoding: info, as: UTF8.self)
        let language = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? ""
        return Fence(character: c, length: j - i, indent: i, language: language)
    }

    func isClosed(by line: [UInt8]) -> Bool {
        var i = 0
        while i < line.count, line[i] == UInt8(ascii: " ") { i += 1 }
        guard i <= 3 else { return false }
        var j = i
        while j < line.count, line[j] == character { j += 1 }
        guard j - i >= length else { return false }
        return line[j...].allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    /// Removes up to `indent` leading spaces (CommonMark content indentation).
    static func strip(indent: Int, from line: [UInt8]) -> [UInt8] {
        var i = 0
        while i < indent, i < line.count, line[i] == UInt8(ascii: " ") { i += 1 }
        return Array(line[i...])
    }
}

/// Small byte and text helpers.
enum NotebookText {
    static func isBlank(_ line: [UInt8]) -> Bool {
        line.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    static func trimmed(_ line: [UInt8]) -> ArraySlice<UInt8> {
        let isSpace: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let first = line.firstIndex(where: { !isSpace($0) }),
              let last = line.lastIndex(where: { !isSpace($0) }) else { return [] }
        return line[first...last]
    }

    static func isMarker(_ line: [UInt8], _ marker: String) -> Bool {
        trimmed(line).elementsEqual(marker.utf8)
    }

    static func startsHTMLComment(_ line: [UInt8]) -> Bool {
        var i = 0
        while i < line.count, line[i] == UInt8(ascii: " ") { i += 1 }
        return i <= 3 && line[i...].starts(with: "<!--".utf8)
    }

    static func contains(_ line: [UInt8], _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard line.count >= n.count else { return false }
        for i in 0...(line.count - n.count) where line[i..<(i + n.count)].elementsEqual(n) { return true }
        return false
    }

    /// Percent-encodes everything but unreserved characters and `/`.
    static func percentEncode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.append(b)
            default:
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Splits the lines of a `layoffs` block into argument lists, with shell-like quoting
/// but no shell features.
///
/// - Words are separated by spaces and tabs.
/// - `'single quotes'` keep everything literally.
/// - `"double quotes"` keep everything but `\"`, `\\`, `\$` and a backslash before a
///   backtick, which stand for the escaped character.
/// - Outside quotes, `\c` stands for the character `c`.
/// - A `\` at the end of a line continues the command on the next line.
/// - A line whose first word starts with `#` is a comment; so is the rest of a line
///   from a word starting with an unquoted `#`. Blank lines are ignored.
/// - A leading `layoffs` word is dropped.
/// - Unquoted `|`, `;`, `&`, `>`, `<`, the backtick and `$(` are errors (pipes, lists,
///   redirections, command substitution), and so are the backtick and `$(` inside
///   double quotes, where a shell would run them. No process is ever spawned.
public enum NotebookCommandLine {
    /// An error splitting a command line, without location.
    public struct SyntaxError: Error, Sendable, Equatable {
        /// What is wrong.
        public var message: String
    }

    /// Splits one complete command line (no continuation) into arguments.
    ///
    /// - Returns: The arguments, with a leading `layoffs` removed; empty for a blank or
    ///   comment line.
    public static func split(_ line: String) throws(SyntaxError) -> [String] {
        var tokenizer = Tokenizer()
        if try tokenizer.feed(line) {
            throw SyntaxError(message: "line continuation `\\` at the end of the block")
        }
        return tokenizer.finish()
    }

    /// Splits the content lines of a block into commands.
    static func commands(
        in lines: [[UInt8]], firstLine: Int, file: String, block: Int
    ) throws(NotebookError) -> [NotebookCommand] {
        var commands: [NotebookCommand] = []
        var tokenizer = Tokenizer()
        var start: Int?
        for (offset, bytes) in lines.enumerated() {
            let lineNumber = firstLine + offset
            let text = String(decoding: bytes, as: UTF8.self)
            if start == nil { start = lineNumber }
            do {
                if try tokenizer.feed(text) { continue }
            } catch {
                throw NotebookError(kind: .syntax, file: file, block: block, line: lineNumber, message: error.message)
            }
            let arguments = tokenizer.finish()
            if tokenizer.sawWord { commands.append(NotebookCommand(line: start!, arguments: arguments)) }
            tokenizer = Tokenizer()
            start = nil
        }
        if let start {
            throw NotebookError(
                kind: .syntax, file: file, block: block, line: start,
                message: "line continuation `\\` at the end of the block")
        }
        return commands
    }

    struct Tokenizer {
        enum State { case plain, single, double }
        var tokens: [String] = []
        var current: [Unicode.Scalar] = []
        var inWord = false
        var state = State.plain
        var sawWord = false

        /// Feeds one physical line; returns true if it ends in a line continuation.
        mutating func feed(_ line: String) throws(SyntaxError) -> Bool {
            let s = Array(line.unicodeScalars)
            var i = 0
            func forbidden(_ what: String, _ why: String) -> SyntaxError {
                SyntaxError(message: "\(what) is not allowed: \(why); notebook commands run without a shell (quote it to pass it literally)")
            }
            while i < s.count {
                let c = s[i]
                switch state {
                case .single:
                    if c == "'" { state = .plain } else { current.append(c) }
                case .double:
                    if c == "\"" {
                        state = .plain
                    } else if c == "\\" {
                        if i + 1 == s.count { return true }
                        let n = s[i + 1]
                        if n == "\"" || n == "\\" || n == "$" || n == "`" {
                            current.append(n); i += 1
                        } else {
                            current.append(c)
                        }
                    } else if c == "`" {
                        throw forbidden("`` ` `` in double quotes", "command substitution")
                    } else if c == "$", i + 1 < s.count, s[i + 1] == "(" {
                        throw forbidden("`$(` in double quotes", "command substitution")
                    } else {
                        current.append(c)
                    }
                case .plain:
                    switch c {
                    case " ", "\t":
                        endWord()
                    case "'":
                        state = .single; inWord = true
                    case "\"":
                        state = .double; inWord = true
                    case "\\":
                        if i + 1 == s.count { return true }
                        current.append(s[i + 1]); inWord = true; i += 1
                    case "#" where !inWord:
                        endWord()
                        return false
                    case "|": throw forbidden("unquoted `|`", "pipes")
                    case ";": throw forbidden("unquoted `;`", "command lists")
                    case "&": throw forbidden("unquoted `&`", "background jobs and `&&`")
                    case ">": throw forbidden("unquoted `>`", "redirection (use `--out`)")
                    case "<": throw forbidden("unquoted `<`", "redirection")
                    case "`": throw forbidden("unquoted `` ` ``", "command substitution")
                    case "$" where i + 1 < s.count && s[i + 1] == "(":
                        throw forbidden("unquoted `$(`", "command substitution")
                    default:
                        current.append(c); inWord = true
                    }
                }
                i += 1
            }
            if state != .plain {
                throw SyntaxError(message: "unterminated \(state == .single ? "single" : "double") quote")
            }
            endWord()
            return false
        }

        mutating func endWord() {
            if inWord {
                var text = ""
                text.unicodeScalars.append(contentsOf: current)
                tokens.append(text)
                sawWord = true
            }
            current = []
            inWord = false
        }

        mutating func finish() -> [String] {
            endWord()
            if tokens.first == "layoffs" { return Array(tokens.dropFirst()) }
            return tokens
        }
    }
}

import ArgumentParser

/// Refuses a single-valued option given more than once.
///
/// swift-argument-parser keeps the last value of a repeated single-valued option without a
/// word, so `--cluster company --cluster year` or `--as-of A --as-of B` would silently
/// drop a value the user asked for. The options a command takes, and which of them repeat,
/// are read from the parser's own description of the command (`_dumpHelp()`, the JSON behind
/// `--experimental-dump-help`), so custom names, short names and option groups count as
/// the parser sees them.
///
/// The check runs before the command line is parsed, so the repetition is what is reported
/// even when one of the values would not parse.
enum RepeatedOptions {
    /// Throws a usage error naming the first single-valued option that `arguments` (the
    /// command line after the program name) gives more than once to the subcommand of
    /// `root` it names.
    static func check(root: ParsableCommand.Type, arguments: [String]) throws {
        // Most command lines repeat nothing: skip reading the description then.
        let words = arguments.prefix { $0 != "--" }.filter { $0.hasPrefix("-") }.map { String($0.split(separator: "=", maxSplits: 1)[0]) }
        guard Set(words).count < words.count else { return }
        // The subcommand: the leading words that name one, level by level.
        var command = root
        var rest = arguments[...]
        while let word = rest.first, !word.hasPrefix("-"),
              let sub = command.configuration.subcommands.first(where: { $0.nameAsTyped == word }) {
            command = sub
            rest = rest.dropFirst()
        }
        try check(command, arguments: Array(rest))
    }

    /// ``check(root:arguments:)`` for `command` itself, `arguments` following its name.
    static func check(_ command: ParsableCommand.Type, arguments: [String]) throws {
        let options = Self.options(of: command)
        var seen: [String: [String]] = [:]
        var order: [String] = []
        var i = 0
        let args = Array(arguments)
        while i < args.count {
            let word = args[i]
            if word == "--" { break }
            i += 1
            guard word.hasPrefix("-"), word.count > 1 else { continue }
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            guard let option = options[parts[0]] else { continue }
            var value: String?
            if option.takesValue {
                if parts.count == 2 { value = parts[1] } else if i < args.count { value = args[i]; i += 1 }
            }
            guard !option.repeats else { continue }
            if seen[option.preferred] == nil { order.append(option.preferred) }
            seen[option.preferred, default: []].append(value ?? word)
        }
        for name in order {
            guard let values = seen[name], values.count > 1 else { continue }
            let shown = values.map { "'\($0)'" }.joined(separator: ", ")
            throw CLIError(message: "layoffs \(command.nameAsTyped): \(name) was given \(values.count) times (\(shown)); it takes one value",
                           code: Exit.usage)
        }
    }

    /// An option as the parser describes it.
    struct Option {
        var preferred: String
        var takesValue: Bool
        var repeats: Bool
    }

    /// The options of `command` by every spelling (`--name`, `-n`).
    static func options(of command: ParsableCommand.Type) -> [String: Option] {
        guard case .object(let root)? = try? MiniJSON.parse(command._dumpHelp()),
              case .object(let cmd)? = root.first(where: { $0.0 == "command" })?.1,
              case .array(let arguments)? = cmd.first(where: { $0.0 == "arguments" })?.1 else { return [:] }
        var out: [String: Option] = [:]
        for case .object(let a) in arguments {
            func field(_ k: String) -> MiniJSON? { a.first { $0.0 == k }?.1 }
            guard case .string(let kind)? = field("kind"), kind == "option" || kind == "flag",
                  case .array(let names)? = field("names") else { continue }
            let spellings: [String] = names.compactMap { n in
                guard case .object(let o) = n, case .string(let k)? = o.first(where: { $0.0 == "kind" })?.1,
                      case .string(let name)? = o.first(where: { $0.0 == "name" })?.1 else { return nil }
                return (k == "long" ? "--" : "-") + name
            }
            guard let preferred = spellings.first else { continue }
            let repeats: Bool
            if case .bool(let r)? = field("isRepeating") { repeats = r } else { repeats = false }
            // A flag said twice means what it says once.
            let option = Option(preferred: preferred, takesValue: kind == "option", repeats: repeats || kind == "flag")
            for s in spellings { out[s] = option }
        }
        return out
    }
}

extension ParsableCommand {
    /// The command's name as typed.
    static var nameAsTyped: String {
        configuration.commandName ?? String(describing: self).lowercased()
    }
}

/// Just enough JSON to read the parser's description of a command.
enum MiniJSON {
    case object([(String, MiniJSON)])
    case array([MiniJSON])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    struct Malformed: Error {}

    static func parse(_ text: String) throws -> MiniJSON {
        var p = Parser(bytes: Array(text.utf8))
        let v = try p.value()
        p.skipSpace()
        guard p.i == p.bytes.count else { throw Malformed() }
        return v
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        mutating func skipSpace() {
            while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 }
        }

        mutating func expect(_ c: UInt8) throws {
            skipSpace()
            guard i < bytes.count, bytes[i] == c else { throw Malformed() }
            i += 1
        }

        mutating func value() throws -> MiniJSON {
            skipSpace()
            guard i < bytes.count else { throw Malformed() }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var members: [(String, MiniJSON)] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                repeat {
                    skipSpace()
                    guard case .string(let key) = try value() else { throw Malformed() }
                    try expect(UInt8(ascii: ":"))
                    members.append((key, try value()))
                    skipSpace()
                } while try more(close: UInt8(ascii: "}"))
                return .object(members)
            case UInt8(ascii: "["):
                i += 1
                var items: [MiniJSON] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                repeat {
                    items.append(try value())
                    skipSpace()
                } while try more(close: UInt8(ascii: "]"))
                return .array(items)
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"): try word("true"); return .bool(true)
            case UInt8(ascii: "f"): try word("false"); return .bool(false)
            case UInt8(ascii: "n"): try word("null"); return .null
            default:
                let start = i
                while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) { i += 1 }
                guard i > start else { throw Malformed() }
                return .number(String(decoding: bytes[start..<i], as: UTF8.self))
            }
        }

        /// After a member or item: `true` at a comma, `false` at `close`.
        mutating func more(close: UInt8) throws -> Bool {
            guard i < bytes.count else { throw Malformed() }
            let c = bytes[i]
            i += 1
            if c == UInt8(ascii: ",") { return true }
            if c == close { return false }
            throw Malformed()
        }

        mutating func word(_ w: String) throws {
            let u = Array(w.utf8)
            guard i + u.count <= bytes.count, Array(bytes[i..<(i + u.count)]) == u else { throw Malformed() }
            i += u.count
        }

        mutating func string() throws -> String {
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let c = bytes[i]
                i += 1
                if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                guard c == UInt8(ascii: "\\") else { out.append(c); continue }
                guard i < bytes.count else { throw Malformed() }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16) else { throw Malformed() }
                    i += 4
                    // Surrogate halves do not occur in option names; they read as U+FFFD.
                    out.append(contentsOf: Array(String(Character(Unicode.Scalar(v) ?? "\u{FFFD}")).utf8))
                default: out.append(e)
                }
            }
            throw Malformed()
        }
    }
}

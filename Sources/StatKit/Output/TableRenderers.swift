extension ReportTable {
    /// Border style of ``plainText(border:)``.
    public enum Border: Sendable, Equatable {
        /// Unicode box-drawing lines (`┌─┬─┐`).
        case unicode
        /// ASCII: a dashed rule under the header and around the table, columns separated by two spaces.
        case ascii
    }

    /// An aligned plain-text table for terminals. Numbers are right-aligned, text left;
    /// missing values print as `n/a`. Widths count characters (grapheme clusters);
    /// East Asian wide characters are not measured as double width. Each line ends with `\n`.
    public func plainText(border: Border = .unicode) -> String {
        let header = columns.map { TextWidth.singleLine($0.header) }
        let body = rows.indices.map { r in columns.indices.map { TextWidth.singleLine(cell(r, $0).display) } }
        var widths = header.map { $0.count }
        for row in body { for (c, s) in row.enumerated() { widths[c] = max(widths[c], s.count) } }
        let aligns = alignments
        var out = ""
        if let title { out += TextWidth.singleLine(title) + "\n" }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { c, s in TextWidth.pad(s, to: widths[c], aligns[c]) }
            switch border {
            case .unicode: return "│ " + padded.joined(separator: " │ ") + " │\n"
            case .ascii: return padded.joined(separator: "  ") + "\n"
            }
        }
        switch border {
        case .unicode:
            func rule(_ l: String, _ m: String, _ r: String) -> String {
                l + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: m) + r + "\n"
            }
            out += rule("┌", "┬", "┐")
            out += line(header)
            out += rule("├", "┼", "┤")
            for row in body { out += line(row) }
            out += rule("└", "┴", "┘")
        case .ascii:
            let total = widths.reduce(0, +) + 2 * max(0, widths.count - 1)
            let dashes = String(repeating: "-", count: total) + "\n"
            out += dashes
            out += line(header)
            out += dashes
            for row in body { out += line(row) }
            out += dashes
        }
        for note in notes { out += TextWidth.singleLine(note) + "\n" }
        return out
    }

    /// A GitHub-flavoured Markdown table. The title becomes a bold line, notes follow the
    /// table as paragraphs. Cell text is escaped: `|` → `\|`, `\` → `\\`, line breaks → space.
    /// Alignment uses `---:`, `:---` and `:---:`. Ends with `\n`.
    public func markdown() -> String {
        var out = ""
        if let title { out += "**" + MarkdownText.escape(title) + "**\n\n" }
        out += "| " + columns.map { MarkdownText.escapeCell($0.header) }.joined(separator: " | ") + " |\n"
        out += "|" + alignments.map { a -> String in
            switch a {
            case .left: return " :--- "
            case .right: return " ---: "
            case .center: return " :---: "
            }
        }.joined(separator: "|") + "|\n"
        for r in rows.indices {
            out += "| " + columns.indices.map { MarkdownText.escapeCell(cell(r, $0).display) }.joined(separator: " | ") + " |\n"
        }
        for note in notes { out += "\n" + MarkdownText.escape(TextWidth.singleLine(note)) + "\n" }
        return out
    }

    /// RFC 4180 CSV: a header row, then one record per row. Fields containing `,`, `"`,
    /// CR or LF — or with leading/trailing spaces — are quoted, with `"` doubled. Integers are
    /// written plainly (`27000`), doubles in shortest round-trip form (`0.125`, `1e-5`),
    /// missing and non-finite values as an empty field. Title and notes are not written
    /// (CSV is data). Every record, including the last, ends with `lineEnding`
    /// (RFC 4180's CRLF by default).
    public func csv(lineEnding: String = "\r\n") -> String {
        var out = columns.map { CSV.field($0.header) }.joined(separator: ",") + lineEnding
        for r in rows.indices {
            out += columns.indices.map { c -> String in
                switch cell(r, c) {
                case .text(let s): return CSV.field(s)
                case .integer(let n): return String(n)
                case .number(let x, _): return NumberFormat.shortest(x) ?? ""
                case .missing: return ""
                case .flag(let b): return b ? "true" : "false"
                }
            }.joined(separator: ",") + lineEnding
        }
        return out
    }

    /// The rows as a JSON array of objects, keys in column order (``Column/key``).
    /// Numbers are raw values (shortest round-trip), missing and non-finite are `null`.
    public func jsonRows() -> JSONValue {
        .array(rows.indices.map { r in
            .object(columns.indices.map { c in (key: columns[c].key, value: cell(r, c).json) })
        })
    }

    /// The whole table as a JSON object with keys in this order: `title` (string or null),
    /// `columns` (array of keys), `rows` (``jsonRows()``), `notes` (array of strings).
    public func jsonValue() -> JSONValue {
        .object([
            (key: "title", value: .string(title)),
            (key: "columns", value: .array(columns.map { .string($0.key) })),
            (key: "rows", value: jsonRows()),
            (key: "notes", value: .array(notes.map { .string($0) })),
        ])
    }
}

/// RFC 4180 field quoting.
public enum CSV {
    /// `s` as a CSV field: quoted (with `"` doubled) when it contains `,`, `"`, CR or LF,
    /// or starts or ends with a space; otherwise unchanged.
    public static func field(_ s: String) -> String {
        let needsQuotes = s.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || s.hasPrefix(" ") || s.hasSuffix(" ")
        guard needsQuotes else { return s }
        var out = "\""
        for ch in s.unicodeScalars {
            if ch == "\"" { out += "\"\"" } else { out.unicodeScalars.append(ch) }
        }
        return out + "\""
    }
}

/// Markdown escaping for GitHub-flavoured Markdown.
public enum MarkdownText {
    /// Escapes a table cell: `\` → `\\`, `|` → `\|`, CR/LF → space.
    public static func escapeCell(_ s: String) -> String {
        var out = ""
        for ch in TextWidth.singleLine(s).unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "|": out += "\\|"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// Escapes inline text outside tables: backslash and the emphasis/code characters
    /// `*`, `_` and the backtick, plus `|`, `<` and `[`/`]`.
    public static func escape(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "\\", "*", "_", "`", "|", "<", "[", "]": out += "\\"; out.unicodeScalars.append(ch)
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}

/// Character-count padding for plain-text output.
package enum TextWidth {
    /// Replaces CR, LF and tabs with spaces so a value stays on one line.
    package static func singleLine(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\t" }) else { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.map { ($0 == "\n" || $0 == "\r" || $0 == "\t") ? " " : $0 }))
    }

    package static func pad(_ s: String, to width: Int, _ alignment: ReportTable.Alignment) -> String {
        let gap = max(0, width - s.count)
        switch alignment {
        case .left: return s + String(repeating: " ", count: gap)
        case .right: return String(repeating: " ", count: gap) + s
        case .center:
            let l = gap / 2
            return String(repeating: " ", count: l) + s + String(repeating: " ", count: gap - l)
        }
    }
}

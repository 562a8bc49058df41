/// How a number in a table cell is shown to people (terminal, Markdown).
///
/// Machine formats (CSV, JSON) ignore the style and write the raw value in shortest
/// round-trip form, so no precision is lost.
public enum NumberStyle: Sendable, Equatable {
    /// Shortest round-trip text (``NumberFormat/shortest(_:)``).
    case shortest
    /// Fixed decimals; `grouping` adds thousands separators (``NumberFormat/fixed(_:decimals:grouping:)``).
    case fixed(decimals: Int, grouping: Bool)
    /// A fraction shown as a percentage (``NumberFormat/percent(_:decimals:alwaysSign:)``).
    case percent(decimals: Int, alwaysSign: Bool)
    /// A value already in percent (12.3 means 12.3%) shown with a `%` sign; machine
    /// formats write the raw percent value.
    case percentPoints(decimals: Int, alwaysSign: Bool)
    /// Significant digits (``NumberFormat/significant(_:digits:)``), e.g. for standard errors.
    case significant(digits: Int)
    /// Scientific notation (``NumberFormat/scientific(_:digits:)``).
    case scientific(digits: Int)
    /// A p-value (``NumberFormat/pValue(_:)``).
    case pValue

    /// Integers-as-doubles with thousands separators: `27,000`.
    public static let count = NumberStyle.fixed(decimals: 0, grouping: true)

    /// `x` formatted in this style; `nil` or non-finite prints as ``NumberFormat/missing``.
    public func format(_ x: Double?) -> String {
        guard let x, x.isFinite else { return NumberFormat.missing }
        switch self {
        case .shortest: return NumberFormat.shortest(x) ?? NumberFormat.missing
        case let .fixed(d, g): return NumberFormat.fixed(x, decimals: d, grouping: g)
        case let .percent(d, s): return NumberFormat.percent(x, decimals: d, alwaysSign: s)
        case let .percentPoints(d, s): return NumberFormat.percent(x / 100, decimals: d, alwaysSign: s)
        case let .significant(d): return NumberFormat.significant(x, digits: d)
        case let .scientific(d): return NumberFormat.scientific(x, digits: d)
        case .pValue: return NumberFormat.pValue(x)
        }
    }
}

/// A simple table for reports: a title, typed columns, rows of cells and optional notes.
///
/// Render it with ``plainText(border:)``, ``markdown()``, ``csv(lineEnding:)``,
/// ``jsonRows()`` or ``jsonValue()``. Rows shorter than the header are padded with
/// missing cells; extra cells are ignored.
public struct ReportTable: Sendable, Equatable {
    /// Horizontal alignment of a column in text and Markdown output.
    public enum Alignment: Sendable, Equatable {
        /// Flush left (text).
        case left
        /// Flush right (numbers).
        case right
        /// Centred.
        case center
    }

    /// One column: the header shown to people, the key used in JSON, and the alignment.
    public struct Column: Sendable, Equatable {
        /// Header text.
        public var header: String
        /// Object key in JSON output; defaults to the header.
        public var key: String
        /// Alignment; `nil` means right for numeric columns and left otherwise (decided
        /// from the cells: a column is numeric when every present cell is a number).
        public var alignment: Alignment?

        /// A column with a header, an optional JSON key and an optional alignment.
        public init(_ header: String, key: String? = nil, alignment: Alignment? = nil) {
            self.header = header
            self.key = key ?? header
            self.alignment = alignment
        }
    }

    /// One table cell.
    public enum Cell: Sendable, Equatable {
        /// Text, shown as is (left-aligned by default).
        case text(String)
        /// An integer, shown with thousands separators (`27,000`).
        case integer(Int)
        /// A floating-point number shown in a ``NumberStyle``; non-finite shows as `n/a`.
        case number(Double, NumberStyle)
        /// A missing value: `n/a` in text and Markdown, an empty CSV cell, JSON `null`.
        case missing
        /// A yes/no flag: `yes`/`no` in text and Markdown, `true`/`false` in CSV and JSON.
        case flag(Bool)

        /// A number cell, or ``missing`` for `nil`.
        public static func number(_ x: Double?, _ style: NumberStyle) -> Cell {
            x.map { .number($0, style) } ?? .missing
        }
        /// An integer cell, or ``missing`` for `nil`.
        public static func integer(_ n: Int?) -> Cell { n.map { .integer($0) } ?? .missing }
        /// A text cell, or ``missing`` for `nil`.
        public static func text(_ s: String?) -> Cell { s.map { .text($0) } ?? .missing }

        /// The text shown to people.
        public var display: String {
            switch self {
            case .text(let s): return s
            case .integer(let n): return NumberFormat.grouped(n)
            case let .number(x, style): return style.format(x)
            case .missing: return NumberFormat.missing
            case .flag(let b): return b ? "yes" : "no"
            }
        }

        /// Whether this is an integer or number cell.
        public var isNumeric: Bool {
            switch self {
            case .integer, .number: return true
            case .text, .missing, .flag: return false
            }
        }

        /// The machine value: exact integer, shortest round-trip double, text, or `null`.
        public var json: JSONValue {
            switch self {
            case .text(let s): return .string(s)
            case .integer(let n): return .int(n)
            case .number(let x, _): return .number(x)
            case .missing: return .null
            case .flag(let b): return .bool(b)
            }
        }
    }

    /// Title shown above the table (Markdown: a bold line); `nil` for none.
    public var title: String?
    /// The columns.
    public var columns: [Column]
    /// The rows of cells, in display order.
    public var rows: [[Cell]]
    /// Notes shown below the table (sources, definitions, significance codes).
    public var notes: [String]

    /// A table.
    public init(title: String? = nil, columns: [Column], rows: [[Cell]] = [], notes: [String] = []) {
        self.title = title
        self.columns = columns
        self.rows = rows
        self.notes = notes
    }

    /// Appends a row.
    public mutating func append(_ row: [Cell]) { rows.append(row) }

    /// The cell at `row`, `column`, padding short rows with ``Cell/missing``.
    public func cell(_ row: Int, _ column: Int) -> Cell {
        column < rows[row].count ? rows[row][column] : .missing
    }

    /// The effective alignment of each column.
    public var alignments: [Alignment] {
        columns.indices.map { c in
            if let a = columns[c].alignment { return a }
            var sawNumber = false
            for r in rows.indices {
                let cell = cell(r, c)
                switch cell {
                case .text, .flag: return .left
                case .integer, .number: sawNumber = true
                case .missing: break
                }
            }
            return sawNumber ? .right : .left
        }
    }
}

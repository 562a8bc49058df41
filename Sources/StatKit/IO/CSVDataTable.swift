extension DataTable {
    /// Loads any CSV file with a header line into a table, inferring column types.
    ///
    /// - A column is **numeric** when every non-missing cell parses as a finite decimal
    ///   number (``CSVValue/double(_:)``: `12`, `-3.5`, `1e6`; no thousands separators);
    ///   otherwise it is **text**, holding every cell verbatim.
    /// - **Missing** cells, in both kinds of column: empty, `NA`, `N/A`, `NaN`, `null`
    ///   (any letter case, surrounding spaces ignored; ``CSVValue/isMissingToken(_:)``).
    ///   A column whose cells are all missing is numeric with every value missing.
    /// - Header names are used exactly as written; an empty or repeated name is an
    ///   error naming it (``CSVError/Kind/emptyHeader(_:)``,
    ///   ``CSVError/Kind/duplicateHeader(_:)``), and so is a record whose field count
    ///   differs from the header's (``CSVError/Kind/raggedRow(expected:actual:)``, with
    ///   its line).
    public init(csvFile path: String) throws(CSVError) {
        try self.init(csv: CSVReader(path: path))
    }

    /// Loads a table from CSV bytes in memory; `name` is used in error messages.
    /// Same rules as ``init(csvFile:)``.
    public init(csvBytes bytes: [UInt8], name: String) throws(CSVError) {
        try self.init(csv: CSVReader(bytes: bytes, name: name))
    }

    /// Loads a table from a reader positioned before the header line.
    /// Same rules as ``init(csvFile:)``.
    public init(csv reader: CSVReader) throws(CSVError) {
        let names = try reader.readHeader()
        let width = names.count
        var raw = [[UInt8]](repeating: [], count: width)
        var ends = [[Int]](repeating: [], count: width)
        while try reader.next() {
            guard reader.fieldCount == width else {
                throw CSVError(file: reader.name, line: reader.recordLine, column: 0,
                               kind: .raggedRow(expected: width, actual: reader.fieldCount))
            }
            reader.withFields { f in
                for j in 0..<width {
                    raw[j].append(contentsOf: f[j])
                    ends[j].append(raw[j].count)
                }
            }
        }
        self.init()
        for j in 0..<width {
            let column = Self.inferColumn(raw[j], ends[j])
            raw[j] = []
            // Names were checked unique and all columns have the same length.
            do { try add(names[j], column) } catch { preconditionFailure("\(error)") }
        }
    }

    private static func inferColumn(_ bytes: [UInt8], _ ends: [Int]) -> Column {
        var numeric = NumericColumn()
        numeric.values.reserveCapacity(ends.count)
        numeric.isPresent.reserveCapacity(ends.count)
        var start = 0
        var isNumeric = true
        for e in ends {
            let cell = bytes[start..<e]
            start = e
            if CSVValue.isMissingToken(cell) { numeric.append(nil); continue }
            guard let v = CSVValue.double(cell) else { isNumeric = false; break }
            numeric.append(v)
        }
        if isNumeric { return .numeric(numeric) }
        var text = TextColumn()
        var interner = TextColumnInterner()
        text.codes.reserveCapacity(ends.count)
        start = 0
        for e in ends {
            let cell = bytes[start..<e]
            start = e
            text.codes.append(CSVValue.isMissingToken(cell) ? -1 : interner.canonicalCode(cell, in: &text))
        }
        return .text(text)
    }
}

extension TextColumnInterner {
    /// ``code(_:in:)`` for any valid UTF-8 text, including text that is canonically
    /// equivalent to an earlier level but spelled with different bytes.
    ///
    /// `TextColumn` levels are `String`s, which compare by canonical equivalence, while
    /// the interner matches bytes: `Café` typed precomposed (`C3 A9`) and decomposed
    /// (`65 CC 81`, as macOS file names and some exports write it) are one level but two
    /// byte strings, and interning the second one would add no level and stop the
    /// program. Text with non-ASCII bytes is therefore first looked up as a `String`
    /// (the fast byte path is kept for ASCII text). The only characters whose canonical
    /// form is ASCII, U+212A KELVIN SIGN (`K`), U+037E GREEK QUESTION MARK (`;`) and
    /// U+1FEF GREEK VARIA (`` ` ``), are interned under their ASCII form so that a later
    /// ASCII spelling finds them on the byte path.
    public mutating func canonicalCode(_ bytes: ArraySlice<UInt8>, in column: inout TextColumn) -> Int32 {
        bytes.withUnsafeBufferPointer { canonicalCode($0, in: &column) }
    }

    /// ``canonicalCode(_:in:)-(ArraySlice<UInt8>,_)`` on bytes in place.
    public mutating func canonicalCode(_ bytes: UnsafeBufferPointer<UInt8>, in column: inout TextColumn) -> Int32 {
        let (h, isASCII) = TextColumnInterner.hash(bytes)
        if isASCII { return code(bytes, hash: h, in: &column) }
        let text = String(decoding: bytes, as: UTF8.self)
        if let c = column.existingCode(for: text) { return c }
        var ascii: [UInt8] = []
        ascii.reserveCapacity(bytes.count)
        for s in text.unicodeScalars {
            switch s.value {
            case 0..<0x80: ascii.append(UInt8(s.value))
            case 0x212A: ascii.append(UInt8(ascii: "K"))
            case 0x037E: ascii.append(UInt8(ascii: ";"))
            case 0x1FEF: ascii.append(UInt8(ascii: "`"))
            default: return code(bytes, in: &column)
            }
        }
        return ascii.withUnsafeBufferPointer { code($0, in: &column) }
    }
}

extension DataTable {
    /// Loads any CSV file with a header line into a table, inferring column types.
    ///
    /// - A column is **numeric** when every non-missing cell parses as a finite decimal
    ///   number (``CSVValue/double(_:)-(ArraySlice<UInt8>)``: `12`, `-3.5`, `1e6`; no thousands separators);
    ///   otherwise it is **text**, holding every cell verbatim.
    /// - **Missing** cells, in both kinds of column: empty, `NA`, `N/A`, `NaN`, `null`
    ///   (any letter case, surrounding spaces ignored; ``CSVValue/isMissingToken(_:)-(ArraySlice<UInt8>)``).
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

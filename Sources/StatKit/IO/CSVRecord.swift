/// One record of a CSV file: its fields as byte ranges of a shared buffer, after
/// unquoting (`"a""b"` is the three bytes `a"b`).
///
/// A record handed out by ``CSVReader/record`` is a cheap view of the reader's reusable
/// buffer; keeping it across ``CSVReader/next()`` makes the reader copy its buffer, so
/// read what you need before advancing.
public struct CSVRecord: Sendable {
    /// Unquoted bytes of all fields, back to back.
    public let bytes: [UInt8]
    /// End offset in ``bytes`` of each field.
    public let ends: [Int]
    /// Physical line where the record starts (header = line 1).
    public let line: Int

    /// Number of fields.
    @inlinable public var count: Int { ends.count }

    /// Bytes of field `i` (0-based) as a slice of ``bytes``.
    @inlinable public subscript(i: Int) -> ArraySlice<UInt8> {
        bytes[(i == 0 ? 0 : ends[i - 1])..<ends[i]]
    }

    /// Field `i` (0-based) as a `String` (the reader has validated it as UTF-8).
    public func string(_ i: Int) -> String { String(decoding: self[i], as: UTF8.self) }

    /// All fields as strings.
    public var strings: [String] { (0..<count).map(string) }

    /// Calls `body` with an unsafe view of field `i`'s bytes, valid only inside `body`.
    public func withUnsafeField<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try self[i].withUnsafeBufferPointer(body)
    }
}

/// The fields of a ``CSVReader``'s current record as unsafe views of its buffer, handed
/// to the closure of ``CSVReader/withFields(_:)`` and valid only inside it: reading
/// fields this way copies nothing and counts no references.
public struct CSVFields {
    @usableFromInline let base: UnsafePointer<UInt8>
    @usableFromInline let starts: UnsafePointer<Int>
    @usableFromInline let ends: UnsafePointer<Int>
    /// Number of fields.
    public let count: Int

    @usableFromInline init(base: UnsafeMutablePointer<UInt8>, starts: UnsafeMutablePointer<Int>,
                           ends: UnsafeMutablePointer<Int>, count: Int) {
        self.base = UnsafePointer(base)
        self.starts = UnsafePointer(starts)
        self.ends = UnsafePointer(ends)
        self.count = count
    }

    /// Bytes of field `i` (0-based, < ``count``).
    @inlinable public subscript(i: Int) -> UnsafeBufferPointer<UInt8> {
        precondition(i >= 0 && i < count, "field index out of range")
        return UnsafeBufferPointer(start: base + starts[i], count: ends[i] - starts[i])
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A column of text stored the way its values suggest: dictionary-encoded (a
/// ``TextColumn``: a code per row, each distinct value once) when values repeat, or as
/// written when they rarely do (URLs, notes: a dictionary would hold about as many values
/// as rows, each found through a hash table) — the UTF-8 bytes of all values back to back
/// in one buffer and the byte range of each row's value, as Arrow's and polars' string
/// columns store them.
///
/// Either way the column reads the same: `column[i]` is the value of row `i` (`nil` when
/// missing), equality compares values as `String`s, and ``dictionaryEncoded`` gives the
/// values as a ``TextColumn`` (levels in order of first appearance) for grouping.
///
/// ```swift
/// var urls = StringColumn(["https://a.example/1", nil, "https://a.example/2"])
/// urls.append("https://a.example/3")
/// print(urls[0] ?? "-", urls.count, urls.isDictionaryEncoded)  // https://a.example/1 4 false
/// ```
public struct StringColumn: Sendable, Equatable {
    enum Storage: Sendable {
        case dictionary(TextColumn)
        /// Values back to back in `bytes`; `spans[i]` is row `i`'s ``StringColumn/span(start:count:)``.
        case plain(bytes: [UInt8], spans: [UInt64])
    }
    var storage: Storage

    /// An empty column stored as written.
    public init() { storage = .plain(bytes: [], spans: []) }

    /// The values stored as written (`nil` is missing).
    public init(_ values: [String?]) {
        self.init()
        for v in values { append(v) }
    }

    /// The values of a dictionary-encoded column, kept dictionary-encoded.
    public init(_ column: TextColumn) { storage = .dictionary(column) }

    /// Values stored as written: `spans[i]` locates row `i`'s value in `bytes` (see
    /// ``span(start:count:)``, ``missingSpan``).
    package init(bytes: [UInt8], spans: [UInt64]) { storage = .plain(bytes: bytes, spans: spans) }

    /// Number of rows.
    public var count: Int {
        switch storage {
        case .dictionary(let c): return c.count
        case .plain(_, let spans): return spans.count
        }
    }

    /// The dictionary-encoded column, when the values are stored so.
    package var dictionary: TextColumn? {
        if case .dictionary(let c) = storage { return c }
        return nil
    }

    /// Whether the values are stored dictionary-encoded (else as written).
    public var isDictionaryEncoded: Bool {
        if case .dictionary = storage { return true }
        return false
    }

    /// The value of row `i`, `nil` when missing.
    public subscript(i: Int) -> String? {
        switch storage {
        case .dictionary(let c): return c[i]
        case .plain(let bytes, let spans):
            return StringColumn.withValue(bytes, spans[i]) { $0.map { String(decoding: $0, as: UTF8.self) } }
        }
    }

    /// Calls `body` with the UTF-8 bytes of row `i`'s value (`nil` when missing), valid only
    /// inside `body`: reads a value stored as written without making a `String`.
    public func withUTF8<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        switch storage {
        case .dictionary(let c):
            guard var s = c[i] else { return body(nil) }
            return s.withUTF8 { body($0) }
        case .plain(let bytes, let spans):
            return StringColumn.withValue(bytes, spans[i], body)
        }
    }

    /// The values as a dictionary-encoded column (levels in order of first appearance):
    /// the column itself when it is stored so, else the values interned now.
    public var dictionaryEncoded: TextColumn {
        switch storage {
        case .dictionary(let c): return c
        case .plain(let bytes, let spans):
            var column = TextColumn(), interner = TextColumnInterner()
            column.codes.reserveCapacity(spans.count)
            for s in spans {
                column.codes.append(StringColumn.withValue(bytes, s) { v in v.map { interner.canonicalCode($0, in: &column) } ?? -1 })
            }
            return column
        }
    }

    /// Appends a value (`nil` is missing).
    public mutating func append(_ value: String?) {
        switch storage {
        case .dictionary(var c):
            storage = .plain(bytes: [], spans: [])  // drop this reference: `c` is the only one
            c.append(value)
            storage = .dictionary(c)
        case .plain(var bytes, var spans):
            storage = .plain(bytes: [], spans: [])
            if var v = value {
                v.withUTF8 { spans.append(StringColumn.append($0, to: &bytes)) }
            } else {
                spans.append(StringColumn.missingSpan)
            }
            storage = .plain(bytes: bytes, spans: spans)
        }
    }

    /// The values at `indices`, in that order, stored as this column's are (a
    /// dictionary-encoded column re-encoded, levels in order of first appearance).
    public func selecting(_ indices: [Int]) -> StringColumn {
        switch storage {
        case .dictionary(let c):
            return StringColumn(c.selectingRows(indices))
        case .plain(let bytes, let spans):
            var out: [UInt8] = [], kept: [UInt64] = []
            kept.reserveCapacity(indices.count)
            for i in indices {
                kept.append(StringColumn.withValue(bytes, spans[i]) { v in v.map { StringColumn.append($0, to: &out) } ?? StringColumn.missingSpan })
            }
            return StringColumn(bytes: out, spans: kept)
        }
    }

    /// Equal when the values are equal row by row as `String`s (canonically equivalent
    /// spellings are equal), however each column is stored.
    public static func == (a: StringColumn, b: StringColumn) -> Bool {
        if case .dictionary(let x) = a.storage, case .dictionary(let y) = b.storage { return x == y }
        guard a.count == b.count else { return false }
        for i in 0..<a.count {
            let same = a.withUTF8(i) { x in
                b.withUTF8(i) { y -> Bool in
                    guard let x, let y else { return x == nil && y == nil }
                    if x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) { return true }
                    // Different bytes: still equal when both are canonically equivalent text.
                    return !(TextColumnInterner.isASCII(x) && TextColumnInterner.isASCII(y))
                        && String(decoding: x, as: UTF8.self) == String(decoding: y, as: UTF8.self)
                }
            }
            if !same { return false }
        }
        return true
    }

    // MARK: - Spans

    /// The span of a missing value.
    package static let missingSpan = UInt64.max

    /// Lengths from this value on are stored in the 8 bytes before the value's bytes.
    package static let longLength: UInt64 = 0xFF_FFFF

    /// A value's location: its first byte's offset in the buffer (high 40 bits) and its
    /// length (low 24 bits; ``longLength`` for a value of 16 MiB or more, whose length is
    /// the 8 bytes at the offset, the bytes following).
    @inline(__always) package static func span(start: Int, count: Int) -> UInt64 {
        UInt64(truncatingIfNeeded: start) << 24 | UInt64(truncatingIfNeeded: count)
    }

    /// Appends `value`'s bytes to `bytes` (with a length word first when it is long) and
    /// returns its span.
    @inline(__always) package static func append(_ value: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) -> UInt64 {
        let start = bytes.count
        if UInt64(value.count) >= longLength {
            withUnsafeBytes(of: UInt64(value.count).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: value)
            return span(start: start, count: Int(longLength))
        }
        bytes.append(contentsOf: value)
        return span(start: start, count: value.count)
    }

    /// Calls `body` with the bytes of the value at `span` in `bytes` (`nil` when missing).
    @inline(__always) static func withValue<R>(_ bytes: [UInt8], _ span: UInt64, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        if span == missingSpan { return body(nil) }
        return bytes.withUnsafeBufferPointer { b in
            var start = Int(truncatingIfNeeded: span >> 24), n = Int(truncatingIfNeeded: span & longLength)
            if UInt64(n) == longLength {
                n = Int(UInt64(littleEndian: UnsafeRawPointer(b.baseAddress! + start).loadUnaligned(as: UInt64.self)))
                start += 8
            }
            return body(UnsafeBufferPointer(start: b.baseAddress.map { $0 + start }, count: n))
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
#if arch(x86_64) && canImport(_Builtin_intrinsics)
import _Builtin_intrinsics.intel
#endif
/// A streaming RFC 4180 CSV reader working on bytes.
///
/// The input is read in chunks (1 MiB by default, with `read(2)`) or taken from a byte
/// array; records come out one at a time through ``next()`` and ``record``, their fields
/// being byte ranges of a buffer that is reused from record to record. Memory is
/// O(chunk + longest record).
///
/// Accepted: fields separated by `,`; quoted fields holding commas, doubled quotes and
/// line breaks; records ended by LF, CRLF or a lone CR; a UTF-8 byte-order mark (skipped);
/// a missing final line break. Blank lines (no bytes at all between two line breaks)
/// are skipped but still counted as lines, so a record's ``CSVRecord/line`` is always its
/// physical line in the file (header = line 1). Fields are not trimmed.
///
/// Rejected with a ``CSVError`` naming file, line and field: a quote still open at the
/// end of the input, a stray quote inside an unquoted field, text after a closing
/// quote, invalid UTF-8 in a field, NUL bytes. UTF-16 input (byte-order mark `FF FE` or
/// `FE FF`, or NULs in every other byte of the start) is rejected with a message that
/// says "UTF-16" and gives the `iconv -f UTF-16 -t UTF-8` command that converts it.
///
/// ```swift
/// let reader = try CSVReader(path: "events.csv")
/// while try reader.next() {
///     let r = reader.record
///     print(r.line, r.string(0))
/// }
/// ```
public final class CSVReader {
    /// File name used in errors (the path, or the display name of in-memory data).
    public let name: String
    private var fd: Int32
    private let chunk: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    // Exclusivity is not checked at run time on these hot properties: the reader is not
    // Sendable and no method of it hands out an inout reference to them, so no two
    // accesses can overlap; the checks cost ~15% of a load.
    @exclusivity(unchecked) private var pos = 0
    @exclusivity(unchecked) private var end = 0
    @exclusivity(unchecked) private var atEOF = false
    @exclusivity(unchecked) private var started = false
    @exclusivity(unchecked) private var line = 1
    // The current record: unquoted field bytes back to back (`buf`, `bufCount` bytes) and
    // the end offset of each field (`endsBuf`, `endsCount` fields). Manually managed so
    // that appending a span is a bounds check and a memcpy.
    @exclusivity(unchecked) private var buf = UnsafeMutablePointer<UInt8>.allocate(capacity: 1024)
    @exclusivity(unchecked) private var bufCapacity = 1024
    @exclusivity(unchecked) private var bufCount = 0
    @usableFromInline @exclusivity(unchecked) var endsBuf = UnsafeMutablePointer<Int>.allocate(capacity: 64)
    @usableFromInline @exclusivity(unchecked) var startsBuf = UnsafeMutablePointer<Int>.allocate(capacity: 64)
    @exclusivity(unchecked) private var endsCapacity = 64
    @usableFromInline @exclusivity(unchecked) var endsCount = 0
    // Where the current record's fields are: `buf` (the general path, fields unquoted and
    // back to back) or `chunk` (the fast path, fields in place in the input), with field
    // `i` at offsets `startsBuf[i]..<endsBuf[i]` of it.
    @usableFromInline @exclusivity(unchecked) var fieldBase: UnsafeMutablePointer<UInt8>
    /// Physical line where the current record starts (0 before the first ``next()``).
    @exclusivity(unchecked) public private(set) var recordLine = 0
    /// Bytes consumed from the input so far.
    @exclusivity(unchecked) public private(set) var bytesRead = 0
    /// File offset of the first byte this reader reads (0 unless reading a segment).
    private let startOffset: Int
    /// ``next()`` returns `false` at a record boundary at or after this file offset.
    @exclusivity(unchecked) private var stopOffset = Int.max
    /// Shared with a thread that may move the stop (``follow(_:)``).
    private var progress: SegmentProgress?

    /// Opens `path` for streaming, reading `chunkSize` bytes at a time.
    /// Throws ``CSVError/Kind/cannotOpen(reason:)`` if the file cannot be opened.
    public convenience init(path: String, chunkSize: Int = 1 << 20) throws(CSVError) {
        try self.init(path: path, chunkSize: chunkSize, offset: 0)
    }

    /// Opens `path` for reading one segment of it: records from file offset `start`
    /// (which must be the start of a record, or of a blank line) to the end of the file,
    /// or to the first record boundary at or after ``stop(at:)``'s offset. Line numbers
    /// count from `firstLine` at `start`. The encoding checks of the file's start
    /// (byte-order marks, UTF-16) are not made: they belong to the segment at offset 0.
    ///
    /// Used to parse a file in parallel pieces (``SegmentedCSVParse``).
    package convenience init(path: String, segmentStart start: Int, firstLine: Int, chunkSize: Int = 1 << 20) throws(CSVError) {
        try self.init(path: path, chunkSize: chunkSize, offset: start)
        line = firstLine
        started = start > 0
    }

    private init(path: String, chunkSize: Int, offset: Int) throws(CSVError) {
        name = path
        fd = open(path, O_RDONLY)
        if fd < 0 {
            throw CSVError(file: path, line: 0, column: 0, kind: .cannotOpen(reason: String(cString: strerror(errno))))
        }
        capacity = max(chunkSize, 16)
        chunk = .allocate(capacity: capacity)
        fieldBase = buf
        startOffset = offset
        if offset > 0 && lseek(fd, off_t(offset), SEEK_SET) < 0 {
            let reason = String(cString: strerror(errno))
            close(fd)
            chunk.deallocate()
            throw CSVError(file: path, line: 0, column: 0, kind: .readFailed(reason: reason))
        }
    }

    /// Lets another thread move this reader's stop while it reads (to take over the rest
    /// of its range): the reader publishes how far it has read and picks up `progress`'s
    /// stop at each read from the file. Replaces any ``stop(at:)``.
    package func follow(_ progress: SegmentProgress) {
        self.progress = progress
        stopOffset = progress.stop
        progress.publish(startOffset + bytesRead)
    }

    /// Makes ``next()`` return `false` when a record would start at or after file
    /// offset `offset` (checked before blank lines are skipped), leaving the reader there;
    /// ``position`` then tells where it stopped. `Int.max` removes the limit, and reading
    /// continues where it stopped.
    package func stop(at offset: Int) { stopOffset = offset }

    /// File offset of the next byte to be parsed.
    public var position: Int { startOffset + bytesRead - end + pos }

    /// Physical line of the next byte to be parsed.
    public var currentLine: Int { line }

    /// Reads from bytes in memory (embedded data); `name` is used in error messages.
    public init(bytes: [UInt8], name: String) {
        self.name = name
        fd = -1
        startOffset = 0
        capacity = max(bytes.count, 1)
        chunk = .allocate(capacity: capacity)
        fieldBase = buf
        bytes.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { chunk.update(from: base, count: src.count) }
        }
        end = bytes.count
        bytesRead = bytes.count
        atEOF = true
    }

    deinit {
        if fd >= 0 { close(fd) }
        chunk.deallocate()
        buf.deallocate()
        endsBuf.deallocate()
        startsBuf.deallocate()
    }

    /// The current record (valid after ``next()`` returned `true`).
    public var record: CSVRecord {
        var bytes: [UInt8] = [], ends: [Int] = []
        for i in 0..<endsCount {
            bytes.append(contentsOf: fieldView(i))
            ends.append(bytes.count)
        }
        return CSVRecord(bytes: bytes, ends: ends, line: recordLine)
    }

    /// Number of fields in the current record.
    public var fieldCount: Int { endsCount }

    /// Field `i` of the current record, without building a ``CSVRecord``.
    @inlinable public func field(_ i: Int) -> ArraySlice<UInt8> { fieldSlice(i) }

    /// The current record's fields as unsafe views (see ``CSVFields``), valid until the
    /// next call of ``next()`` and while the reader lives: ``withFields(_:)`` without
    /// the closure, for a loop that reads a record's fields in line.
    @inlinable public var fields: CSVFields {
        CSVFields(base: fieldBase, starts: startsBuf, ends: endsBuf, count: endsCount)
    }

    /// Calls `body` with the current record's fields as unsafe views (see ``CSVFields``).
    public func withFields<R>(_ body: (CSVFields) throws -> R) rethrows -> R {
        try body(CSVFields(base: fieldBase, starts: startsBuf, ends: endsBuf, count: endsCount))
    }

    /// A copy of field `i`'s bytes (``withFields(_:)`` reads them without copying).
    @usableFromInline func fieldSlice(_ i: Int) -> ArraySlice<UInt8> {
        precondition(i >= 0 && i < endsCount, "field index out of range")
        return Array(fieldView(i))[...]
    }

    private func fieldView(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: fieldBase + startsBuf[i], count: endsBuf[i] - startsBuf[i])
    }

    /// Doubles the field arrays, keeping their first `kept` entries.
    private func growFields(keeping kept: Int) {
        let biggerEnds = UnsafeMutablePointer<Int>.allocate(capacity: endsCapacity * 2)
        let biggerStarts = UnsafeMutablePointer<Int>.allocate(capacity: endsCapacity * 2)
        biggerEnds.update(from: endsBuf, count: kept)
        biggerStarts.update(from: startsBuf, count: kept)
        endsBuf.deallocate()
        startsBuf.deallocate()
        endsBuf = biggerEnds
        startsBuf = biggerStarts
        endsCapacity *= 2
    }

    /// Ends a field of the general path: it runs from the previous field's end to the
    /// end of `buf`.
    @inline(__always) private func endField() {
        if endsCount == endsCapacity { growFields(keeping: endsCount) }
        startsBuf[endsCount] = endsCount == 0 ? 0 : endsBuf[endsCount - 1]
        endsBuf[endsCount] = bufCount
        endsCount += 1
    }

    /// Bytes of `w` equal to `b` (a repeated byte), as the high bit of each such byte;
    /// exact for every byte (no borrows across bytes).
    @inline(__always) static func bytesEqual(_ w: UInt64, _ b: UInt64) -> UInt64 {
        let x = w ^ b
        return ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x) & 0x8080_8080_8080_8080
    }

    /// The bytes of `w` that end or complicate an unquoted field — `,`, LF, CR, `"` and
    /// NUL — as the high bit of each (both record paths scan eight bytes at a time with it).
    @inline(__always) static func fieldBreaks(_ w: UInt64) -> UInt64 {
        bytesEqual(w, 0x2C2C_2C2C_2C2C_2C2C) | bytesEqual(w, 0x0A0A_0A0A_0A0A_0A0A)
            | bytesEqual(w, 0x2222_2222_2222_2222) | bytesEqual(w, 0x0D0D_0D0D_0D0D_0D0D) | bytesEqual(w, 0)
    }

    /// The fast path of ``next()``: a record that ends with a line feed (or CR LF) inside the
    /// current chunk, whose fields are plain or simply quoted (`"a, b"`: no doubled quote, no
    /// line break inside), with no other carriage return and no NUL, is split in place (no copy): each
    /// field is a range of the chunk. Returns `false`, having consumed nothing, for any
    /// other record, which the general path then reads (and reports, if malformed).
    @inline(__always) private func fastRecord() -> Bool {
        // The reader's buffers and bounds in locals: a store through `starts` or `ends` could
        // otherwise be the store of a property, and every property would be loaded again.
        let chunk = self.chunk, end = self.end
        var starts = startsBuf, ends = endsBuf, capacity = endsCapacity
        var i = pos
        var fieldStart = pos
        var count = 0
        // Non-zero when a byte read has its high bit set.
        var high: UInt64 = 0
        // Room for the fields is made once per block (a block ends at most one field per
        // byte), not at each field.
        @inline(__always) func add(_ from: Int, _ to: Int) {
            starts[count] = from
            ends[count] = to
            count &+= 1
        }
        @inline(__always) func finish(_ next: Int) -> Bool {
            endsCount = count
            fieldBase = chunk
            pos = next
            line += 1
            // A high bit anywhere in the bytes read (some of the next record's included)
            // asks for the exact UTF-8 check of the fields.
            fastHigh = high != 0
            return true
        }
        while i &+ CSVReader.blockSize <= end {
            if count &+ CSVReader.blockSize > capacity {
                growFields(keeping: count)
                starts = startsBuf
                ends = endsBuf
                capacity = endsCapacity
            }
            var m = CSVReader.breaks(at: chunk + i, high: &high)
            var next = i &+ CSVReader.blockSize
            while m != 0 {
                // Offsets stay far below Int.max: wrapping arithmetic, no overflow checks.
                let at = i &+ m.trailingZeroBitCount &>> CSVReader.bitShift
                let b = chunk[at]
                if b == 44 {
                    add(fieldStart, at)
                    fieldStart = at &+ 1
                } else if b == 10 {
                    add(fieldStart, at)
                    return finish(at &+ 1)
                } else if b == 13 {
                    // CR LF ends the record as LF does; a lone CR is the general path's.
                    guard at &+ 1 < end, chunk[at &+ 1] == 10 else { return false }
                    add(fieldStart, at)
                    return finish(at &+ 2)
                } else if b == 34 && at == fieldStart {
                    // A quoted field: to the next quote, which must be followed by a comma
                    // or a line feed (a doubled quote or a line break inside: general path).
                    var c = at &+ 1
                    while c < end {
                        let x = chunk[c]
                        if x == 34 || x == 10 || x == 13 || x == 0 { break }
                        high |= UInt64(x & 0x80)
                        c &+= 1
                    }
                    guard c &+ 1 < end, chunk[c] == 34 else { return false }
                    add(at &+ 1, c)
                    if chunk[c &+ 1] == 10 { return finish(c &+ 2) }
                    if chunk[c &+ 1] == 13 && c &+ 2 < end && chunk[c &+ 2] == 10 { return finish(c &+ 3) }
                    guard chunk[c &+ 1] == 44 else { return false }
                    fieldStart = c &+ 2
                    next = c &+ 2
                    break
                } else {
                    return false
                }
                m &= m &- 1
            }
            i = next
        }
        return false
    }

#if arch(x86_64) && canImport(_Builtin_intrinsics)
    /// Bytes the fast path scans at a time: 32, as two 16-byte SSE2 vectors (every x86-64
    /// processor has SSE2), so that a typical record of about 120 bytes takes four blocks.
    @inline(__always) static var blockSize: Int { 32 }
    /// Bits of a ``breaks(at:high:)`` mask per byte.
    @inline(__always) static var bitShift: Int { 0 }

    /// The bytes of the 32 at `p` that end or complicate an unquoted field — `,`, LF,
    /// CR, `"` and NUL — as bit `k` for byte `k`; ORs into `high` a non-zero value when a
    /// byte has its high bit set.
    @inline(__always) static func breaks(at p: UnsafeMutablePointer<UInt8>, high: inout UInt64) -> UInt64 {
        @inline(__always) func hits(_ v: __m128i) -> __m128i {
            _mm_or_si128(
                _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(44)), _mm_cmpeq_epi8(v, _mm_set1_epi8(10))),
                             _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(34)), _mm_cmpeq_epi8(v, _mm_set1_epi8(13)))),
                _mm_cmpeq_epi8(v, _mm_setzero_si128()))
        }
        let v0 = _mm_loadu_si128(UnsafePointer<__m128i>(OpaquePointer(p)))
        let v1 = _mm_loadu_si128(UnsafePointer<__m128i>(OpaquePointer(p + 16)))
        high |= UInt64(UInt32(bitPattern: _mm_movemask_epi8(_mm_or_si128(v0, v1))))
        return UInt64(UInt32(bitPattern: _mm_movemask_epi8(hits(v0))))
            | UInt64(UInt32(bitPattern: _mm_movemask_epi8(hits(v1)))) << 16
    }
#else
    /// Bytes the fast path scans at a time: a 64-bit word.
    @inline(__always) static var blockSize: Int { 8 }
    /// Bits of a ``breaks(at:high:)`` mask per byte (the high bit of each byte).
    @inline(__always) static var bitShift: Int { 3 }

    /// The bytes of the 8 at `p` that end or complicate an unquoted field, as the high
    /// bit of each (see ``fieldBreaks(_:)``); ORs into `high` a non-zero value when a byte
    /// has its high bit set.
    @inline(__always) static func breaks(at p: UnsafeMutablePointer<UInt8>, high: inout UInt64) -> UInt64 {
        let w = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        high |= w & 0x8080_8080_8080_8080
        return fieldBreaks(w)
    }
#endif

    private func reserveBuffer(_ extra: Int) {
        var cap = bufCapacity
        while cap - bufCount < extra { cap *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: cap)
        bigger.update(from: buf, count: bufCount)
        buf.deallocate()
        buf = bigger
        bufCapacity = cap
        fieldBase = buf // only the general path grows `buf`, and its fields live there
    }

    private func error(_ kind: CSVError.Kind, line: Int, column: Int) -> CSVError {
        CSVError(file: name, line: line, column: column, kind: kind)
    }

    private func refill() throws(CSVError) {
        pos = 0
        end = 0
        if atEOF { return }
        while true {
            let n = read(fd, chunk, capacity)
            if n < 0 {
                if errno == EINTR { continue }
                throw error(.readFailed(reason: String(cString: strerror(errno))), line: 0, column: 0)
            }
            if n == 0 { atEOF = true }
            end = n
            bytesRead += n
            if let progress {
                progress.publish(startOffset + bytesRead)
                stopOffset = progress.stop
            }
            return
        }
    }

    @inline(__always) private func peek() throws(CSVError) -> UInt8? {
        if pos == end { try refill() }
        return pos < end ? chunk[pos] : nil
    }

    private func start() throws(CSVError) {
        started = true
        if pos == end { try refill() }
        // Top up so that the encoding checks see at least 4 bytes when the file has them.
        while end - pos < 4 && !atEOF && end < capacity {
            let n = read(fd, chunk + end, capacity - end)
            if n < 0 {
                if errno == EINTR { continue }
                throw error(.readFailed(reason: String(cString: strerror(errno))), line: 0, column: 0)
            }
            if n == 0 { atEOF = true }
            end += n
            bytesRead += n
        }
        let n = end - pos
        if n >= 2 && chunk[0] == 0xFF && chunk[1] == 0xFE { throw error(.utf16(bigEndian: false), line: 0, column: 0) }
        if n >= 2 && chunk[0] == 0xFE && chunk[1] == 0xFF { throw error(.utf16(bigEndian: true), line: 0, column: 0) }
        if n >= 4 && chunk[1] == 0 && chunk[3] == 0 && chunk[0] != 0 { throw error(.utf16(bigEndian: false), line: 0, column: 0) }
        if n >= 4 && chunk[0] == 0 && chunk[2] == 0 && chunk[1] != 0 { throw error(.utf16(bigEndian: true), line: 0, column: 0) }
        if n >= 3 && chunk[0] == 0xEF && chunk[1] == 0xBB && chunk[2] == 0xBF { pos = 3 }
    }

    private func appendSpan(_ from: Int, _ to: Int) {
        let n = to - from
        if n <= 0 { return }
        if bufCapacity - bufCount < n { reserveBuffer(n) }
        (buf + bufCount).update(from: chunk + from, count: n)
        bufCount += n
    }

    @exclusivity(unchecked) private var fastHigh = false

    /// Advances to the next record. Returns `false` at the end of the input.
    /// Throws a ``CSVError`` for malformed input or a failed read.
    public func next() throws(CSVError) -> Bool {
        if !started { try start() }
        if stopOffset != Int.max && position >= stopOffset { return false }
        bufCount = 0
        endsCount = 0
        // Skip blank lines.
        while true {
            guard let c = try peek() else { return false }
            if c == 10 { pos += 1; line += 1; continue }
            if c == 13 {
                pos += 1; line += 1
                if try peek() == 10 { pos += 1 }
                continue
            }
            break
        }
        recordLine = line
        if fastRecord() {
            if fastHigh {
                for f in 0..<endsCount where !UTF8Check.isValid(fieldView(f)) {
                    throw error(.invalidUTF8, line: recordLine, column: f + 1)
                }
            }
            return true
        }
        fieldBase = buf
        var high: UInt8 = 0
        fields: while true {
            if try peek() == 34 {
                // Quoted field.
                pos += 1
                let openLine = line
                var prevCR = false
                while true {
                    if pos == end {
                        try refill()
                        if pos == end { throw error(.unterminatedQuote, line: openLine, column: endsCount + 1) }
                    }
                    var i = pos
                    var found = false
                    while i < end {
                        let b = chunk[i]
                        if b == 34 { found = true; break }
                        if b == 0 { throw error(.nulByte, line: recordLine, column: endsCount + 1) }
                        high |= b
                        if b == 10 { if !prevCR { line += 1 } } else if b == 13 { line += 1 }
                        prevCR = b == 13
                        i += 1
                    }
                    appendSpan(pos, i)
                    pos = i
                    if !found { continue }
                    pos += 1
                    prevCR = false
                    if try peek() == 34 {
                        if bufCount == bufCapacity { reserveBuffer(1) }
                        buf[bufCount] = 34
                        bufCount += 1
                        pos += 1
                        continue
                    }
                    break
                }
                guard let d = try peek() else { endField(); break fields }
                switch d {
                case 44: pos += 1; endField(); continue fields
                case 10: pos += 1; line += 1; endField(); break fields
                case 13:
                    pos += 1; line += 1
                    if try peek() == 10 { pos += 1 }
                    endField(); break fields
                default:
                    throw error(.textAfterClosingQuote, line: recordLine, column: endsCount + 1)
                }
            }
            // Unquoted field.
            while true {
                if pos == end {
                    try refill()
                    if pos == end { endField(); break fields }
                }
                var i = pos
                var stop: UInt8 = 255
                // Eight bytes at a time while a whole word is left, up to the word holding
                // a byte that ends the field (the byte loop below then finds it).
                while i + 8 <= end {
                    let w = UnsafeRawPointer(chunk + i).loadUnaligned(as: UInt64.self)
                    if CSVReader.fieldBreaks(w) != 0 { break }
                    if w & 0x8080_8080_8080_8080 != 0 { high = 0x80 }
                    i += 8
                }
                while i < end {
                    let b = chunk[i]
                    if b <= 44 && (b == 44 || b == 10 || b == 13 || b == 34 || b == 0) { stop = b; break }
                    high |= b
                    i += 1
                }
                appendSpan(pos, i)
                pos = i
                if i == end { continue }
                pos += 1
                switch stop {
                case 44: endField(); continue fields
                case 10: line += 1; endField(); break fields
                case 13:
                    line += 1
                    if try peek() == 10 { pos += 1 }
                    endField(); break fields
                case 34: throw error(.strayQuote, line: recordLine, column: endsCount + 1)
                default: throw error(.nulByte, line: recordLine, column: endsCount + 1)
                }
            }
        }
        if high >= 0x80 {
            for f in 0..<endsCount where !UTF8Check.isValid(fieldView(f)) {
                throw error(.invalidUTF8, line: recordLine, column: f + 1)
            }
        }
        return true
    }

    /// Reads the header record and checks it: at least one record must exist, no
    /// name may be empty and no name may repeat. Names are returned exactly as in the
    /// file (not trimmed).
    public func readHeader() throws(CSVError) -> [String] {
        guard try next() else { throw error(.empty, line: 0, column: 0) }
        let names = record.strings
        let empty = names.indices.filter { names[$0].isEmpty }.map { $0 + 1 }
        if !empty.isEmpty { throw error(.emptyHeader(empty), line: recordLine, column: 0) }
        var seen = Set<String>(), dup: [String] = []
        for n in names where !seen.insert(n).inserted && !dup.contains(n) { dup.append(n) }
        if !dup.isEmpty { throw error(.duplicateHeader(dup), line: recordLine, column: 0) }
        return names
    }
}

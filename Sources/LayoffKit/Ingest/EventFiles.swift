#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StatKit

/// One of the files an events load read, and where its lines are among those of the load.
///
/// Several files load as one table whose lines are numbered on from file to file (the
/// second file's first record follows the first file's last line); ``EventLoadResult/place(ofLine:)``
/// turns such a line back into the file and its own line.
public struct EventSourceFile: Sendable, Equatable {
    /// The file's name as given.
    public var name: String
    /// The first line of the load that belongs to this file.
    public var firstLine: Int
    /// A line of the load minus this is the file's own line.
    public var lineOffset: Int
    /// Data records in the file (header and blank lines not counted).
    public var rows: Int
}

extension EventLoader {
    /// Loads events from several CSV files with the same header, as one table in file order.
    ///
    /// Each file's problems, errors and duplicates name that file and its own lines (see
    /// ``EventLoadResult/files``); a file whose header differs from the first file's is an
    /// error. One path loads as ``load(path:options:threads:)`` does.
    public static func load(paths: [String], options: EventLoadOptions = .init(), threads: Int = 1) throws(IngestError) -> EventLoadResult {
        guard paths.count > 1 else {
            guard let path = paths.first else { throw .invalidOptions("no events file given") }
            return try load(path: path, options: options, threads: threads)
        }
        // The files are written one after the other (the header once) to a temporary file,
        // which the segmented parse reads on `threads` threads as it reads any file; the
        // lines of its problems and errors are then placed back in their files.
        let joined = try TemporaryFile()
        defer { joined.remove() }
        var files: [EventSourceFile] = [], firstHeader: [String] = []
        var line = 1
        for (k, path) in paths.enumerated() {
            let b = try readFile(path)
            let reader = CSVReader(bytes: b, name: path)
            let header = try reader.checkedHeader()
            let body = k == 0 ? 0 : reader.position
            let bodyLine = k == 0 ? 1 : reader.currentLine
            if k == 0 {
                firstHeader = header
            } else if header.map(ColumnLayout.normalized) != firstHeader.map(ColumnLayout.normalized) {
                throw .invalidOptions("\(path):1: the header differs from \(paths[0])'s; files read together must have the same columns "
                                      + "(\(paths[0]): \(firstHeader.joined(separator: ", ")); \(path): \(header.joined(separator: ", ")))")
            }
            let (lineFeeds, records) = scan(b[body...], headerFirst: k == 0)
            files.append(EventSourceFile(name: path, firstLine: line, lineOffset: line - bodyLine, rows: records))
            try joined.append(b[body...], name: path)
            if b.last != 0x0A { try joined.append([0x0A][...], name: path) }
            line += lineFeeds + (b.last == 0x0A ? 0 : 1)
        }
        var result: EventLoadResult
        do throws(IngestError) {
            result = try load(path: joined.path, options: options, threads: threads, tuning: SegmentTuning())
        } catch {
            throw placed(error, files)
        }
        result.files = files
        result.problems = result.problems.map { place($0, files) }
        result.file = paths.joined(separator: ", ")
        return result
    }

    /// `error` with its lines placed in their files.
    private static func placed(_ error: IngestError, _ files: [EventSourceFile]) -> IngestError {
        switch error {
        case .csv(var e):
            if let f = files.last(where: { $0.firstLine <= e.line }), e.line > 0 {
                e.file = f.name
                e.line -= f.lineOffset
            } else {
                e.file = files[0].name
            }
            return .csv(e)
        case .invalidData(_, let problems):
            let placed = problems.map { place($0, files) }
            return .invalidData(file: placed.first?.file ?? files[0].name, problems: placed)
        default:
            return error
        }
    }

    private static func place(_ p: DataProblem, _ files: [EventSourceFile]) -> DataProblem {
        guard let f = files.last(where: { $0.firstLine <= p.line }) else { return p }
        var q = p
        q.file = f.name
        q.line -= f.lineOffset
        return q
    }

    /// The line feeds in `b`, and the records (lines not blank; a quoted line break inside a
    /// record) that start in it, the first one left out when it is the header.
    ///
    /// Eight bytes at a time where none of them is a quote, a line feed or a carriage return
    /// (most of a record's bytes), one at a time elsewhere.
    private static func scan(_ b: ArraySlice<UInt8>, headerFirst: Bool) -> (lineFeeds: Int, records: Int) {
        b.withUnsafeBytes { raw in
            var feeds = 0, records = 0, quoted = false, lineEmpty = true
            let n = raw.count
            var i = 0
            @inline(__always) func hasByte(_ w: UInt64, _ c: UInt64) -> Bool {
                let x = w ^ (c &* 0x0101_0101_0101_0101)
                return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0
            }
            while i < n {
                if i + 8 <= n {
                    let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    if !hasByte(w, 0x22) && !hasByte(w, 0x0A) && !hasByte(w, 0x0D) {
                        if lineEmpty && !quoted { records += 1 }
                        lineEmpty = false
                        i += 8
                        continue
                    }
                }
                let c = raw[i]
                i += 1
                if c == 0x22 { quoted.toggle() }
                if c == 0x0A {
                    feeds += 1
                    if !quoted { lineEmpty = true }
                } else if c != 0x0D {
                    if lineEmpty && !quoted { records += 1 }
                    lineEmpty = false
                }
            }
            return (feeds, headerFirst ? max(0, records - 1) : records)
        }
    }

    /// The bytes of the file at `path`, read into one array of the file's size.
    private static func readFile(_ path: String) throws(IngestError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            throw .csv(CSVError(file: path, line: 0, column: 0, kind: .cannotOpen(reason: String(cString: strerror(errno)))))
        }
        defer { close(fd) }
        var st = stat()
        let size = fstat(fd, &st) == 0 ? max(0, Int(st.st_size)) : 0
        var out = [UInt8](repeating: 0, count: size + 1)
        var filled = 0
        while true {
            if filled == out.count { out += [UInt8](repeating: 0, count: out.count) }
            let n = out.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .csv(CSVError(file: path, line: 0, column: 0, kind: .readFailed(reason: String(cString: strerror(errno)))))
            }
            if n == 0 { break }
            filled += n
        }
        out.removeLast(out.count - filled)
        return out
    }
}

/// A file of its own in the temporary folder (`TMPDIR`, else `/tmp`), written in pieces
/// and removed by its owner.
private final class TemporaryFile {
    let path: String
    private var fd: Int32

    init() throws(IngestError) {
        let folder = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((folder + "/layoffs-events-XXXXXX").utf8CString)
        fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        if fd < 0 {
            throw .csv(CSVError(file: path, line: 0, column: 0, kind: .cannotOpen(reason: String(cString: strerror(errno)))))
        }
    }

    /// Appends `bytes`; a failure is reported as reading `name` failed.
    func append(_ bytes: ArraySlice<UInt8>, name: String) throws(IngestError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .csv(CSVError(file: name, line: 0, column: 0, kind: .readFailed(reason: String(cString: strerror(errno)))))
            }
            done += n
        }
    }

    func remove() {
        if fd >= 0 { close(fd) }
        fd = -1
        unlink(path)
    }
}

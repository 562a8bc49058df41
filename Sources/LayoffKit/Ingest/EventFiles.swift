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
            var r = try load(path: path, options: options, threads: threads)
            r.files = [EventSourceFile(name: path, firstLine: 1, lineOffset: 0, rows: r.rowsRead)]
            return r
        }
        var bytes: [UInt8] = [], files: [EventSourceFile] = [], firstHeader: [String] = []
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
            files.append(EventSourceFile(name: path, firstLine: line, lineOffset: line - bodyLine, rows: 0))
            bytes += b[body...]
            if bytes.last != 0x0A { bytes.append(0x0A) }
            line += lineFeeds(b[body...]) + (b.last == 0x0A ? 0 : 1)
        }
        var result: EventLoadResult
        do throws(IngestError) {
            result = try load(bytes: bytes, name: paths[0], options: options)
        } catch {
            throw placed(error, files)
        }
        result.files = files
        result.problems = result.problems.map { place($0, files) }
        result.file = paths.joined(separator: ", ")
        let counts = recordCounts(bytes, firstLines: files.map(\.firstLine))
        for k in files.indices { result.files[k].rows = counts[k] }
        return result
    }

    /// `error` with its lines placed in their files.
    private static func placed(_ error: IngestError, _ files: [EventSourceFile]) -> IngestError {
        switch error {
        case .csv(var e):
            if let f = files.last(where: { $0.firstLine <= e.line }), e.line > 0 {
                e.file = f.name
                e.line -= f.lineOffset
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

    /// Line feeds in `b`.
    private static func lineFeeds(_ b: ArraySlice<UInt8>) -> Int {
        b.withUnsafeBufferPointer { p in p.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
    }

    /// Records (lines not blank, a quoted line break inside a record) of `bytes` (its header
    /// left out) by the file they start in, the files starting at lines `firstLines`.
    private static func recordCounts(_ bytes: [UInt8], firstLines: [Int]) -> [Int] {
        var counts = [Int](repeating: 0, count: firstLines.count)
        bytes.withUnsafeBufferPointer { p in
            var line = 1, file = 0, quoted = false, lineEmpty = true
            for b in p {
                if b == 0x22 { quoted.toggle() }
                if b == 0x0A {
                    line += 1
                    if !quoted { lineEmpty = true }
                    while file + 1 < firstLines.count && firstLines[file + 1] <= line { file += 1 }
                    continue
                }
                if b == 0x0D { continue }
                if lineEmpty && !quoted && line > 1 { counts[file] += 1 }
                lineEmpty = false
            }
        }
        return counts
    }

    /// The bytes of the file at `path`.
    private static func readFile(_ path: String) throws(IngestError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            throw .csv(CSVError(file: path, line: 0, column: 0, kind: .cannotOpen(reason: String(cString: strerror(errno)))))
        }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                throw .csv(CSVError(file: path, line: 0, column: 0, kind: .readFailed(reason: String(cString: strerror(errno)))))
            }
            if n == 0 { return out }
            out += chunk[..<n]
        }
    }
}

// libFuzzer target: the CSV reader and the cell parsers (see Fuzz/README.md).
//
// For every input:
// - reads all records from memory (CSVReader(bytes:name:)) and touches every field;
// - reads the same bytes from a file in 16-byte chunks (CSVReader(path:chunkSize:)) and
//   requires the very same records, lines and error: chunk boundaries must not matter;
// - loads the bytes as a DataTable (type inference);
// - runs CSVValue.double / groupedDouble / isMissingToken and Day.parse on every field,
//   checking double against the standard library and Day against its own description.
import StatKit
#if canImport(Glibc)
import Glibc
#endif

private struct Outcome: Equatable {
    var records: [[[UInt8]]] = []
    var lines: [Int] = []
    var error: CSVError?
}

private func readAll(_ reader: CSVReader) -> Outcome {
    var o = Outcome()
    do {
        while try reader.next() {
            let r = reader.record
            o.records.append((0..<r.count).map { Array(r[$0]) })
            o.lines.append(r.line)
        }
    } catch {
        o.error = error
    }
    return o
}

private let scratchPath: String = {
    "/dev/shm/layoffs-fuzz-csv-\(getpid()).csv"
}()

private func writeScratch(_ bytes: [UInt8]) -> Bool {
    let fd = open(scratchPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var off = 0
    while off < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, bytes.count - off) }
        if n <= 0 { return false }
        off += n
    }
    return true
}

private func checkValue(_ field: ArraySlice<UInt8>) {
    _ = CSVValue.isMissingToken(field)
    _ = CSVValue.groupedDouble(field)
    _ = CSVValue.groupedDouble(field, currency: true)
    if let v = CSVValue.double(field) {
        precondition(v.isFinite, "CSVValue.double returned a non-finite value")
        let text = String(decoding: CSVValue.trimmed(field), as: UTF8.self)
        if let w = Double(text) {
            precondition(v == w || (v.isZero && w.isZero), "CSVValue.double(\(text)) = \(v), Double(String) = \(w)")
        }
    }
    if let d = Day.parse(CSVValue.trimmed(field)) {
        precondition(Day(parsing: d.description) == d, "Day \(d) does not round-trip")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: count))
    let memory = readAll(CSVReader(bytes: bytes, name: "fuzz.csv"))
    if let e = memory.error { _ = e.description; _ = e.category }
    for record in memory.records { for f in record { checkValue(f[...]) } }

    if writeScratch(bytes) {
        do {
            let chunked = readAll(try CSVReader(path: scratchPath, chunkSize: 16))
            var expected = memory
            if var e = expected.error { e.file = scratchPath; expected.error = e }
            precondition(chunked == expected, "chunked reading differs from in-memory reading")
        } catch {
            preconditionFailure("cannot open the scratch file: \(error)")
        }
    }

    do {
        let table = try DataTable(csvBytes: bytes, name: "fuzz.csv")
        _ = table.names
    } catch {
        _ = error.description
    }
    let header = CSVReader(bytes: bytes, name: "fuzz.csv")
    _ = try? header.readHeader()
    return 0
}

// libFuzzer target: the layoff events loader and the fundamentals loader
// (see Fuzz/README.md).
//
// Every input is loaded as an events file strictly and with skipInvalid (with and
// without dedupe, fractions and percents), and as a fundamentals file strictly and with
// skipInvalid (with and without a fixed fiscal year). The strict and lenient loads must
// agree: a strict load that succeeds reports no problems and loads the same rows as
// the lenient one; a strict load that fails with invalidData lists exactly the problems
// the lenient load reports; a CSV syntax error is the same error both ways.
//
// Each input is also written to a file and loaded from there in 2 and 3 segments on
// threads (splits forced whatever the size): rows, levels, lines, problems, exclusions,
// duplicates and the error must equal the one-thread load of the same bytes. Loaded
// keeping a few columns only, it must give the same problems, exclusions, duplicates and
// error, and the kept columns' values.
import StatKit
@testable import LayoffKit
#if canImport(Glibc)
import Glibc
#endif

private func events(_ bytes: [UInt8], _ options: EventLoadOptions) {
    var lenient = options
    lenient.skipInvalid = true
    var strict = options
    strict.skipInvalid = false
    let l: Result<EventLoadResult, IngestError>
    do { l = .success(try EventLoader.load(bytes: bytes, name: "events.csv", options: lenient)) } catch { l = .failure(error) }
    let s: Result<EventLoadResult, IngestError>
    do { s = .success(try EventLoader.load(bytes: bytes, name: "events.csv", options: strict)) } catch { s = .failure(error) }
    switch (s, l) {
    case (.success(let a), .success(let b)):
        precondition(a.problems.isEmpty && b.problems.isEmpty, "a strict load succeeded with problems")
        precondition(a.events.count == b.events.count && a.rowsRead == b.rowsRead, "strict and lenient loads differ")
        precondition(a.events.count + a.duplicatesDropped == a.rowsRead, "rows lost without a problem")
    case (.failure(.invalidData(_, let problems)), .success(let b)):
        precondition(!problems.isEmpty && problems == b.problems, "strict problems differ from lenient problems")
        precondition(b.events.count + b.duplicatesDropped + b.excludedCount == b.rowsRead, "row accounting is off")
        for p in problems { _ = p.description }
    case (.failure(let e), .failure(let f)):
        precondition(e == f, "strict and lenient loads fail differently: \(e) / \(f)")
        _ = e.description
        _ = e.category
    default:
        preconditionFailure("strict and lenient loads disagree: \(s) / \(l)")
    }
}

private func fundamentals(_ bytes: [UInt8], year: Int?) {
    let l: Result<FundamentalsLoadResult, IngestError>
    do {
        l = .success(try FundamentalsLoader.load(bytes: bytes, name: "fundamentals.csv",
                                                 options: .init(fiscalYear: year, skipInvalid: true)))
    } catch { l = .failure(error) }
    let s: Result<FundamentalsLoadResult, IngestError>
    do {
        s = .success(try FundamentalsLoader.load(bytes: bytes, name: "fundamentals.csv",
                                                 options: .init(fiscalYear: year, skipInvalid: false)))
    } catch { s = .failure(error) }
    switch (s, l) {
    case (.success(let a), .success(let b)):
        precondition(a.problems.isEmpty && b.problems.isEmpty, "a strict load succeeded with problems")
        precondition(a.fundamentals.count == b.fundamentals.count, "strict and lenient loads differ")
    case (.failure(.invalidData(_, let problems)), .success(let b)):
        precondition(!problems.isEmpty && problems == b.problems, "strict problems differ from lenient problems")
        for p in problems { _ = p.description }
    case (.failure(let e), .failure(let f)):
        precondition(e == f, "strict and lenient loads fail differently: \(e) / \(f)")
        _ = e.description
    default:
        preconditionFailure("strict and lenient loads disagree: \(s) / \(l)")
    }
}

/// The parts of a load result that must not depend on how the file was split.
private func same(_ a: Result<EventLoadResult, IngestError>, _ b: Result<EventLoadResult, IngestError>) -> Bool {
    switch (a, b) {
    case (.success(let x), .success(let y)):
        return x.events == y.events && x.events.company.levels == y.events.company.levels
            && x.events.location.levels == y.events.location.levels
            && x.problems == y.problems && x.excludedByReason == y.excludedByReason
            && x.duplicates == y.duplicates
            && x.duplicatesDropped == y.duplicatesDropped && x.rowsRead == y.rowsRead
    case (.failure(let e), .failure(let f)):
        return e == f
    default:
        return false
    }
}

private let segmentPath = "/tmp/layoffs-fuzz-loaders-\(getpid()).csv"

private func segmented(_ bytes: [UInt8], _ options: EventLoadOptions) {
    let one: Result<EventLoadResult, IngestError>
    do { one = .success(try EventLoader.load(bytes: bytes, name: segmentPath, options: options)) } catch { one = .failure(error) }
    _ = removeSegmentFileAtExit
    writeScratch(bytes, to: segmentPath)
    for threads in [2, 3] {
        let many: Result<EventLoadResult, IngestError>
        do {
            many = .success(try EventLoader.load(path: segmentPath, options: options, threads: threads,
                                                 tuning: SegmentTuning(minimumSplitBytes: 0)))
        } catch { many = .failure(error) }
        precondition(same(one, many), "\(threads) segments differ from one: \(many) / \(one)")
        // Segments taken over while they are read (small chunks, any remainder worth it).
        let shared: Result<EventLoadResult, IngestError>
        do {
            shared = .success(try EventLoader.load(path: segmentPath, options: options, threads: threads,
                                                   tuning: SegmentTuning(minimumSplitBytes: 0, minimumStealBytes: 2, chunkSize: 16)))
        } catch { shared = .failure(error) }
        precondition(same(one, shared), "\(threads) segments taken over differ from one: \(shared) / \(one)")
    }
}

/// A load keeping only `industry` (and the columns every load keeps: `company`, `date`,
/// the count and the fraction) against the whole load: the same outcome but for the
/// columns left out.
private func projected(_ bytes: [UInt8], _ options: EventLoadOptions) {
    var some = options
    some.columns = ["industry"]
    let all: Result<EventLoadResult, IngestError>, part: Result<EventLoadResult, IngestError>
    do { all = .success(try EventLoader.load(bytes: bytes, name: "events.csv", options: options)) } catch { all = .failure(error) }
    do { part = .success(try EventLoader.load(bytes: bytes, name: "events.csv", options: some)) } catch { part = .failure(error) }
    switch (all, part) {
    case (.success(let x), .success(let y)):
        precondition(x.problems == y.problems && x.excludedByReason == y.excludedByReason && x.duplicates == y.duplicates
                     && x.duplicatesDropped == y.duplicatesDropped && x.rowsRead == y.rowsRead, "a projected load differs")
        precondition(x.events.company == y.events.company && x.events.day == y.events.day && x.events.industry == y.events.industry
                     && x.events.line == y.events.line && x.events.cut == y.events.cut && x.events.fraction == y.events.fraction
                     && y.events.source.count == 0 && y.events.stage.count == 0,
                     "a projected load keeps other values")
    case (.failure(let e), .failure(let f)):
        precondition(e == f, "a projected load fails differently: \(e) / \(f)")
    default:
        preconditionFailure("a projected load disagrees: \(all) / \(part)")
    }
}

/// Removes the segment file when the fuzzer exits (at the end of its time or on a crash
/// it reports), so runs leave nothing in /tmp.
/// Writes the scratch file the segmented loads read: plainly, without `AtomicFile`'s
/// fsync, which on a busy disk stalled one input past libFuzzer's 1 s timeout in CI.
private func writeScratch(_ bytes: [UInt8], to path: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(fd >= 0, "cannot open \(path)")
    var done = 0
    bytes.withUnsafeBytes { b in
        while done < b.count {
            let n = write(fd, b.baseAddress! + done, b.count - done)
            if n < 0 && errno == EINTR { continue }
            precondition(n > 0, "cannot write \(path)")
            done += n
        }
    }
    precondition(close(fd) == 0, "cannot close \(path)")
}

private let removeSegmentFileAtExit: Void = {
    atexit { unlink(segmentPath) }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: count))
    events(bytes, EventLoadOptions())
    events(bytes, EventLoadOptions(percentScale: 100, dedupe: true))
    events(bytes, EventLoadOptions(columnMapping: ["date": "notice_date", "total_laid_off": "jobs"]))
    segmented(bytes, EventLoadOptions(skipInvalid: true, dedupe: true))
    segmented(bytes, EventLoadOptions())
    projected(bytes, EventLoadOptions(skipInvalid: true, dedupe: true))
    fundamentals(bytes, year: nil)
    fundamentals(bytes, year: 2023)
    return 0
}

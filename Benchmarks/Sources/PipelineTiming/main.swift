// Plain timing of the layoff pipeline stages on generated data: wall clock (best and
// median of R runs) and the process's CPU time (best), on both shapes of file.
//
//   swift run -c release PipelineTiming                 N = 1e5 and 1e6, both shapes, 3 runs each
//   swift run -c release PipelineTiming 1000000 --runs 5 --shape export
//   swift run -c release PipelineTiming --with-1e7      also N = 1e7 (slow, several GB; not default)
//
// Data: /tmp/layoffstats-pipeline/..., generated once per N and shape (export: companies =
// N/5, fundamentals for a tenth; compact: companies = N/50, fundamentals for all; fixed seed).
import Foundation
import LayoffKit
import LayoffReport
import PipelineSupport

var args = Array(CommandLine.arguments.dropFirst())
var runsArg = 3
if let i = args.firstIndex(of: "--runs"), i + 1 < args.count { runsArg = Int(args[i + 1]) ?? 3; args.removeSubrange(i...(i + 1)) }
var shapes = SyntheticLayoffs.Parameters.Shape.allCases
if let i = args.firstIndex(of: "--shape"), i + 1 < args.count {
    shapes = args[i + 1] == "both" ? shapes : [SyntheticLayoffs.Parameters.Shape(rawValue: args[i + 1]) ?? .export]
    args.removeSubrange(i...(i + 1))
}
let runs = max(1, runsArg)
let with1e7 = args.contains("--with-1e7")
args.removeAll { $0 == "--with-1e7" }
var sizes = args.compactMap { Int($0) }
if sizes.isEmpty { sizes = [100_000, 1_000_000] }
if with1e7 && !sizes.contains(10_000_000) { sizes.append(10_000_000) }

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
/// User + system CPU time of the process, ns.
func cpu() -> UInt64 {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return UInt64(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1_000_000_000 + UInt64(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1000
}
func loadAverage() -> String { (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?" }

/// Best and median wall-clock and best CPU time of `runs` runs, in ms; the last result is kept alive.
func time<T>(_ body: () throws -> T) rethrows -> (best: Double, median: Double, cpu: Double, last: T) {
    var ts: [Double] = [], cs: [Double] = []
    var last: T?
    for _ in 0..<runs {
        last = nil
        let (t0, c0) = (now(), cpu())
        last = try body()
        ts.append(Double(now() - t0) / 1e6)
        cs.append(Double(cpu() - c0) / 1e6)
    }
    ts.sort(); cs.sort()
    return (ts[0], ts[ts.count / 2], cs[0], last!)
}

struct Row { var stage: String; var best: Double; var median: Double; var cpu: Double; var note: String }
var results: [String: [Row]] = [:]
var keys: [String] = []

for shape in shapes {
    for n in sizes {
        let d = PipelineData(events: n, shape: shape)
        let g0 = now()
        try d.ensureWritten()
        let bytes = d.eventsFileBytes
        print(String(format: "%@ shape, N = %d (companies %d): data ready in %.1f s, events file %.1f MB; load average %@",
                     shape.rawValue as NSString, n, d.companies, Double(now() - g0) / 1e9, Double(bytes) / 1e6, loadAverage() as NSString))
        var rows: [Row] = []
        func add(_ stage: String, _ r: (best: Double, median: Double, cpu: Double), _ note: String = "") {
            rows.append(Row(stage: stage, best: r.best, median: r.median, cpu: r.cpu, note: note))
            print(String(format: "  %-44@ best %8.1f ms  median %8.1f ms  cpu %8.1f ms  %@",
                         stage as NSString, r.best, r.median, r.cpu, note as NSString))
        }

        let ingest = try time { try PipelineStages.ingest(d) }
        add("ingest (EventLoader, 1 thread)", (ingest.best, ingest.median, ingest.cpu),
            String(format: "%.0f MB/s, %.2f M rows/s", Double(bytes) / 1e6 / (ingest.best / 1e3), Double(ingest.last.rowsRead) / 1e6 / (ingest.best / 1e3)))
        let ingest2 = try time { try PipelineStages.ingest(d, threads: 2) }
        add("ingest, 2 threads (segments)", (ingest2.best, ingest2.median, ingest2.cpu),
            String(format: "%.0f MB/s", Double(bytes) / 1e6 / (ingest2.best / 1e3)))
        let ingestReport = try time { try PipelineStages.ingest(d, threads: 2, columns: PipelineStages.reportColumns) }
        add("ingest, 2 threads, the report's columns", (ingestReport.best, ingestReport.median, ingestReport.cpu),
            String(format: "%.0f MB/s", Double(bytes) / 1e6 / (ingestReport.best / 1e3)))
        let validate = try time { try PipelineStages.validateLoad(d) }
        add("validate's load (2 threads)", (validate.best, validate.median, validate.cpu),
            "\(validate.last.eventsLoad.duplicates.count) duplicates")
        let load = try time { try PipelineStages.loadJoined(d) }
        let data = load.last
        add("load + join (LayoffDataset, 1 thread)", (load.best, load.median, load.cpu),
            "\(data.join!.matchedCount) of \(data.events.count) matched")
        let load2 = try time { try PipelineStages.loadJoined(d, threads: 2, columns: PipelineStages.reportColumns) }
        add("load + join, 2 threads, the report's columns", (load2.best, load2.median, load2.cpu))
        let rInd = try time { try PipelineStages.rolling(data, by: "industry") }
        add("rolling 90d month-end by industry", (rInd.best, rInd.median, rInd.cpu), "\(rInd.last.groups.count) groups, \(rInd.last.rows.count) rows")
        let yoy = try time { try PipelineStages.yoyAndYTD(data) }
        add("monthly YoY + YTD by industry", (yoy.best, yoy.median, yoy.cpu), "\(yoy.last.0.rows.count) + \(yoy.last.1.rows.count) rows")
        let shared = try time { try PipelineStages.sharedIndustryAnalyses(data) }
        add("both, one shared sort (GroupedEvents)", (shared.best, shared.median, shared.cpu),
            "\(shared.last.0.rows.count) + \(shared.last.1.rows.count) + \(shared.last.2.rows.count) rows")
        let hc3 = try time { try PipelineStages.regression(data, covariance: .hc3) }
        add("regression fit HC3", (hc3.best, hc3.median, hc3.cpu), "n = \(hc3.last.n)")
        let cl = try time { try PipelineStages.regression(data, covariance: .cluster("company")) }
        add("regression fit cluster", (cl.best, cl.median, cl.cpu), "\(cl.last.clusterCount ?? 0) clusters")
        let rep = try time { try PipelineStages.report(data) }
        add("report build (ReportBuilder)", (rep.best, rep.median, rep.cpu), "")
        // Group scaling: the same rolling rates by company (N/50 or N/5 groups).
        let rCo = try time { try PipelineStages.rolling(data, by: "company") }
        add("rolling 90d month-end by company", (rCo.best, rCo.median, rCo.cpu), "\(rCo.last.groups.count) groups, \(rCo.last.rows.count) rows")
        let key = "\(shape.rawValue) \(n)"
        keys.append(key)
        results[key] = rows
    }
}

// Summary: markdown table of the best wall times (CPU in parentheses).
print("\nruns per stage: \(runs) (best wall shown, best CPU in parentheses); load average at end: \(loadAverage())")
print("| stage |" + keys.map { " \($0) |" }.joined())
print("|-------|" + keys.map { _ in "------:|" }.joined())
for (i, r) in results[keys[0]]!.enumerated() {
    print("| \(r.stage) |" + keys.map { String(format: " %.1f ms (%.0f) |", results[$0]![i].best, results[$0]![i].cpu) }.joined())
}
var ru = rusage()
getrusage(RUSAGE_SELF.rawValue, &ru)
print("peak resident (whole process): \(ru.ru_maxrss / 1024) MB")

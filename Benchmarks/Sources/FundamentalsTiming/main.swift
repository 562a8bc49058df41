// Wall-clock and CPU timing of the fundamentals side of a load, on generated data (best of R):
// FundamentalsLoader.load, FundamentalsLoader.deriveGrowth on the loaded table with its growth
// cleared, and FundamentalsJoin at lag 0 and 1 (and with two threads); then the provenance
// SHA-256 of the events file (FileDigest), which a report computes on another thread.
//
//   swift run -c release FundamentalsTiming                  N = 1e6 (160,000 fundamentals rows), 5 runs
//   swift run -c release FundamentalsTiming 100000 --runs 9
//
// Data: /tmp/layoffstats-pipeline/..., as PipelineTiming (generated once per N).
import Foundation
import LayoffKit
import LayoffReport
import PipelineSupport
import StatKit

var args = Array(CommandLine.arguments.dropFirst())
var runsArg = 5
if let i = args.firstIndex(of: "--runs"), i + 1 < args.count { runsArg = Int(args[i + 1]) ?? 5; args.removeSubrange(i...(i + 1)) }
let runs = max(1, runsArg)
let n = args.compactMap { Int($0) }.first ?? 1_000_000

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
/// User + system CPU time of the process, ns.
func cpu() -> UInt64 {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return UInt64(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1_000_000_000 + UInt64(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1000
}

/// Best wall and best CPU time (ms) of `runs` runs; the last result is kept alive.
func time<T>(_ stage: String, _ note: (T) -> String = { _ in "" }, _ body: () throws -> T) rethrows -> T {
    var wall: [Double] = [], cpus: [Double] = []
    var last: T?
    for _ in 0..<runs {
        let (w0, c0) = (now(), cpu())
        last = try body()
        wall.append(Double(now() - w0) / 1e6)
        cpus.append(Double(cpu() - c0) / 1e6)
    }
    wall.sort(); cpus.sort()
    print(String(format: "  %-34@ wall best %7.1f ms  median %7.1f ms   cpu best %7.1f ms   %@",
                 stage as NSString, wall[0], wall[wall.count / 2], cpus[0], note(last!) as NSString))
    return last!
}

let d = PipelineData(events: n)
try d.ensureWritten()
let events = try EventLoader.load(path: d.eventsPath, threads: 2).events
print("N = \(n): \(events.count) events, \(events.company.levels.count) companies; fundamentals \(d.fundamentalsPath); best of \(runs)")
let loaded = try time("FundamentalsLoader.load", { (r: FundamentalsLoadResult) in "\(r.fundamentals.count) rows, \(r.derivedGrowthCount) derived" }) {
    try FundamentalsLoader.load(path: d.fundamentalsPath)
}
var cleared = loaded.fundamentals
cleared.revenueGrowth = NumericColumn([Double?](repeating: nil, count: cleared.count))
cleared.growthDerived = [Bool](repeating: false, count: cleared.count)
_ = time("deriveGrowth (all growth missing)", { (k: Int) in "\(k) derived" }) {
    var t = cleared
    return FundamentalsLoader.deriveGrowth(&t)
}
for lag in [0, 1] {
    _ = try time("FundamentalsJoin lag \(lag)", { (j: FundamentalsJoin) in "\(j.matchedCount) matched" }) {
        try FundamentalsJoin(events: events, fundamentals: loaded.fundamentals, options: JoinOptions(lag: lag))
    }
}
_ = try time("FundamentalsJoin lag 0, 2 threads", { (j: FundamentalsJoin) in "\(j.matchedCount) matched" }) {
    try FundamentalsJoin(events: events, fundamentals: loaded.fundamentals, options: JoinOptions(lag: 0), threads: 2)
}

_ = time("FileDigest.of(events file)", { (d: FileDigest?) in String(format: "%.0f MB", Double(d?.bytes ?? 0) / 1e6) }) {
    FileDigest.of(path: d.eventsPath)
}

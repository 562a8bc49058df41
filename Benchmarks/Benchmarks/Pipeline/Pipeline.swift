// Pipeline stages on generated data (N = 1e5 and 1e6 events, companies = N/50, fixed seed),
// each stage a separate benchmark. Data is written once per N under /tmp and reused.
// Sizes: PIPELINE_SIZES=100000 (comma-separated) limits the run; default 100000,1000000.
import Benchmark
import Foundation
import LayoffKit
import LayoffReport
import PipelineSupport

let benchmarks: @Sendable () -> Void = {
    let sizes = (ProcessInfo.processInfo.environment["PIPELINE_SIZES"] ?? "100000,1000000")
        .split(separator: ",").compactMap { Int($0) }
    let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .peakMemoryResident, .mallocCountTotal]
    for n in sizes {
        let d = PipelineData(events: n)
        try! d.ensureWritten()
        let bytes = d.eventsFileBytes
        let big = n >= 1_000_000
        func config(_ scaling: BenchmarkScalingFactor = .one) -> Benchmark.Configuration {
            .init(metrics: metrics, timeUnits: .milliseconds, warmupIterations: 1, scalingFactor: scaling,
                  maxDuration: .seconds(big ? 20 : 10), maxIterations: big ? 5 : 20)
        }
        let tag = "N=\(n)"
        // ordo's throughput is loads per second; the file size is in the name, so
        // MB/s = size × throughput and rows/s = N × throughput (PipelineTiming prints both).
        Benchmark("ingest EventLoader \(tag) (\(String(format: "%.1f", Double(bytes) / 1e6)) MB)", configuration: config()) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try PipelineStages.ingest(d)) }
        }
        Benchmark("load+join LayoffDataset \(tag)", configuration: config()) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try PipelineStages.loadJoined(d)) }
        }
        // The analyses start from a loaded dataset (setup, not timed).
        let box = Loaded()
        let setup: Benchmark.BenchmarkSetupHook = { if box.data == nil { box.data = try PipelineStages.loadJoined(d) } }
        Benchmark("rolling 90d month-end by industry \(tag)", configuration: config(),
                  closure: { benchmark in for _ in benchmark.scaledIterations { blackHole(try PipelineStages.rolling(box.data!, by: "industry")) } },
                  setup: setup)
        Benchmark("rolling 90d month-end by company \(tag)", configuration: config(),
                  closure: { benchmark in for _ in benchmark.scaledIterations { blackHole(try PipelineStages.rolling(box.data!, by: "company")) } },
                  setup: setup)
        Benchmark("monthly YoY + YTD by industry \(tag)", configuration: config(),
                  closure: { benchmark in for _ in benchmark.scaledIterations { blackHole(try PipelineStages.yoyAndYTD(box.data!)) } },
                  setup: setup)
        Benchmark("regression fit HC3 \(tag)", configuration: config(),
                  closure: { benchmark in for _ in benchmark.scaledIterations { blackHole(try PipelineStages.regression(box.data!, covariance: .hc3)) } },
                  setup: setup)
        Benchmark("regression fit cluster \(tag)", configuration: config(),
                  closure: { benchmark in for _ in benchmark.scaledIterations { blackHole(try PipelineStages.regression(box.data!, covariance: .cluster("company"))) } },
                  setup: setup)
        Benchmark("report build \(tag)", configuration: config(),
                  closure: { benchmark in for _ in benchmark.scaledIterations { blackHole(try PipelineStages.report(box.data!)) } },
                  setup: setup)
    }
}

/// The loaded dataset shared by the analysis benchmarks (filled by their setup hook; the
/// benchmarks run one at a time).
final class Loaded: @unchecked Sendable {
    var data: LayoffDataset?
}

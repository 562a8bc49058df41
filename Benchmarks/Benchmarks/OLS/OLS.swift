import Benchmark
import BenchmarkSupport
import StatKit

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident],
                                           warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 20)
    let (x, y) = OLSData.make(n: 1_000_000)
    Benchmark("OLS n=1e6 p=5 classical+HC3") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try OLSData.fitClassicalAndHC3(x, y))
        }
    }
}

// swift-tools-version: 6.1
// Benchmarks for LayoffStats, kept out of the root package so `swift build`/`swift test`
// there never compile the harness. Run from this folder:
//   swift package --disable-sandbox benchmark            (ordo-one/benchmark)
//   swift run -c release OLSTiming                        (plain wall-clock timing)
//   swift run -c release PipelineTiming                   (pipeline stages at N = 1e5, 1e6)
//   swift run -c release FundamentalsTiming               (fundamentals load, growth, join at N = 1e6)
//   python3 peers/ols_numpy.py                            (numpy.linalg.lstsq on the same matrix)
//   peers/run_wide.sh 1000000 2000000 5000000              (wide designs against numpy and statsmodels)
//   peers/run_models.sh                                     (fixed effects, Poisson, negative binomial against
//                                                             pyfixest and statsmodels)
import PackageDescription

let package = Package(
    name: "LayoffStatsBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "LayoffStats", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(
            name: "BenchmarkSupport",
            dependencies: [.product(name: "StatKit", package: "LayoffStats")]
        ),
        .target(
            name: "PipelineSupport",
            dependencies: [
                .product(name: "LayoffKit", package: "LayoffStats"),
                .product(name: "LayoffReport", package: "LayoffStats"),
            ]
        ),
        .executableTarget(
            name: "PipelineTiming",
            dependencies: [
                "PipelineSupport",
                .product(name: "LayoffKit", package: "LayoffStats"),
                .product(name: "LayoffReport", package: "LayoffStats"),
            ]
        ),
        .executableTarget(
            name: "FundamentalsTiming",
            dependencies: [
                "PipelineSupport",
                .product(name: "LayoffKit", package: "LayoffStats"),
                .product(name: "LayoffReport", package: "LayoffStats"),
                .product(name: "StatKit", package: "LayoffStats"),
            ]
        ),
        .executableTarget(
            name: "Pipeline",
            dependencies: [
                "PipelineSupport",
                .product(name: "LayoffKit", package: "LayoffStats"),
                .product(name: "LayoffReport", package: "LayoffStats"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Pipeline",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "OLSTiming",
            dependencies: ["BenchmarkSupport", .product(name: "StatKit", package: "LayoffStats")]
        ),
        .executableTarget(
            name: "ModelsTiming",
            dependencies: [.product(name: "StatKit", package: "LayoffStats")]
        ),
        .executableTarget(
            name: "WideTiming",
            dependencies: [.product(name: "StatKit", package: "LayoffStats")]
        ),
        .executableTarget(
            name: "OLS",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "StatKit", package: "LayoffStats"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/OLS",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version: 6.0
// LayoffStats: statistics for workforce-layoff data.
//
// Layers (arrows point down only):
//   layoffs (executable) -> LayoffReport -> LayoffKit -> StatKit -> _CLapack, _CRmath
//                           LayoffReport -> _CSHA256
//   layoffs -> _CMalloc
import PackageDescription

let package = Package(
    name: "LayoffStats",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "StatKit", targets: ["StatKit"]),
        .library(name: "LayoffKit", targets: ["LayoffKit"]),
        .library(name: "LayoffReport", targets: ["LayoffReport"]),
        .executable(name: "layoffs", targets: ["layoffs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation` for the DocC catalogs; build-time only.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        // C BLAS and LAPACKE from Debian's libopenblas-dev and liblapacke-dev (Homebrew's
        // openblas carries both). Internal.
        .systemLibrary(
            name: "_CLapack",
            pkgConfig: "lapacke",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"]), .brew(["openblas"])]
        ),
        // R's standalone distribution library, Debian's r-mathlib. Internal.
        .systemLibrary(
            name: "_CRmath",
            pkgConfig: "libRmath",
            providers: [.apt(["r-mathlib"]), .brew(["r"])]
        ),
        // SHA-256 block compression in C (SHA-NI when the CPU has it), for LayoffReport's
        // SHA256. Internal.
        .target(name: "_CSHA256"),
        // glibc's <malloc.h> (mallopt), for the executable's allocator setting. Internal.
        .systemLibrary(name: "_CMalloc"),
        .target(
            name: "StatKit",
            dependencies: ["_CLapack", "_CRmath"]
        ),
        .target(
            name: "LayoffKit",
            dependencies: ["StatKit"]
        ),
        .target(
            name: "LayoffReport",
            dependencies: ["StatKit", "LayoffKit", "_CSHA256"]
        ),
        .executableTarget(
            name: "layoffs",
            dependencies: [
                "StatKit", "LayoffKit", "LayoffReport", "_CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The program shown in Notebooks-md/03-embedding-the-library.md, built and run by
        // CLITests so the shown code cannot rot.
        .executableTarget(
            name: "embedding-example",
            dependencies: ["StatKit", "LayoffKit"],
            path: "Examples/Embedding"
        ),
        .testTarget(
            name: "StatKitTests",
            dependencies: ["StatKit"],
            resources: [.copy("Reference")]
        ),
        .testTarget(
            name: "LayoffKitTests",
            dependencies: ["LayoffKit", "StatKit"],
            exclude: ["Fixtures"],
            resources: [.copy("Reference")]
        ),
        .testTarget(
            name: "LayoffReportTests",
            dependencies: ["LayoffReport", "LayoffKit", "StatKit"],
            exclude: ["Reference"]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["layoffs", "embedding-example"],
            exclude: ["BadInput", "Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

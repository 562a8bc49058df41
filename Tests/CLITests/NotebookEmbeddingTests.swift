import Foundation
import Testing

/// Notebooks-md/03-embedding-the-library.md shows Examples/Embedding/main.swift and its
/// output; both must stay true.
@Suite struct NotebookEmbeddingTests {
    static let notebook = CLI.packageRoot.appendingPathComponent("Notebooks-md/03-embedding-the-library.md")
    static let source = CLI.packageRoot.appendingPathComponent("Examples/Embedding/main.swift")

    /// The body of the first fenced block whose info string is `info` after `marker`.
    static func block(_ text: String, info: String, after marker: String? = nil) -> String? {
        var rest = Substring(text)
        if let marker, let r = rest.range(of: marker) { rest = rest[r.upperBound...] }
        guard let open = rest.range(of: "```" + info + "\n") else { return nil }
        let body = rest[open.upperBound...]
        guard let close = body.range(of: "\n```\n") else { return nil }
        return String(body[..<close.lowerBound]) + "\n"
    }

    @Test func shownCodeIsTheExampleFile() throws {
        let text = try String(contentsOf: Self.notebook, encoding: .utf8)
        let shown = try #require(Self.block(text, info: "swift", after: "## A short program"))
        #expect(shown == (try String(contentsOf: Self.source, encoding: .utf8)))
    }

    /// The `Package.swift` shown builds the example as a separate package whose
    /// LayoffStats checkout is in a folder of another name (a path dependency is otherwise
    /// known by its folder's name), and the program prints the output shown.
    ///
    /// The package and the checkout's link live in a fixed folder under the system's
    /// temporary folder, one per clone, so a second run builds incrementally. The build
    /// folder is one per set of source files: SwiftPM keeps planning a dependency's build
    /// from the files it saw last, and a file removed (a checkout of another branch) would
    /// stop an incremental build.
    @Test func shownPackageBuildsFromAFolderWithAnotherName() throws {
        let text = try String(contentsOf: Self.notebook, encoding: .utf8)
        let manifest = try #require(Self.block(text, info: "swift", after: "Add the package to yours"))
        #expect(manifest.contains("path: \"../LayoffStats\""))
        func fnv(_ s: String) -> String {
            String(s.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }, radix: 36)
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("layoffstats-embedding-\(fnv(CLI.packageRoot.path))")
        let sourceFiles = (FileManager.default.enumerator(atPath: CLI.packageRoot.appendingPathComponent("Sources").path)?
            .compactMap { $0 as? String } ?? []).sorted()
        let scratch = "build-" + fnv(sourceFiles.joined(separator: "\n"))
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for old in try FileManager.default.contentsOfDirectory(atPath: root.path) where old.hasPrefix("build-") && old != scratch {
            try? FileManager.default.removeItem(at: root.appendingPathComponent(old))
        }
        let checkout = root.appendingPathComponent("a-checkout-called-otherwise")
        let package = root.appendingPathComponent("my-analysis")
        let sources = package.appendingPathComponent("Sources/MyAnalysis")
        try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: checkout)
        try FileManager.default.createSymbolicLink(at: checkout, withDestinationURL: CLI.packageRoot)
        func write(_ s: String, _ url: URL) throws {
            // Unchanged files keep their times, so the build stays incremental.
            if (try? String(contentsOf: url, encoding: .utf8)) != s { try s.write(to: url, atomically: true, encoding: .utf8) }
        }
        try write(manifest.replacingOccurrences(of: "\"../LayoffStats\"", with: "\"../\(checkout.lastPathComponent)\""),
                  package.appendingPathComponent("Package.swift"))
        try write(try String(contentsOf: Self.source, encoding: .utf8), sources.appendingPathComponent("main.swift"))
        func swiftBuild(_ package: URL, _ scratch: String) throws -> (status: Int32, output: String) {
            let build = Process()
            build.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            build.arguments = ["swift", "build", "--package-path", package.path,
                               "--scratch-path", root.appendingPathComponent(scratch).path]
            let log = Pipe()
            build.standardOutput = log
            build.standardError = log
            try build.run()
            let output = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            build.waitUntilExit()
            return (build.terminationStatus, output)
        }
        let built = try swiftBuild(package, scratch)
        #expect(built.status == 0, "\(built.output)")
        // What the notebook says happens without `name:` (found when the package graph is
        // loaded, before anything is compiled).
        let unnamed = root.appendingPathComponent("my-analysis-unnamed")
        try FileManager.default.createDirectory(at: unnamed.appendingPathComponent("Sources/MyAnalysis"), withIntermediateDirectories: true)
        try write(manifest.replacingOccurrences(of: "name: \"LayoffStats\", path: \"../LayoffStats\"",
                                                with: "path: \"../\(checkout.lastPathComponent)\""),
                  unnamed.appendingPathComponent("Package.swift"))
        try write("print(1)\n", unnamed.appendingPathComponent("Sources/MyAnalysis/main.swift"))
        let failed = try swiftBuild(unnamed, "unnamed-build")
        #expect(failed.status != 0 && failed.output.contains("unknown package 'LayoffStats'"), "\(failed.output)")
        let exe = root.appendingPathComponent(scratch + "/debug/MyAnalysis")
        let p = Process()
        p.executableURL = exe
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(String(decoding: out, as: UTF8.self) == (try #require(Self.block(text, info: "text", after: "Output:"))))
    }

    @Test func shownOutputIsWhatTheExamplePrints() throws {
        let text = try String(contentsOf: Self.notebook, encoding: .utf8)
        let shown = try #require(Self.block(text, info: "text", after: "Output:"))
        let exe = CLI.binary.deletingLastPathComponent().appendingPathComponent("embedding-example")
        let p = Process()
        p.executableURL = exe
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(String(decoding: out, as: UTF8.self) == shown)
    }
}

import Foundation
import Testing

/// The report uses a second thread where it pays (fundamentals load, input hashing, the
/// regression section); its bytes must not depend on it.
@Suite struct ReportThreadsTests {
    /// Runs `layoffs report` with `LAYOFFS_THREADS=threads` in a fresh folder of `dir`
    /// and returns the markdown and figures by name.
    func report(_ args: [String], threads: Int, in dir: URL) throws -> [String: Data] {
        let run = dir.appendingPathComponent("t\(threads)")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let r = try CLI.run(["report"] + args + ["--out", "r.md", "--quiet"], in: run,
                           environment: ["LAYOFFS_THREADS": String(threads)])
        #expect(r.status == 0, "\(r.stderr)")
        var files: [String: Data] = ["r.md": try Data(contentsOf: run.appendingPathComponent("r.md"))]
        let figures = run.appendingPathComponent("r-figures")
        for name in try FileManager.default.contentsOfDirectory(atPath: figures.path).sorted() {
            files[name] = try Data(contentsOf: figures.appendingPathComponent(name))
        }
        return files
    }

    @Test func embeddedReportIsTheSameWithOneOrTwoThreads() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let one = try report([], threads: 1, in: dir)
        let two = try report([], threads: 2, in: dir)
        #expect(one.keys.sorted() == two.keys.sorted())
        for (name, bytes) in one { #expect(two[name] == bytes, "\(name) differs") }
    }

    @Test func syntheticReportIsTheSameWithOneOrTwoThreadsAndSamplesTheScatter() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let g = try CLI.run(["generate", "--shape", "compact", "--events", "6000", "--companies", "300", "--seed", "7",
                             "--out", dir.appendingPathComponent("data").path])
        #expect(g.status == 0, "\(g.stderr)")
        let args = ["--data", "../data/events.csv", "--fundamentals", "../data/fundamentals.csv"]
        let one = try report(args, threads: 1, in: dir)
        let two = try report(args, threads: 2, in: dir)
        #expect(one.keys.sorted() == two.keys.sorted())
        for (name, bytes) in one { #expect(two[name] == bytes, "\(name) differs") }
        // More than 2,000 observations: the regression charts draw a stride sample and say so.
        let scatter = String(decoding: one["regression-scatter.svg"] ?? Data(), as: UTF8.self)
        #expect(scatter.contains("points drawn, one in every "))
        #expect(scatter.components(separatedBy: "<circle").count - 1 <= 2_000 + 10)
    }
}

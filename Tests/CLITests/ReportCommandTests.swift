import Foundation
import Testing

/// `layoffs report`: files where promised, same bytes on every run, sections present.
@Suite struct ReportCommandTests {
    @Test func reportIsDeterministicAndComplete() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        var outputs: [[String: Data]] = []
        for run in 0..<2 {
            let sub = dir.appendingPathComponent("run\(run)")
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            let r = try CLI.run(["report", "--as-of", "2024-04-03"], in: sub)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stderr.contains("Wrote layoffs-report.md and 4 figures in layoffs-report-figures/"))
            var files: [String: Data] = [:]
            let fm = FileManager.default
            for name in try fm.subpathsOfDirectory(atPath: sub.path).sorted() {
                var isDir: ObjCBool = false
                let p = sub.appendingPathComponent(name).path
                if fm.fileExists(atPath: p, isDirectory: &isDir), !isDir.boolValue { files[name] = try Data(contentsOf: URL(fileURLWithPath: p)) }
            }
            outputs.append(files)
        }
        #expect(outputs[0] == outputs[1], "two runs of the same report differ")
        let names = outputs[0].keys.sorted()
        #expect(names == ["layoffs-report-figures/monthly-cuts.svg", "layoffs-report-figures/regression-residuals.svg",
                          "layoffs-report-figures/regression-scatter.svg", "layoffs-report-figures/rolling-rate.svg",
                          "layoffs-report.md"])
        let md = String(decoding: outputs[0]["layoffs-report.md"]!, as: UTF8.self)
        for section in ["## Headline", "## Monthly trend", "## Rolling 90-day layoff rate", "## Year over year by industry",
                        "## Cut size against workforce and revenue growth", "## Data quality", "## Provenance"] {
            #expect(md.contains(section), "missing \(section)")
        }
        // YTD as of 2024-04-03 against 2023-01-01..2023-04-03 (the numbers of `summary`).
        #expect(md.contains("**27,770** cuts in 23 events at 22 companies, against 130,394 in 36 events at 35 companies"))
        // Figures are linked relatively and every link resolves.
        for name in names where name.hasSuffix(".svg") { #expect(md.contains("](\(name))")) }
        // Provenance: embedded inputs with their SHA-256; no clock.
        #expect(md.contains("Datasets/tech-layoffs.csv (embedded)"))
        #expect(md.contains("layoffs report --as-of 2024-04-03 --out layoffs-report.md"))
        #expect(!md.contains("2026-"), "the report must not carry today's date")
    }

    @Test func outNamesTheMarkdownAndFiguresGoBesideIt() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("reports/april.md").path
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("reports"), withIntermediateDirectories: true)
        let r = try CLI.run(["report", "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        let md = try String(contentsOfFile: out, encoding: .utf8)
        #expect(md.contains("](april-figures/monthly-cuts.svg)"))
        // Events with a workforce: the rolling rates, their minimum stated, grouped by industry.
        #expect(md.contains("A window needs at least 3 such events for a rate (the report's default is 3)"))
        #expect(md.contains("## Year over year by industry\n") && md.contains("](april-figures/rolling-rate.svg)"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("reports/april-figures/monthly-cuts.svg").path))
    }

    @Test func unknownGroupColumnIsAUsageError() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["report", "--by", "nope"], in: dir)
        #expect(r.status == 64)
        #expect(r.stderr.contains("no column 'nope' to group by"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func countModelOptionIsRecordedAndChecked() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let off = try CLI.run(["report", "--count-model", "off", "--quiet"], in: dir)
        #expect(off.status == 0, "\(off.stderr)")
        let md = try String(contentsOf: dir.appendingPathComponent("layoffs-report.md"), encoding: .utf8)
        #expect(!md.contains("Cut counts with the workforce as exposure"))
        #expect(md.contains("layoffs report --count-model off --out layoffs-report.md"))
        let bad = try CLI.run(["report", "--count-model", "sometimes"], in: dir)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--count-model"))
    }
}

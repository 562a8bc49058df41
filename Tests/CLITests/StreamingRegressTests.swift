import Foundation
import Testing

/// `layoffs regress --stream` against `layoffs regress` (in memory) on the same CSV files.
///
/// Tolerance: every number of the JSON output within 1e-10 relative (CI limits scaled by
/// `|β̂| + t·se`; p-values 1e-8 relative, since a p-value amplifies the relative error of a
/// large t). The text output must be the in-memory text plus the streaming notes.
@Suite struct StreamingRegressTests {
    static let fixture = RegressCommandTests.fixtures.appendingPathComponent("regress-data.csv").path

    static func json(_ args: [String], environment: [String: String] = [:]) throws -> [String: Any] {
        let r = try CLI.run(args + ["--format", "json"], environment: environment)
        #expect(r.status == 0, "\(args): \(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    static func close(_ a: Any?, _ b: Any?, rtol: Double = 1e-10, scale: Double = 0) -> Bool {
        if a is NSNull || b is NSNull || a == nil || b == nil { return (a is NSNull || a == nil) && (b is NSNull || b == nil) }
        guard let x = (a as? NSNumber)?.doubleValue, let y = (b as? NSNumber)?.doubleValue else { return false }
        if x == y { return true }
        return abs(x - y) <= rtol * max(abs(x), abs(y), scale)
    }

    /// The streaming notes come last; the model's notes with estimates masked (see StreamingFitTests).
    static func commonNotes(_ notes: [String]) -> [String] {
        notes.filter { !$0.hasPrefix("Streaming fit:") && !$0.hasPrefix("Residual quantiles are not computed") }
    }

    static func compare(_ s: [String: Any], _ m: [String: Any], _ label: String, residuals: Bool) {
        for key in ["n", "rows_total", "rows_excluded", "df_model", "df_resid", "rank", "cov_type", "clusters", "method", "formula"] {
            #expect("\(s[key] ?? "nil")" == "\(m[key] ?? "nil")", "\(label): \(key)")
        }
        #expect(s["excluded_by_reason"] as? [String: Int] == m["excluded_by_reason"] as? [String: Int], "\(label): exclusions")
        #expect(s["dropped_terms"] as? [String] == m["dropped_terms"] as? [String], "\(label): dropped")
        for key in ["r_squared", "adj_r_squared", "sigma", "f_statistic", "log_likelihood", "aic", "bic", "condition_number", "durbin_watson"] {
            #expect(close(s[key], m[key]), "\(label): \(key) \(s[key] ?? "nil") vs \(m[key] ?? "nil")")
        }
        #expect(close(s["f_p_value"], m["f_p_value"], rtol: 1e-8), "\(label): F p-value")
        let sc = s["coefficients"] as! [[String: Any]], mc = m["coefficients"] as! [[String: Any]]
        #expect(sc.map { $0["term"] as? String } == mc.map { $0["term"] as? String }, "\(label): terms")
        for (a, b) in zip(sc, mc) {
            let scale = abs((b["estimate"] as? Double) ?? 0) + 3 * abs((b["std_error"] as? Double) ?? 0)
            for key in ["estimate", "ci_low", "ci_high"] { #expect(close(a[key], b[key], scale: scale), "\(label) \(a["term"]!): \(key)") }
            #expect(close(a["std_error"], b["std_error"]), "\(label) \(a["term"]!): SE")
            #expect(close(a["t"], b["t"], scale: 1), "\(label) \(a["term"]!): t")
            #expect(close(a["p_value"], b["p_value"], rtol: 1e-8), "\(label) \(a["term"]!): p")
        }
        #expect(commonNotes(s["notes"] as! [String]) == m["notes"] as! [String], "\(label): notes")
        if residuals {
            let a = s["residuals"] as! [String: Double], b = m["residuals"] as! [String: Double]
            let scale = b.values.map(abs).max() ?? 1
            for key in ["min", "q1", "median", "q3", "max"] { #expect(close(a[key], b[key], scale: scale), "\(label): residual \(key)") }
        } else {
            #expect(s["residuals"] is NSNull, "\(label): no residual quantiles without --residual-summary")
        }
    }

    @Test(arguments: 0..<7)
    func agreesWithInMemoryRegress(index: Int) throws {
        let c = RegressCommandTests.reference.cases[index]
        var args = ["regress", "--data", Self.fixture, "--formula", c.formula, "--cov", c.cov]
        if let cl = c.cluster { args += ["--cluster", cl] }
        if let w = c.weights { args += ["--weights", w] }
        let memory = try Self.json(args)
        let streamed = try Self.json(args + ["--stream"])
        Self.compare(streamed, memory, "\(c.formula) \(c.cov)", residuals: false)
        let withResiduals = try Self.json(args + ["--stream", "--residual-summary"])
        Self.compare(withResiduals, memory, "\(c.formula) \(c.cov) --residual-summary", residuals: true)
        let notes = streamed["notes"] as! [String]
        #expect(notes.contains { $0.hasPrefix("Streaming fit: the file is read in blocks") && $0.contains("one pass folds them")
                                 && (c.cov == "classical" || $0.contains("the \(c.cov) covariance")) })
    }

    /// A larger file whose categorical levels appear late and in unsorted order, with
    /// missing values; one and two threads must print the same bytes.
    @Test func generatedFileAgreesAndThreadsDoNotMatter() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("gen.csv").path
        var text = "y,x,size,region,firm\n"
        var state: UInt64 = 12345
        func next() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) / Double(1 << 53) }
        let regions = ["north", "east", "south", "central"]
        for i in 0..<5000 {
            let region = i > 3000 && i % 4 == 0 ? "west" : regions[Int(next() * 4)]
            let x = (next() * 10 - 5)
            let size = exp(next() * 4)
            let y = 1 + 0.5 * x - 0.2 * log(size) + (region == "west" ? 0.8 : 0) + (next() - 0.5) * (1 + abs(x) / 3)
            let yField = i % 101 == 7 ? "" : String(format: "%.6f", y)
            text += "\(yField),\(String(format: "%.4f", x)),\(i % 211 == 3 ? "NA" : String(format: "%.3f", size)),\(region),f\(Int(next() * 60))\n"
        }
        try text.write(toFile: f, atomically: true, encoding: .utf8)
        for (cov, extra) in [("classical", [String]()), ("HC3", []), ("cluster", ["--cluster", "firm"])] {
            let args = ["regress", "--data", f, "--formula", "y ~ x * C(region) + log(size)", "--cov", cov] + extra
            let memory = try Self.json(args)
            let one = try CLI.run(args + ["--stream", "--residual-summary", "--format", "json"], environment: ["LAYOFFS_THREADS": "1"])
            let two = try CLI.run(args + ["--stream", "--residual-summary", "--format", "json"], environment: ["LAYOFFS_THREADS": "2"])
            #expect(one.status == 0 && two.status == 0, "\(one.stderr)\(two.stderr)")
            #expect(one.stdout == two.stdout, "\(cov): same bytes with 1 and 2 threads")
            let streamed = try #require(try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [String: Any])
            Self.compare(streamed, memory, "generated \(cov)", residuals: true)
        }
    }

    @Test func textAndMarkdownKeepTheLayout() throws {
        let base = ["regress", "--data", Self.fixture, "--formula", "log(cut) ~ log(employees) + growth + C(sector)", "--cov", "HC1"]
        for format in ["table", "markdown"] {
            let memory = try CLI.run(base + ["--format", format])
            let streamed = try CLI.run(base + ["--format", format, "--stream", "--residual-summary"])
            #expect(memory.status == 0 && streamed.status == 0)
            // The same text, plus one streaming note at the end.
            #expect(streamed.stdout.hasPrefix(memory.stdout), "\(format):\n\(streamed.stdout)\nvs\n\(memory.stdout)")
            let extra = String(streamed.stdout.dropFirst(memory.stdout.count))
            #expect(extra.contains("Streaming fit: the file is read in blocks") && extra.split(separator: "\n").count == 1, "\(format): \(extra)")
        }
        // Without --residual-summary the Residuals block is left out and a note says why.
        let plain = try CLI.run(base + ["--stream"])
        #expect(!plain.stdout.contains("Residuals:"))
        #expect(plain.stdout.contains("Residual quantiles are not computed in streaming mode"))
    }

    @Test func errorsAreLocatedAndUsageIsChecked() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("bad.csv").path
        try "y,x\n1,2\n2,3\n3,x3\n".write(toFile: f, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["regress", "--stream", "--data", f, "--formula", "y ~ x"])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("\(f):4:2: 'x3' in column 'x' is not a number"))
        let ragged = dir.appendingPathComponent("ragged.csv").path
        try "y,x\n1,2\n2,3,4\n".write(toFile: ragged, atomically: true, encoding: .utf8)
        let r = try CLI.run(["regress", "--stream", "--data", ragged, "--formula", "y ~ x"])
        #expect(r.status == 65 && r.stderr.contains("\(ragged):3: record has 3 fields"))
        let missing = try CLI.run(["regress", "--stream", "--data", dir.appendingPathComponent("none.csv").path, "--formula", "y ~ x"])
        #expect(missing.status == 66)
        let noFormula = try CLI.run(["regress", "--stream", "--data", Self.fixture])
        #expect(noFormula.status == 64 && noFormula.stderr.contains("the columns are: cut, employees"))
        #expect(try CLI.run(["regress", "--stream"]).status == 64)
        #expect(try CLI.run(["regress", "--stream", "--data", Self.fixture, "--fundamentals", Self.fixture]).status == 64)
        #expect(try CLI.run(["regress", "--residual-summary", "--data", Self.fixture, "--formula", "cut ~ growth"]).status == 64)
        // Charts sample the rows of the second pass, streamed or not.
        let charted = try CLI.run(["regress", "--stream", "--chart", "--data", Self.fixture, "--formula", "cut ~ growth",
                                   "--out", dir.appendingPathComponent("fit.md").path])
        #expect(charted.status == 0, "\(charted.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("regression-residuals.svg").path))
        #expect(charted.stderr.contains("regression-residuals.svg"))
        // --quiet: the same files, nothing on standard error.
        let quiet = try CLI.run(["regress", "--stream", "--chart", "--quiet", "--data", Self.fixture, "--formula", "cut ~ growth",
                                 "--out", dir.appendingPathComponent("fit.md").path])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
        let help = try CLI.run(["regress", "--help"])
        #expect(help.stdout.contains("--stream") && help.stdout.contains("second") && help.stdout.contains("--residual-summary"))
    }
}

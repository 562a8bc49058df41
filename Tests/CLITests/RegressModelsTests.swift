import Foundation
import Testing

/// `layoffs regress` end to end for the models and inference beyond least squares with
/// classical or HC errors, against the references the library is checked with, read through
/// the command line: R's glm, MASS::glm.nb and sandwich (scripts/reference/glm_reference.R),
/// pyfixest's feols/fepois (fixed_effects_reference.py), pyfixest and statsmodels for
/// multiway clusters, Newey–West and Driscoll–Kraay (covariance_reference.py), statsmodels
/// for Wald tests, diagnostics and influence (diagnostics_reference.py). Tolerances are the
/// library tests': GLM coefficients 1e-7 at the scale of their standard error and standard
/// errors 1e-6 (negative binomial 1e-5), fixed effects 1e-7 and 1e-6, covariances 1e-9,
/// tests and diagnostics 1e-9 (RESET 1e-8), influence 1e-7.
@Suite struct RegressModelsTests {
    static let reference = CLI.packageRoot.appendingPathComponent("Tests/StatKitTests/Reference")

    static func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: reference.appendingPathComponent(name))) as! [String: Any]
    }

    /// Runs `layoffs regress ARGS --format json` on a reference CSV and returns the parsed result.
    static func regress(_ file: String, _ args: [String]) throws -> [String: Any] {
        let r = try CLI.run(["regress", "--data", reference.appendingPathComponent(file).path] + args + ["--format", "json"])
        #expect(r.status == 0, "\(args): \(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    /// The coefficients of a JSON result by term: (estimate, standard error).
    static func coefficients(_ obj: [String: Any]) -> [String: (Double, Double)] {
        var out: [String: (Double, Double)] = [:]
        for c in obj["coefficients"] as? [[String: Any]] ?? [] {
            if let t = c["term"] as? String, let e = c["estimate"] as? Double, let s = c["std_error"] as? Double { out[t] = (e, s) }
        }
        return out
    }

    static func doubles(_ v: Any?) -> [Double] { (v as? [Any] ?? []).map { ($0 as! NSNumber).doubleValue } }

    static func close(_ a: Double?, _ b: Double, _ rtol: Double) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= rtol * max(abs(a), abs(b), 1e-300)
    }

    /// R's term names in ours: `industryHardware` → `C(industry)[T.Hardware]`.
    static func ourName(_ r: String) -> String {
        r.hasPrefix("industry") ? "C(industry)[T.\(r.dropFirst("industry".count))]" : r
    }

    static let glmArguments: [String: [String]] = [
        "poisson offset": ["--family", "poisson", "--formula", "cut ~ growth + C(industry)", "--offset", "log(employees)"],
        "negbin offset": ["--family", "negbin", "--formula", "cut ~ growth + C(industry) + offset(log(employees))"],
        "logit": ["--family", "binomial", "--formula", "laidoff ~ log(employees) + growth"],
        "probit": ["--family", "binomial", "--link", "probit", "--formula", "laidoff ~ log(employees) + growth"],
        "gaussian": ["--family", "gaussian", "--formula", "log1p(cut) ~ growth + log(employees)"],
    ]

    @Test("GLM families against R: coefficients, classical / HC0 / cluster errors, deviances, θ",
          arguments: ["poisson offset", "negbin offset", "logit", "probit", "gaussian"])
    func generalizedLinearModels(label: String) throws {
        let fits = try Self.json("glm.json")["fits"] as! [[String: Any]]
        let ref = try #require(fits.first { $0["label"] as? String == label })
        let names = (ref["names"] as! [String]).map(Self.ourName)
        let beta = Self.doubles(ref["coefficients"])
        let negbin = label.hasPrefix("negbin")
        let (cTol, seTol) = negbin ? (1e-5, 1e-5) : (1e-7, 1e-6)
        for (cov, extra, key) in [("classical", [String](), "se"), ("HC0", ["--cov", "HC0"], "se_HC0"),
                                  ("cluster", ["--cluster", "firm"], "se_cluster")] {
            let obj = try Self.regress("glm.csv", Self.glmArguments[label]! + extra)
            let coefs = Self.coefficients(obj)
            #expect(Set(coefs.keys) == Set(names), "\(label) \(cov): \(coefs.keys.sorted())")
            let se = Self.doubles(ref[key])
            for (j, name) in names.enumerated() {
                guard let (b, s) = coefs[name] else { continue }
                #expect(abs(b - beta[j]) <= cTol * max(abs(beta[j]), se[j]), "\(label) \(cov) \(name): \(b) vs R \(beta[j])")
                #expect(Self.close(s, se[j], seTol), "\(label) \(cov) \(name): SE \(s) vs R \(se[j])")
            }
            #expect(Self.close(obj["deviance"] as? Double, ref["deviance"] as! Double, negbin ? 1e-7 : 1e-9))
            #expect(Self.close(obj["null_deviance"] as? Double, ref["null_deviance"] as! Double, negbin ? 1e-7 : 1e-9))
            #expect(obj["n"] as? Int == ref["n"] as? Int)
            if negbin { #expect(Self.close(obj["theta"] as? Double, ref["theta"] as! Double, 1e-5)) }
        }
    }

    @Test("multiway clusters, Newey–West and Driscoll–Kraay against pyfixest and statsmodels")
    func covariances() throws {
        let cases = try Self.json("panel.json")["cases"] as! [[String: Any]]
        let runs: [(String, [String])] = [
            ("cluster firm", ["--cluster", "firm"]),
            ("cluster firm+year", ["--cluster", "firm,year"]),
            ("cluster firm+year", ["--cluster", "firm", "--cluster", "year"]),
            ("HAC 3", ["--cov", "HAC", "--lags", "3"]),
            ("DK 2 by t", ["--cov", "DK", "--lags", "2", "--time", "t"]),
        ]
        for (label, args) in runs {
            let ref = try #require(cases.first { $0["label"] as? String == label })
            let coefs = Self.coefficients(try Self.regress("panel.csv", ["--formula", "y ~ x1 + x2"] + args))
            let (params, bse) = (Self.doubles(ref["params"]), Self.doubles(ref["bse"]))
            for (j, name) in (ref["names"] as! [String]).enumerated() {
                let (b, s) = try #require(coefs[name], "\(label): no \(name)")
                #expect(abs(b - params[j]) <= 1e-9 * max(abs(params[j]), bse[j]), "\(args) \(name)")
                #expect(Self.close(s, bse[j], 1e-9), "\(args) \(name): SE \(s) vs \(bse[j])")
            }
        }
    }

    @Test("absorbed fixed effects against pyfixest feols and fepois")
    func fixedEffects() throws {
        let fits = try Self.json("fixed-effects.json")["fits"] as! [[String: Any]]
        let runs: [(String, [String])] = [
            ("feols iid", ["--formula", "log1p(cut) ~ growth + log(employees) | firm + year"]),
            ("feols firm", ["--formula", "log1p(cut) ~ growth + log(employees) | firm + year", "--cluster", "firm"]),
            ("feols firm+year", ["--formula", "log1p(cut) ~ growth + log(employees) | firm + year", "--cluster", "firm,year"]),
            ("fepois iid", ["--family", "poisson", "--formula", "cut ~ growth + log(employees) | firm + year"]),
            ("fepois firm", ["--family", "poisson", "--formula", "cut ~ growth + log(employees) | firm + year", "--cluster", "firm"]),
        ]
        for (label, args) in runs {
            let ref = try #require(fits.first { $0["label"] as? String == label })
            let obj = try Self.regress("fixed-effects.csv", args)
            #expect(obj["n"] as? Int == ref["n"] as? Int, "\(label): n")
            let coefs = Self.coefficients(obj)
            let (beta, se) = (Self.doubles(ref["coefficients"]), Self.doubles(ref["se"]))
            for (j, name) in (ref["names"] as! [String]).enumerated() {
                let (b, s) = try #require(coefs[name], "\(label): no \(name)")
                #expect(abs(b - beta[j]) <= 1e-7 * max(abs(beta[j]), se[j]), "\(label) \(name): \(b) vs \(beta[j])")
                #expect(Self.close(s, se[j], 1e-6), "\(label) \(name): SE \(s) vs \(se[j])")
            }
            #expect((obj["fixed_effects"] as? [[String: Any]])?.map { $0["name"] as? String } == ["firm", "year"])
        }
    }

    @Test("--test, --diagnostics and --influence against statsmodels")
    func testsDiagnosticsInfluence() throws {
        let ref = try Self.json("diagnostics.json")
        let formula = ref["formula"] as! String
        let tests = ref["tests"] as! [[String: Any]]
        for (cov, args) in [("classical", [String]()), ("HC3", ["--cov", "HC3"]), ("cluster", ["--cluster", "firm"])] {
            let mine = tests.filter { $0["cov"] as? String == cov }
            let hypotheses = mine.flatMap { ["--test", $0["hypothesis"] as! String] }
            let obj = try Self.regress("panel.csv", ["--formula", formula] + args + hypotheses)
            let got = try #require(obj["tests"] as? [[String: Any]])
            #expect(got.count == mine.count)
            for (g, t) in zip(got, mine) {
                #expect(g["hypothesis"] as? String == t["hypothesis"] as? String)
                #expect(g["df1"] as? Int == t["df1"] as? Int && g["df2"] as? Int == t["df2"] as? Int)
                #expect(Self.close(g["statistic"] as? Double, t["statistic"] as! Double, 1e-9), "\(cov) \(t["hypothesis"]!)")
                #expect(Self.close(g["p_value"] as? Double, t["p_value"] as! Double, 1e-9), "\(cov) \(t["hypothesis"]!)")
            }
        }

        let dir = try CLI.tempDir()
        let influence = dir.appendingPathComponent("influence.csv")
        let obj = try Self.regress("panel.csv", ["--formula", formula, "--diagnostics", "--influence", influence.path])
        let d = try #require(obj["diagnostics"] as? [String: Any])
        let vif = try #require(d["vif"] as? [String: Double])
        for (term, v) in ref["vif"] as! [String: Double] { #expect(Self.close(vif[term], v, 1e-9), "VIF \(term)") }
        let bp = d["breusch_pagan"] as? [String: Any], bpRef = ref["breusch_pagan"] as! [String: Any]
        #expect(Self.close(bp?["statistic"] as? Double, bpRef["statistic"] as! Double, 1e-9))
        let reset = d["reset"] as? [String: Any], resetRef = ref["reset"] as! [String: Any]
        #expect(Self.close(reset?["statistic"] as? Double, resetRef["statistic"] as! Double, 1e-8))
        #expect(Self.close(d["cooks_distance_max"] as? Double, ref["cooks_distance_max"] as! Double, 1e-7))

        let lines = try String(contentsOf: influence, encoding: .utf8).split(separator: "\r\n")
        #expect(lines.first == "row,leverage,cooks_distance,studentized_residual,dfbetas_(Intercept),dfbetas_x1,dfbetas_x2,dfbetas_I(x2^2)")
        // A term whose level has a comma and quotes is one CSV cell, quoted whole.
        var csv = "g,x,y\n"
        for i in 0..<12 { csv += (i % 2 == 0 ? "a" : "\"b, \"\"q\"\"\"") + ",\(i),\(Double(i * i % 7) + 0.5 * Double(i))\n" }
        try csv.write(to: dir.appendingPathComponent("levels.csv"), atomically: true, encoding: .utf8)
        let quoted = dir.appendingPathComponent("quoted.csv")
        let q = try CLI.run(["regress", "--data", dir.appendingPathComponent("levels.csv").path, "--formula", "y ~ x + C(g)",
                             "--influence", quoted.path, "--format", "json"])
        #expect(q.status == 0, "\(q.stderr)")
        let header = try #require(try String(contentsOf: quoted, encoding: .utf8).split(separator: "\r\n").first)
        #expect(header == "row,leverage,cooks_distance,studentized_residual,dfbetas_(Intercept),\"dfbetas_C(g)[T.b, \"\"q\"\"]\",dfbetas_x")
        let rows = ref["rows"] as! [String: Any]
        let (lev, cook, stud) = (Self.doubles(rows["leverage"]), Self.doubles(rows["cooks_distance"]), Self.doubles(rows["studentized"]))
        let dfbetas = (rows["dfbetas"] as! [Any]).map(Self.doubles)
        for i in 0..<lev.count {
            let f = lines[i + 1].split(separator: ",").map { Double($0)! }
            #expect(f[0] == Double(i + 1))
            #expect(Self.close(f[1], lev[i], 1e-7) && Self.close(f[2], cook[i], 1e-7) && Self.close(f[3], stud[i], 1e-7), "row \(i + 1)")
            for j in 0..<dfbetas[i].count { #expect(Self.close(f[4 + j], dfbetas[i][j], 1e-7), "row \(i + 1) dfbetas \(j)") }
        }
    }

    @Test("options that do not go together are usage errors (exit 64), bad hypotheses data errors (65)")
    func usageErrors() throws {
        let panel = Self.reference.appendingPathComponent("panel.csv").path
        let base = ["regress", "--data", panel, "--formula", "y ~ x1 + x2"]
        for (args, message) in [(["--lags", "2"], "--lags goes with --cov HAC or DK"),
                                (["--cov", "DK", "--lags", "2"], "--cov DK needs --time COLUMN"),
                                (["--cov", "HAC"], "--cov HAC needs --lags K"),
                                (["--link", "probit"], "--link goes with --family binomial"),
                                (["--family", "poisson", "--diagnostics"], "--diagnostics are for least-squares models"),
                                (["--cov", "HC1", "--cluster", "firm"], "--cluster firm asks for cluster-robust covariance")] {
            let r = try CLI.run(base + args)
            #expect(r.status == 64, "\(args): \(r.status)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
        let fe = try CLI.run(["regress", "--data", panel, "--formula", "y ~ x1 | firm", "--family", "negbin"])
        #expect(fe.status == 64 && fe.stderr.contains("fixed effects are absorbed for least squares and --family poisson"), "\(fe.stderr)")
        let unknown = try CLI.run(base + ["--test", "x3 = 0"])
        #expect(unknown.status == 65 && unknown.stderr.contains("x3"), "\(unknown.stderr)")
        #expect(unknown.stdout.isEmpty)
    }
}

import Foundation
import Testing

/// `layoffs regress --format json` end to end against statsmodels on the same file
/// (scripts/reference/cli_regress_reference.py → Fixtures/regress-*.{csv,json}).
@Suite struct RegressCommandTests {
    struct Case: Decodable {
        var formula: String, cov: String, cluster: String?, weights: String?
        var n: Int, params: [Double], bse: [Double], tvalues: [Double], pvalues: [Double]
        var ci_low: [Double], ci_high: [Double]
        var rsquared: Double, rsquared_adj: Double, fvalue: Double, f_pvalue: Double
        var llf: Double, aic: Double, bic: Double, sigma: Double, df_resid: Double, df_model: Double
        var names: [String]
    }
    struct Reference: Decodable { var cases: [Case] }

    static let fixtures = CLI.packageRoot.appendingPathComponent("Tests/CLITests/Fixtures")
    static let reference: Reference = {
        let data = try! Data(contentsOf: fixtures.appendingPathComponent("regress-reference.json"))
        return try! JSONDecoder().decode(Reference.self, from: data)
    }()

    /// statsmodels/patsy term names in ours: `Intercept` → `(Intercept)`, `np.log(x)` → `log(x)`,
    /// `I(x ** 2)` → `I(x^2)`.
    static func ourName(_ s: String) -> String {
        s == "Intercept" ? "(Intercept)" : s.replacingOccurrences(of: "np.", with: "").replacingOccurrences(of: " ** ", with: "^")
    }

    /// Relative tolerance 1e-9 (p-values of tiny size: 1e-9 relative too, they come from R's pt).
    static func close(_ a: Double?, _ b: Double, rel: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= rel * max(abs(b), 1e-300)
    }

    @Test(arguments: 0..<7)
    func matchesStatsmodels(index: Int) throws {
        let c = Self.reference.cases[index]
        var args = ["regress", "--data", Self.fixtures.appendingPathComponent("regress-data.csv").path,
                    "--formula", c.formula, "--cov", c.cov, "--format", "json"]
        if let cl = c.cluster { args += ["--cluster", cl] }
        if let w = c.weights { args += ["--weights", w] }
        let r = try CLI.run(args)
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(obj["n"] as? Int == c.n)
        #expect(obj["rows_excluded"] as? Int == 240 - c.n)
        #expect(obj["df_resid"] as? Int == Int(c.df_resid))
        #expect(obj["df_model"] as? Int == Int(c.df_model))
        for (key, want) in [("r_squared", c.rsquared), ("adj_r_squared", c.rsquared_adj), ("sigma", c.sigma),
                            ("f_statistic", c.fvalue), ("f_p_value", c.f_pvalue), ("log_likelihood", c.llf),
                            ("aic", c.aic), ("bic", c.bic)] {
            #expect(Self.close(obj[key] as? Double, want), "\(c.formula) \(c.cov): \(key) = \(obj[key] ?? "nil"), statsmodels \(want)")
        }
        let coefs = try #require(obj["coefficients"] as? [[String: Any]])
        #expect(coefs.map { $0["term"] as? String } == c.names.map(Self.ourName))
        for (j, co) in coefs.enumerated() {
            for (key, want) in [("estimate", c.params[j]), ("std_error", c.bse[j]), ("t", c.tvalues[j]),
                                ("p_value", c.pvalues[j]), ("ci_low", c.ci_low[j]), ("ci_high", c.ci_high[j])] {
                #expect(Self.close(co[key] as? Double, want), "\(c.formula) \(c.cov) \(c.names[j]) \(key): \(co[key] ?? "nil") vs \(want)")
            }
        }
    }

    @Test func tableOutputNamesCovarianceAndExclusions() throws {
        let r = try CLI.run(["regress", "--data", Self.fixtures.appendingPathComponent("regress-data.csv").path,
                             "--formula", "log(cut) ~ log(employees) + C(sector, ref=\"delta\")", "--cov", "HC3"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Standard errors: HC3"))
        #expect(r.stdout.contains("C(sector)[T.alpha]"))
        #expect(r.stdout.contains("6 of 240 rows excluded (listwise deletion): 3 missing cut, 2 missing employees, 1 missing sector."))
        #expect(r.stdout.contains("Residual standard error:"))
    }

    @Test func errorsAreClear() throws {
        let data = Self.fixtures.appendingPathComponent("regress-data.csv").path
        let missing = try CLI.run(["regress", "--data", data, "--formula", "cut ~ nope"])
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("no column named 'nope'; the columns are: cut, employees, growth, sector, firm, w"))
        let syntax = try CLI.run(["regress", "--data", data, "--formula", "cut ~ (growth"])
        #expect(syntax.status == 65)
        #expect(syntax.stderr.contains("position 14"))
        let noFormula = try CLI.run(["regress", "--data", data])
        #expect(noFormula.status == 64)
        let badCov = try CLI.run(["regress", "--data", data, "--formula", "cut ~ growth", "--cov", "HC9"])
        #expect(badCov.status == 64)
    }

    @Test func aliasedTermIsReportedWithoutEstimate() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("alias.csv").path
        try "y,a,b\n1,1,2\n2,2,4\n2.5,3,6\n4.5,4,8\n5,5,10\n".write(toFile: f, atomically: true, encoding: .utf8)
        let r = try CLI.run(["regress", "--data", f, "--formula", "y ~ a + b", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(obj["dropped_terms"] as? [String] == ["b"])
        let coefs = try #require(obj["coefficients"] as? [[String: Any]])
        #expect(coefs.count == 3)
        #expect(coefs[2]["term"] as? String == "b")
        #expect(coefs[2]["estimate"] is NSNull)
        // lm(y ~ a): slope 1.05, intercept -0.15.
        #expect(abs((coefs[1]["estimate"] as? Double ?? 0) - 1.05) < 1e-12)
    }

    @Test func layoffModelOnEmbeddedData() throws {
        let r = try CLI.run(["regress", "--cov", "cluster", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(obj["formula"] as? String == "log(total_laid_off) ~ log(employees) + revenue_growth")
        #expect(obj["cov_type"] as? String == "cluster")
        #expect(obj["cluster_column"] as? String == "company")
        #expect((obj["n"] as? Int ?? 0) > 50)
    }
}

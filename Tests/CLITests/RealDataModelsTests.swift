import Foundation
import Testing

/// `layoffs regress` on the real layoffs.fyi export (../shared, skipped when absent) against
/// statsmodels, pyfixest and the glm.nb formulas at the likelihood's optimum
/// (scripts/reference/real_data_models.py → Fixtures/real-data-models.json). Coefficients
/// 1e-7 relative at the scale of their standard error, standard errors 1e-6, θ 1e-7. The
/// negative binomial is the case plain IRLS diverges on (R's glm.nb and statsmodels' GLM
/// both fail on it from their own starting values).
@Suite(.enabled(if: CLI.hasShared, "needs ../shared/datasets"))
struct RealDataModelsTests {
    static let export = CLI.shared.appendingPathComponent("datasets/layoffs-fyi-2020-2026.csv").path

    static let arguments: [String: [String]] = [
        "negbin": ["--family", "negbin", "--formula", "total_laid_off ~ log(funds_raised) + C(stage)"],
        "negbin cluster company": ["--family", "negbin", "--formula", "total_laid_off ~ log(funds_raised) + C(stage)", "--cluster", "company"],
        "poisson": ["--family", "poisson", "--formula", "total_laid_off ~ log(funds_raised) + C(stage)"],
        "poisson cluster company": ["--family", "poisson", "--formula", "total_laid_off ~ log(funds_raised) + C(stage)", "--cluster", "company"],
        "fractional logit HC0": ["--family", "binomial", "--formula", "percentage_laid_off ~ log(funds_raised) + C(stage)", "--cov", "HC0"],
        "feols industry+country cluster company": ["--formula", "log(total_laid_off) ~ log(funds_raised) | industry + country", "--cluster", "company"],
        "fepois industry+country cluster company": ["--family", "poisson", "--formula", "total_laid_off ~ log(funds_raised) | industry + country", "--cluster", "company"],
    ]

    @Test(arguments: arguments.keys.sorted())
    func matchesReference(label: String) throws {
        let url = CLI.packageRoot.appendingPathComponent("Tests/CLITests/Fixtures/real-data-models.json")
        let fits = (try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any])["fits"] as! [[String: Any]]
        let ref = try #require(fits.first { $0["label"] as? String == label })
        let r = try CLI.run(["regress", "--data", Self.export] + Self.arguments[label]! + ["--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(obj["n"] as? Int == ref["n"] as? Int, "\(label): n")
        let (cTol, seTol) = (1e-7, 1e-6)
        var ours: [String: (Double, Double)] = [:]
        for c in obj["coefficients"] as? [[String: Any]] ?? [] {
            if let t = c["term"] as? String, let e = c["estimate"] as? Double, let s = c["std_error"] as? Double { ours[t] = (e, s) }
        }
        let names = ref["names"] as! [String]
        #expect(Set(ours.keys) == Set(names), "\(label): \(ours.keys.sorted()) vs \(names)")
        let params = (ref["params"] as! [NSNumber]).map(\.doubleValue), bse = (ref["bse"] as! [NSNumber]).map(\.doubleValue)
        for (j, name) in names.enumerated() {
            guard let (b, s) = ours[name] else { continue }
            #expect(abs(b - params[j]) <= cTol * max(abs(params[j]), bse[j]), "\(label) \(name): \(b) vs \(params[j])")
            #expect(abs(s - bse[j]) <= seTol * bse[j], "\(label) \(name): SE \(s) vs \(bse[j])")
        }
        if let theta = ref["theta"] as? Double {
            #expect(abs((obj["theta"] as? Double ?? .nan) - theta) <= 1e-7 * theta, "θ \(obj["theta"] ?? "nil") vs \(theta)")
        }
        if let ll = ref["log_likelihood"] as? Double {
            #expect(abs((obj["log_likelihood"] as? Double ?? .nan) - ll) <= 1e-9 * abs(ll))
        }
        if let dev = ref["deviance"] as? Double {
            #expect(abs((obj["deviance"] as? Double ?? .nan) - dev) <= 1e-9 * dev)
        }
    }
}

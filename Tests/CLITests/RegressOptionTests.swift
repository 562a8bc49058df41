import Foundation
import Testing

/// `regress`'s options mean what they say: cluster columns given twice cluster by both (not
/// by the last one), and `--cluster` alone asks for cluster covariance.
@Suite struct RegressOptionTests {
    static func json(_ args: [String]) throws -> [String: Any] {
        let r = try CLI.run(["regress"] + args + ["--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    /// `--cluster company --cluster year` is two-way clustering, as `--cluster company,year`
    /// is, not one-way by the last column given (what a parser that keeps the last value does).
    @Test func repeatedClusterColumnsClusterByBoth() throws {
        let repeated = try Self.json(["--cluster", "company", "--cluster", "year"])
        let commas = try Self.json(["--cluster", "company,year"])
        let yearOnly = try Self.json(["--cluster", "year"])
        #expect(repeated["cluster_columns"] as? [String] == ["company", "year"])
        #expect(repeated["cluster_counts"] as? [Int] == [49, 4])
        let se = { (o: [String: Any]) in (o["coefficients"] as? [[String: Any]])?.map { $0["std_error"] as? Double } }
        #expect(se(repeated) == se(commas))
        #expect(se(repeated) != se(yearOnly))
    }

    @Test func clusterAloneMeansClusterCovariance() throws {
        let implied = try Self.json(["--cluster", "company"])
        let explicit = try Self.json(["--cov", "cluster", "--cluster", "company"])
        #expect(implied["cov_type"] as? String == "cluster")
        #expect(implied["clusters"] as? Int == 49)
        let se = { (o: [String: Any]) in (o["coefficients"] as? [[String: Any]])?.map { $0["std_error"] as? Double } }
        #expect(se(implied) == se(explicit))
        // Another covariance with --cluster is a contradiction, not a silent choice.
        let r = try CLI.run(["regress", "--cov", "HC1", "--cluster", "company"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--cluster company asks for cluster-robust covariance, but --cov is HC1"), "\(r.stderr)")
    }

    /// `--format csv` is the coefficient table as the other commands write CSV: the machine
    /// keys as the header, every number in shortest round-trip form, lines ending in LF.
    @Test func csvIsTheCoefficientTable() throws {
        let r = try CLI.run(["regress", "--cov", "HC3", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("\r"))
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "term,estimate,std_error,t,p_value,ci_low,ci_high")
        let obj = try Self.json(["--cov", "HC3"])
        let coefficients = try #require(obj["coefficients"] as? [[String: Any]])
        #expect(lines.count == coefficients.count + 1)
        for (line, c) in zip(lines.dropFirst(), coefficients) {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(f[0] == c["term"] as? String)
            // The same numbers as the JSON, to 1e-15 relative: both are written in shortest
            // round-trip form, but Foundation's JSON reader on Linux may misround the last bit.
            for (k, key) in ["estimate", "std_error", "t", "p_value", "ci_low", "ci_high"].enumerated() {
                let a = try #require(Double(f[k + 1])), b = try #require(c[key] as? Double)
                #expect(abs(a - b) <= 1e-15 * abs(b), "\(key) of \(f[0])")
            }
        }
    }
}

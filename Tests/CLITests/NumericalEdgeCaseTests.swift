import Foundation
import Testing

/// Numerical edge cases end to end through `layoffs regress`: each is a clear message or a
/// documented result, never a crash or a silent wrong number.
@Suite struct NumericalEdgeCaseTests {
    func fit(_ csv: String, _ formula: String, _ extra: [String] = []) throws -> CLIResult {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("d.csv").path
        try csv.write(toFile: f, atomically: true, encoding: .utf8)
        return try CLI.run(["regress", "--data", f, "--formula", formula] + extra)
    }

    func json(_ r: CLIResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    @Test func fewerRowsThanParametersIsRefused() throws {
        let r = try fit("y,x,z\n1,1,5\n2,2,3\n", "y ~ x + z")
        #expect(r.status == 65)
        #expect(r.stderr.contains("no residual degrees of freedom: 2 observations"))
    }

    @Test func identicalXIsAliasedWithTheIntercept() throws {
        let r = try fit("y,x\n1,3\n2,3\n4,3\n", "y ~ x", ["--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try json(r)
        #expect(o["dropped_terms"] as? [String] == ["x"])
        let c = try #require(o["coefficients"] as? [[String: Any]])
        #expect(abs((c[0]["estimate"] as? Double ?? 0) - 7.0 / 3.0) < 1e-14)
    }

    @Test func zeroVarianceResponse() throws {
        let r = try fit("y,x\n5,1\n5,2\n5,3\n5,4\n", "y ~ x", ["--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try json(r)
        #expect(o["r_squared"] is NSNull)
        #expect(o["sigma"] as? Double == 0)
        #expect((o["notes"] as? [String] ?? []).contains { $0.contains("The response is constant") })
    }

    @Test func singleClusterGivesNoStandardErrors() throws {
        let r = try fit("y,x,g\n1,1,a\n2,2,a\n2.5,3,a\n4.5,4,a\n", "y ~ x", ["--cov", "cluster", "--cluster", "g", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try json(r)
        let c = try #require(o["coefficients"] as? [[String: Any]])
        #expect(c[1]["std_error"] is NSNull)
        #expect(abs((c[1]["estimate"] as? Double ?? 0) - 1.1) < 1e-14)
        #expect((o["notes"] as? [String] ?? []).contains { $0.contains("Only one cluster") })
    }

    /// x near 1e-150 and y near 1e150: estimates and standard errors stay finite and exact.
    /// In units of 1e∓150 the data are x = 1…4, y = 1, 2.1, 2.9, 4.2: slope 1.04,
    /// intercept −0.05, residual SS 0.042 on 2 df, SE(slope) = √(0.021/5).
    @Test func valuesNear1e150() throws {
        let r = try fit("y,x\n1e150,1e-150\n2.1e150,2e-150\n2.9e150,3e-150\n4.2e150,4e-150\n", "y ~ x", ["--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let c = try #require(try json(r)["coefficients"] as? [[String: Any]])
        let slope = try #require(c[1]["estimate"] as? Double), se = try #require(c[1]["std_error"] as? Double)
        let intercept = try #require(c[0]["estimate"] as? Double)
        #expect(abs(slope / 1.04e300 - 1) < 1e-12)
        #expect(abs(intercept / -5e148 - 1) < 1e-10)
        #expect(abs(se / ((0.021 / 5).squareRoot() * 1e300) - 1) < 1e-10)
    }

    @Test func collinearColumnsAreNamed() throws {
        let r = try fit("y,a,b,c\n1,1,2,3\n2,2,4,6.5\n2.5,3,6,8.9\n4.5,4,8,12.2\n5,5,10,15.1\n", "y ~ a + b + c", ["--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try json(r)["dropped_terms"] as? [String] == ["b"])
    }
}

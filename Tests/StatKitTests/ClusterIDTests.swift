import Foundation
import Testing
@testable import StatKit

/// Cluster ids are numbered in order of first appearance whichever way they are found: the
/// robust errors are the same bits.
@Suite("Cluster ids")
struct ClusterIDTests {
    /// Cluster ids of a numeric column (whole numbers found through an array, others through
    /// a dictionary) are the ids of the same values written as text: first appearance.
    @Test("numeric cluster columns get the ids their text would")
    func numericClusterIDs() throws {
        let values: [Double] = [2020, 2021.5, -3, 70_000, 0, 2020, -0.0, 2021.5, 65_535, 65_536, 7, 7, 2020, 1e15, 3]
        var table = DataTable()
        let n = 300
        var y: [Double?] = [], x: [Double?] = [], g: [Double?] = [], gText: [String?] = []
        for i in 0..<n {
            let v = values[(i * 7 + i / 11) % values.count]
            g.append(v)
            gText.append(v == 0 ? "0" : "\(v)")
            x.append(Double((i * 37) % 101) / 10)
            y.append(Double((i * 53) % 97) / 7 + 0.5 * x.last!!)
        }
        try table.add("y", .numeric(NumericColumn(y)))
        try table.add("x", .numeric(NumericColumn(x)))
        try table.add("g", .numeric(NumericColumn(g)))
        try table.add("gt", .text(TextColumn(gText)))
        for blockRows in [4096, 13] {
            let options = LinearModel.Options(blockRows: blockRows)
            let numeric = try LinearModel.fit("y ~ x", data: table, covariance: .cluster("g"), options: options)
            let text = try LinearModel.fit("y ~ x", data: table, covariance: .cluster("gt"), options: options)
            #expect(numeric.coefficients.map(\.standardError) == text.coefficients.map(\.standardError))
            #expect(numeric.clusterCount == 10)
        }
    }

    /// Cluster ids given by the caller: small non-negative ids (mapped through an array) and
    /// the same ids shifted far out (a dictionary) number the clusters alike.
    @Test("cluster ids given as small codes or as large numbers give the same errors")
    func callerClusterIDs() throws {
        let n = 500
        let x: [Double] = (0..<n).map { (i: Int) -> Double in Double((i * 29) % 83) / 9 }
        let y: [Double] = (0..<n).map { (i: Int) -> Double in 2 + 0.3 * x[i] + Double((i * 61) % 89) / 11 }
        let small = (0..<n).map { ($0 * 17) % 40 }
        let large = small.map { $0 * 1_000_003 + 5_000_000_000 }
        let a = try LinearModel.fit(y: y, x: ["x": x], covariance: .cluster(small))
        let b = try LinearModel.fit(y: y, x: ["x": x], covariance: .cluster(large))
        #expect(a.coefficients.map(\.standardError) == b.coefficients.map(\.standardError) && a.clusterCount == 40)
        #expect(LeastSquaresEngine.Estimator.firstAppearanceCodes([5, 3, 5, 0, 3, 9]) == [0, 1, 0, 2, 1, 3])
        #expect(LeastSquaresEngine.Estimator.firstAppearanceCodes([-1, 4, -1]) == [0, 1, 0])
    }
}

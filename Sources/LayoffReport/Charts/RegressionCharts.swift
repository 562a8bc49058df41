import StatKit

/// What the regression charts draw: the sampled points (one in every ``stride`` rows, see
/// ``RegressionCharts``) and the whole-fit numbers behind the line and notes.
struct RegressionChartData: Sendable {
    /// The response, e.g. `log(total_laid_off)`.
    var responseName: String
    /// The design's column names.
    var termNames: [String]
    /// The fit's coefficients (any covariance: only the estimates are used).
    var coefficients: [Coefficient]
    /// Observations in the fit (the `n` of the notes).
    var n: Int
    /// Rows of the design (the sampling runs over them).
    var rows: Int
    /// One drawn point in every `stride` rows.
    var stride: Int
    /// The column drawn on the scatter's x axis, if any.
    var mainTerm: Int?
    /// Mean of each design column over all rows.
    var means: [Double]
    /// Main regressor, response, company label, fitted value and residual of the drawn rows
    /// (`x` empty without a main term, `labels` empty without a company column).
    var x: [Double]
    var y: [Double]
    var labels: [String?]
    var fitted: [Double]
    var residuals: [Double]

    init(responseName: String, termNames: [String], coefficients: [Coefficient], n: Int, rows: Int, stride: Int,
         mainTerm: Int?, means: [Double], x: [Double], y: [Double], labels: [String?], fitted: [Double], residuals: [Double]) {
        self.responseName = responseName
        self.termNames = termNames
        self.coefficients = coefficients
        self.n = n
        self.rows = rows
        self.stride = stride
        self.mainTerm = mainTerm
        self.means = means
        self.x = x
        self.y = y
        self.labels = labels
        self.fitted = fitted
        self.residuals = residuals
    }
}

/// The regression figures: the scatter of the response against its main regressor with
/// the fitted line (when the model has a `log(employees)`-style main term), and residuals
/// against fitted values.
///
/// A fit on more than ``maxPoints`` observations draws a deterministic sample of them:
/// one in every k observations in row order (k = ⌈n / maxPoints⌉, starting with the first),
/// and the chart note says so. The fitted line and `n` always describe the whole fit.
public enum RegressionCharts {
    /// Largest number of points drawn in a regression chart.
    public static let maxPoints = 2_000

    /// The stride between the rows drawn for a fit on `n` observations (all of them up to
    /// ``maxPoints``).
    static func stride(_ n: Int) -> Int { n > maxPoints ? (n + maxPoints - 1) / maxPoints : 1 }

    /// The sampling sentence of a chart note, or `""` when every point is drawn.
    static func sampleNote(drawn: Int, of n: Int, stride k: Int) -> String {
        k == 1 ? "" : "; \(NumberFormat.grouped(drawn)) of \(NumberFormat.grouped(n)) points drawn, one in every \(k) observations in row order"
    }

    /// Figures of `fit` from the rows of its last pass, watched by `rows`.
    public static func make(_ fit: RegressionResult, rows: RegressionRowWatch) -> [(name: String, svg: String, alt: String)] {
        make(rows.chartData(fit))
    }

    /// Figures from sampled chart data.
    static func make(_ d: RegressionChartData) -> [(name: String, svg: String, alt: String)] {
        var out: [(name: String, svg: String, alt: String)] = []
        let k = d.stride, rows = d.rows
        if let xi = d.mainTerm {
            var intercept = 0.0
            for (j, c) in d.coefficients.enumerated() where j != xi {
                guard let b = c.estimate else { continue }
                intercept += b * d.means[j]
            }
            let slope = d.coefficients[xi].estimate ?? 0
            let term = d.termNames[xi]
            let scatter = Chart.scatter(
                title: "\(d.responseName) against \(term)",
                subtitle: "Each point is an observation used in the fit; line at the other terms' means",
                x: d.x, y: d.y, labels: d.labels, pointsName: "Observations", fit: (intercept: intercept, slope: slope),
                fitName: "Fitted line", xAxis: Chart.Axis(title: term), yAxis: Chart.Axis(title: d.responseName),
                note: "slope \(NumberFormat.significant(slope, digits: 3)); n = \(d.n)" + sampleNote(drawn: d.x.count, of: rows, stride: k))
            out.append(("regression-scatter.svg", scatter.svg(), "\(d.responseName) against \(term) with the fitted line"))
        }
        let resid = Chart.residuals(title: "Residuals against fitted values",
                                    subtitle: "A pattern or a funnel here would question the linear, constant-variance model",
                                    fitted: d.fitted, residuals: d.residuals,
                                    xAxis: Chart.Axis(title: "Fitted \(d.responseName)"), yAxis: Chart.Axis(title: "Residual"),
                                    note: k == 1 ? nil : "n = \(d.n)" + sampleNote(drawn: d.fitted.count, of: rows, stride: k))
        out.append(("regression-residuals.svg", resid.svg(), "Residuals against fitted values"))
        return out
    }
}

/// Watches the rows of a fit's last pass (StatKit's `ResidualObserver`) for the report: the
/// observations of high leverage (above `3k/n`; the five largest kept), the design's column
/// sums, and the rows the charts draw (one in every `RegressionCharts.stride(_:)` rows).
public final class RegressionRowWatch: ResidualObserver, @unchecked Sendable {
    /// A label for a source row (the company), if the data have one.
    let label: (@Sendable (Int) -> String?)?
    private(set) var observations = 0
    private(set) var cutoff = 0.0
    private(set) var stride = 1
    private(set) var highLeverageCount = 0
    /// The five largest leverages: (fitted row, source row, leverage), by decreasing
    /// leverage, ties in row order.
    private(set) var top: [(row: Int, source: Int, leverage: Double)] = []
    private(set) var sums: [Double] = []
    /// Drawn rows: design row, response, label, residual.
    private(set) var drawn: [(x: [Double], y: Double, label: String?, residual: Double)] = []

    /// A watch that labels drawn points with `label(sourceRow)` (`nil`: unlabelled).
    public init(label: (@Sendable (Int) -> String?)?) { self.label = label }

    public func restart(observations n: Int, rank k: Int) {
        observations = n
        cutoff = 3 * Double(k) / Double(max(1, n))
        stride = RegressionCharts.stride(n)
        highLeverageCount = 0
        top = []
        sums = []
        drawn = []
        drawn.reserveCapacity(min(n, RegressionCharts.maxPoints))
    }

    public func observe(_ r: ResidualRows) {
        let m = r.y.count, p = r.x.columns
        if sums.isEmpty { sums = [Double](repeating: 0, count: p) }
        for j in 0..<p {
            var s = sums[j]
            for i in 0..<m { s += r.x[i, j] }
            sums[j] = s
        }
        for i in 0..<m where r.leverages[i] > cutoff {
            highLeverageCount += 1
            let h = r.leverages[i]
            if top.count < 5 || h > top[top.count - 1].leverage {
                let at = top.firstIndex { h > $0.leverage } ?? top.count
                top.insert((r.firstRow + i, r.sourceRows[i], h), at: at)
                if top.count > 5 { top.removeLast() }
            }
        }
        var i = (stride - r.firstRow % stride) % stride
        while i < m {
            drawn.append((r.x.row(i), r.y[i], label?(r.sourceRows[i]), r.residuals[i]))
            i += stride
        }
    }

    /// The chart data of `fit`, whose last pass this watched.
    func chartData(_ fit: RegressionResult) -> RegressionChartData {
        let names = fit.termNames
        let candidates = names.indices.filter { names[$0] != "(Intercept)" && fit.coefficients[$0].estimate != nil }
        let main = names.firstIndex(of: "log(employees)") ?? candidates.first
        return RegressionChartData(
            responseName: fit.responseName, termNames: names, coefficients: fit.coefficients, n: fit.n, rows: observations,
            stride: stride, mainTerm: main, means: sums.map { $0 / Double(max(1, observations)) },
            x: main.map { j in drawn.map { $0.x[j] } } ?? [], y: drawn.map(\.y), labels: label == nil ? [] : drawn.map(\.label),
            fitted: drawn.map { $0.y - $0.residual }, residuals: drawn.map(\.residual))
    }
}

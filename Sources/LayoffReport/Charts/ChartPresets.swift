import StatKit

extension Chart {
    /// A named series of values parallel to some x values (`nil` is missing).
    public struct Series: Sendable, Equatable {
        /// Legend name.
        public var name: String
        /// Values; `nil` or non-finite values are gaps.
        public var values: [Double?]
        /// A CSS colour; `nil` takes the next palette colour.
        public var color: String?
        /// A series.
        public init(name: String, values: [Double?], color: String? = nil) {
            self.name = name; self.values = values; self.color = color
        }
    }

    /// Monthly bars (e.g. employees cut per month) with last year's values for the same
    /// calendar months overlaid as a line with markers at the bar centres.
    ///
    /// - Parameters:
    ///   - title: Chart title.
    ///   - subtitle: Line under the title (e.g. what is measured and the period).
    ///   - months: Any day in each month (bars span the whole calendar month), ascending.
    ///   - values: One value per month (`nil`: no bar).
    ///   - previousYear: Values for the same months one year earlier, or `nil` for no overlay.
    ///   - valueName: Legend entry of the bars.
    ///   - previousName: Legend entry of the previous-year line.
    ///   - yTitle: What is counted; `yUnit` is shown after it in parentheses.
    ///   - yUnit: Unit of the y axis (e.g. `people`).
    ///   - note: Small grey note under the chart (source, definitions).
    public static func monthlyBars(title: String, subtitle: String? = nil, months: [Day], values: [Double?],
                                   previousYear: [Double?]? = nil, valueName: String = "This year",
                                   previousName: String = "Previous year", yTitle: String? = nil, yUnit: String? = nil,
                                   note: String? = nil) -> Chart {
        let n = min(months.count, values.count)
        let bars = (0..<n).map { Bar(month: months[$0], value: values[$0]) }
        var layers: [Layer] = [.bars(BarLayer(name: valueName, bars: bars, color: ChartPalette.okabeIto[0]))]
        if let previousYear {
            let points = (0..<min(n, previousYear.count)).map { i in
                Point(x: (bars[i].start + bars[i].end) / 2, y: previousYear[i])
            }
            layers.append(.line(LineLayer(name: previousName, points: points, color: ChartPalette.okabeIto[1], markers: true)))
        }
        return Chart(title: title, subtitle: subtitle, x: Axis(), y: Axis(title: yTitle, unit: yUnit, includeZero: true),
                     xScale: .date, layers: layers, legend: .bottom, note: note)
    }

    /// Lines over dates, one per series (e.g. a rolling rate by group; up to 8 series get
    /// distinct Okabe–Ito colours). Missing values break the line. With more than three
    /// series the legend goes to the right, otherwise below.
    public static func lines(title: String, subtitle: String? = nil, dates: [Day], series: [Series],
                             yAxis: Axis = Axis(), note: String? = nil) -> Chart {
        let layers: [Layer] = series.map { s in
            let n = min(dates.count, s.values.count)
            return .line(LineLayer(name: s.name, points: (0..<n).map { Point(day: dates[$0], y: s.values[$0]) }, color: s.color))
        }
        return Chart(title: title, subtitle: subtitle, x: Axis(), y: yAxis, xScale: .date, layers: layers,
                     legend: series.count > 3 ? .right : .bottom, note: note)
    }

    /// A scatter plot with an optional fitted straight line `y = intercept + slope · x`
    /// and optional point labels (labels that would collide are left out).
    public static func scatter(title: String, subtitle: String? = nil, x: [Double], y: [Double], labels: [String?] = [],
                               pointsName: String = "Observations", fit: (intercept: Double, slope: Double)? = nil,
                               fitName: String = "Fitted line", xAxis: Axis = Axis(), yAxis: Axis = Axis(),
                               note: String? = nil) -> Chart {
        let n = min(x.count, y.count)
        var layers: [Layer] = [.points(PointLayer(name: pointsName, points: (0..<n).map { Point(x: x[$0], y: y[$0]) },
                                                  labels: labels, color: ChartPalette.okabeIto[0]))]
        if let fit {
            layers.append(.straightLine(StraightLine(name: fitName, intercept: fit.intercept, slope: fit.slope,
                                                     color: ChartPalette.okabeIto[1])))
        }
        return Chart(title: title, subtitle: subtitle, x: xAxis, y: yAxis, xScale: .linear, layers: layers,
                     legend: .bottom, note: note)
    }

    /// Residuals against fitted values with a solid reference line at zero (no legend).
    public static func residuals(title: String, subtitle: String? = nil, fitted: [Double], residuals: [Double],
                                 labels: [String?] = [], xAxis: Axis = Axis(title: "Fitted value"),
                                 yAxis: Axis = Axis(title: "Residual"), note: String? = nil) -> Chart {
        let n = min(fitted.count, residuals.count)
        var y = yAxis
        y.includeZero = true
        let layers: [Layer] = [
            .points(PointLayer(name: "Residuals", points: (0..<n).map { Point(x: fitted[$0], y: residuals[$0]) },
                               labels: labels, color: ChartPalette.okabeIto[0])),
            .straightLine(StraightLine(name: nil, intercept: 0, slope: 0, color: ChartPalette.axis)),
        ]
        return Chart(title: title, subtitle: subtitle, x: xAxis, y: y, xScale: .linear, layers: layers,
                     legend: .hidden, note: note)
    }
}

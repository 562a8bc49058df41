import StatKit

/// A static chart rendered to SVG: one x and one y axis, and layers of bars, lines,
/// points and straight reference lines drawn in order.
///
/// The output is deterministic (same chart → same bytes), 800 × 480 px by default, with
/// round-number ticks, thousands separators, month/year ticks on date axes, a
/// colour-blind-safe palette (``ChartPalette/okabeIto``) and a legend outside the plot area.
///
/// ```swift
/// var chart = Chart(title: "Monthly layoffs", x: .init(title: "Month"), y: .init(title: "Employees", unit: "people"))
/// chart.xScale = .date
/// chart.layers = [.line(.init(name: "Tech", points: points))]
/// let svg = chart.svg()
/// ```
///
/// See ``monthlyBars(title:subtitle:months:values:previousYear:valueName:previousName:yTitle:yUnit:note:)``,
/// ``lines(title:subtitle:dates:series:yAxis:note:)``, ``scatter(title:subtitle:x:y:labels:pointsName:fit:fitName:xAxis:yAxis:note:)``
/// and ``residuals(title:subtitle:fitted:residuals:labels:xAxis:yAxis:note:)`` for the report's charts.
public struct Chart: Sendable, Equatable {
    /// How x values are interpreted.
    public enum XScale: Sendable, Equatable {
        /// Plain numbers with nice ticks.
        case linear
        /// Day numbers (`Day.number`) with month/year ticks.
        case date
    }

    /// How tick values are printed.
    public enum TickFormat: Sendable, Equatable {
        /// Numbers with thousands separators and as many decimals as the step needs.
        case number
        /// Fractions printed as percentages (`0.05` → `5%`).
        case percent
    }

    /// Where the legend goes; it is always outside the plot area.
    public enum LegendPosition: Sendable, Equatable {
        /// A column to the right of the plot.
        case right
        /// Rows under the x-axis title.
        case bottom
        /// No legend.
        case hidden
    }

    /// An axis: title, unit and range options.
    public struct Axis: Sendable, Equatable {
        /// Axis title, e.g. `Employees laid off`.
        public var title: String?
        /// Unit, shown after the title in parentheses, e.g. `people per month`.
        public var unit: String?
        /// Tick label format.
        public var format: TickFormat
        /// Extend the range to include zero (always done for bars on the y axis).
        public var includeZero: Bool
        /// Fixed lower end instead of the data's nice lower end.
        public var minimum: Double?
        /// Fixed upper end instead of the data's nice upper end.
        public var maximum: Double?

        /// An axis.
        public init(title: String? = nil, unit: String? = nil, format: TickFormat = .number,
                    includeZero: Bool = false, minimum: Double? = nil, maximum: Double? = nil) {
            self.title = title
            self.unit = unit
            self.format = format
            self.includeZero = includeZero
            self.minimum = minimum
            self.maximum = maximum
        }

        /// `title (unit)`, or whichever is present.
        public var label: String? {
            switch (title, unit) {
            case let (t?, u?): return "\(t) (\(u))"
            case let (t?, nil): return t
            case let (nil, u?): return u
            case (nil, nil): return nil
            }
        }
    }

    /// An (x, y) point; `y == nil` (or non-finite) is a gap in a line.
    public struct Point: Sendable, Equatable {
        /// Horizontal position in data units (a day number on a date axis).
        public var x: Double
        /// Vertical position; `nil` or non-finite is missing.
        public var y: Double?
        /// A point.
        public init(x: Double, y: Double?) { self.x = x; self.y = y }
        /// A point at a date (for ``XScale/date``).
        public init(day: Day, y: Double?) { self.x = Double(day.number); self.y = y }
    }

    /// A bar spanning `start..<end` on the x axis from zero to `value` (`nil`: no bar).
    public struct Bar: Sendable, Equatable {
        /// Left edge in data units.
        public var start: Double
        /// Right edge in data units.
        public var end: Double
        /// Height; `nil` or non-finite draws no bar.
        public var value: Double?
        /// A bar.
        public init(start: Double, end: Double, value: Double?) { self.start = start; self.end = end; self.value = value }
        /// A bar covering the calendar month of `month` (for ``XScale/date``).
        public init(month: Day, value: Double?) {
            let first = Day(year: month.year, month: month.month, day: 1)!
            self.start = Double(first.number)
            self.end = Double(first.addingMonths(1).number)
            self.value = value
        }
    }

    /// Bars; each bar is inset so neighbours have a gap.
    public struct BarLayer: Sendable, Equatable {
        /// Legend name (empty: no legend entry).
        public var name: String
        /// The bars.
        public var bars: [Bar]
        /// A CSS colour; `nil` takes the next palette colour.
        public var color: String?
        /// Draw outlines only (for a comparison series over filled bars).
        public var outlined: Bool
        /// A bar layer.
        public init(name: String, bars: [Bar], color: String? = nil, outlined: Bool = false) {
            self.name = name; self.bars = bars; self.color = color; self.outlined = outlined
        }
    }

    /// A polyline through the points in order, broken at missing values. An isolated
    /// point between two gaps is drawn as a dot.
    public struct LineLayer: Sendable, Equatable {
        /// Legend name (empty: no legend entry).
        public var name: String
        /// The points, in drawing order (sorted by x for a time series).
        public var points: [Point]
        /// A CSS colour; `nil` takes the next palette colour.
        public var color: String?
        /// Draw a dashed line.
        public var dashed: Bool
        /// Draw a marker at every present point.
        public var markers: Bool
        /// A line layer.
        public init(name: String, points: [Point], color: String? = nil, dashed: Bool = false, markers: Bool = false) {
            self.name = name; self.points = points; self.color = color; self.dashed = dashed; self.markers = markers
        }
    }

    /// A scatter of points with optional text labels (placed beside the point; a label
    /// that would overlap another label or leave the plot is omitted).
    public struct PointLayer: Sendable, Equatable {
        /// Legend name (empty: no legend entry).
        public var name: String
        /// The points; those with a missing `y` are skipped.
        public var points: [Point]
        /// Labels parallel to `points` (`nil` or missing entries: no label).
        public var labels: [String?]
        /// A CSS colour; `nil` takes the next palette colour.
        public var color: String?
        /// A point layer.
        public init(name: String, points: [Point], labels: [String?] = [], color: String? = nil) {
            self.name = name; self.points = points; self.labels = labels; self.color = color
        }
    }

    /// The straight line `y = intercept + slope · x` across the plot (a fitted line, or a
    /// reference line such as `y = 0`). It does not affect the axis ranges.
    public struct StraightLine: Sendable, Equatable {
        /// Legend entry; `nil` for none.
        public var name: String?
        /// Value at `x = 0`.
        public var intercept: Double
        /// Change in `y` per unit of `x` (per day on a date axis).
        public var slope: Double
        /// A CSS colour; `nil` takes the next palette colour.
        public var color: String?
        /// Draw a dashed line.
        public var dashed: Bool
        /// A straight line.
        public init(name: String? = nil, intercept: Double, slope: Double, color: String? = nil, dashed: Bool = false) {
            self.name = name; self.intercept = intercept; self.slope = slope; self.color = color; self.dashed = dashed
        }
    }

    /// One layer of the chart.
    public enum Layer: Sendable, Equatable {
        /// Bars from zero.
        case bars(BarLayer)
        /// A line through points, with gaps at missing values.
        case line(LineLayer)
        /// A scatter of points with optional labels.
        case points(PointLayer)
        /// A straight line across the plot.
        case straightLine(StraightLine)
    }

    /// Chart title (bold, top left).
    public var title: String
    /// Subtitle under the title (e.g. what is measured and the period).
    public var subtitle: String?
    /// The x axis.
    public var x: Axis
    /// The y axis.
    public var y: Axis
    /// How x values are read.
    public var xScale: XScale
    /// Layers, drawn in order.
    public var layers: [Layer]
    /// Legend placement.
    public var legend: LegendPosition
    /// A note under the chart (source, definitions), small and grey.
    public var note: String?
    /// Width in px (the SVG also has a matching `viewBox`, so it scales).
    public var width: Double
    /// Height in px.
    public var height: Double

    /// A chart.
    public init(title: String, subtitle: String? = nil, x: Axis = Axis(), y: Axis = Axis(), xScale: XScale = .linear,
                layers: [Layer] = [], legend: LegendPosition = .bottom, note: String? = nil,
                width: Double = 800, height: Double = 480) {
        self.title = title
        self.subtitle = subtitle
        self.x = x
        self.y = y
        self.xScale = xScale
        self.layers = layers
        self.legend = legend
        self.note = note
        self.width = width
        self.height = height
    }
}

import StatKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Round-number axis ticks by Heckbert's "nice numbers" ("Nice Numbers for Graph Labels",
/// Graphics Gems, 1990): the step is 1, 2 or 5 times a power of ten, and the axis runs from
/// the largest multiple of the step at or below the data to the smallest at or above it
/// ("loose" labelling). The step is the nice number nearest to `range / (maxTicks − 1)`,
/// made coarser if needed so that there are at most `maxTicks + 1` ticks.
///
/// Tick values are computed as integer multiples of the step and rounded once, so they are
/// the doubles nearest to the decimal numbers (`0.3`, not `0.30000000000000004`).
public struct NiceScale: Sendable, Equatable {
    /// The lower end of the axis (the first tick).
    public var lower: Double
    /// The upper end of the axis (the last tick).
    public var upper: Double
    /// Distance between ticks: `stepMantissa × 10^stepExponent`.
    public var step: Double
    /// 1, 2 or 5.
    public var stepMantissa: Int
    /// Power of ten of the step.
    public var stepExponent: Int
    /// Tick values from `lower` to `upper`.
    public var ticks: [Double]
    /// Decimals needed to print every tick exactly (`max(0, -stepExponent)`).
    public var fractionDigits: Int { max(0, -stepExponent) }

    /// Ticks covering `[min, max]` with at most about `maxTicks` ticks (at least 2).
    /// Non-finite bounds are treated as `[0, 1]`; an empty range is widened around the value.
    public init(min minimum: Double, max maximum: Double, maxTicks: Int = 6) {
        var lo = Swift.min(minimum, maximum), hi = Swift.max(minimum, maximum)
        if !lo.isFinite || !hi.isFinite { lo = 0; hi = 1 }
        if hi - lo <= Swift.max(abs(lo), abs(hi)) * 1e-12 {
            let delta = lo == 0 ? 1 : abs(lo) * 0.1
            if lo >= 0 && lo - delta < 0 { hi = lo + delta; lo = lo == 0 ? 0 : lo - delta } else { lo -= delta; hi += delta }
        }
        let n = Swift.max(2, maxTicks)
        // Heckbert rounds the range up to a nice number first; rounding the raw range instead
        // gives denser, still round, ticks (0–27,000 → step 5,000 rather than 10,000).
        var (m, e) = NiceScale.niceParts((hi - lo) / Double(n - 1), round: true)
        // Ensure the tick count stays within the budget (Heckbert's loose labelling can exceed it by one or two).
        while true {
            let step = NiceScale.value(1, m, e)
            let kLo = NiceScale.floorRatio(lo, step), kHi = NiceScale.ceilRatio(hi, step)
            if kHi - kLo + 1 <= n + 1 || (m == 5 && e > 300) { break }
            (m, e) = m == 1 ? (2, e) : m == 2 ? (5, e) : (1, e + 1)
        }
        let step = NiceScale.value(1, m, e)
        let kLo = NiceScale.floorRatio(lo, step), kHi = NiceScale.ceilRatio(hi, step)
        self.stepMantissa = m
        self.stepExponent = e
        self.step = step
        self.ticks = (kLo...kHi).map { NiceScale.value($0, m, e) }
        self.lower = ticks.first!
        self.upper = ticks.last!
    }

    /// Heckbert's nice number near `x > 0`: 1, 2, 5 or 10 times a power of ten;
    /// rounded to the nearest (`round: true`) or the next at or above (`round: false`).
    public static func niceNumber(_ x: Double, round: Bool) -> Double {
        let (m, e) = niceParts(x, round: round)
        return value(1, m, e)
    }

    static func niceParts(_ x: Double, round: Bool) -> (Int, Int) {
        guard x > 0, x.isFinite else { return (1, 0) }
        var e = Int(log10(x).rounded(.down))
        let f = x / pow(10, Double(e))
        var m: Int
        if round { m = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10 } else { m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10 }
        if m == 10 { m = 1; e += 1 }
        return (m, e)
    }

    /// `k × m × 10^e`, rounded once (exact powers of ten up to 10^22 make this correctly rounded).
    static func value(_ k: Int, _ m: Int, _ e: Int) -> Double {
        let units = Double(k * m)
        return e >= 0 ? units * pow(10, Double(e)) : units / pow(10, Double(-e))
    }

    static func floorRatio(_ x: Double, _ step: Double) -> Int {
        let r = x / step
        let nearest = r.rounded()
        return Int(abs(r - nearest) < 1e-9 ? nearest : r.rounded(.down))
    }

    static func ceilRatio(_ x: Double, _ step: Double) -> Int {
        let r = x / step
        let nearest = r.rounded()
        return Int(abs(r - nearest) < 1e-9 ? nearest : r.rounded(.up))
    }
}

/// Month-aligned ticks for a date axis: every 1, 2, 3, 4 or 6 months, or every 1, 2, 5, 10…
/// years (ticks on 1 January). Ticks with a step below a year fall on months `1 + k·step`
/// (January, April, July, October for a quarterly step), so they line up across years.
public struct DateTicks: Sendable, Equatable {
    /// The allowed steps in months, in increasing order.
    public static let monthSteps = [1, 2, 3, 4, 6, 12, 24, 60, 120, 240, 600]

    /// The first days of the tick months, ascending, within the requested range.
    public var ticks: [Day]
    /// Months between ticks.
    public var monthStep: Int

    /// Ticks every `monthStep` months from `start` to `end` (inclusive).
    public init(from start: Day, to end: Day, monthStep: Int) {
        self.monthStep = max(1, monthStep)
        var ticks: [Day] = []
        var t = Day(year: start.year, month: start.month, day: 1)!
        if t < start { t = t.addingMonths(1) }
        while t <= end {
            let c = t.civil
            let aligned = self.monthStep < 12
                ? (c.month - 1) % self.monthStep == 0
                : c.month == 1 && c.year % (self.monthStep / 12) == 0
            if aligned { ticks.append(t) }
            t = t.addingMonths(1)
        }
        self.ticks = ticks
    }

    /// Three-letter English month abbreviations (fixed, locale-free).
    public static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Labels for the ticks: for steps below a year, the month name on the first line and
    /// the year on a second line under the first tick and under each January; for yearly
    /// steps, just the year.
    public var labels: [(primary: String, secondary: String?)] {
        ticks.enumerated().map { i, d in
            let c = d.civil
            if monthStep >= 12 { return (String(c.year), nil) }
            let showYear = i == 0 || c.month <= monthStep
            return (DateTicks.monthNames[c.month - 1], showYear ? String(c.year) : nil)
        }
    }
}

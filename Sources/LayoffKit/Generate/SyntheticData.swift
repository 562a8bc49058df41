import StatKit
#if canImport(Glibc)
import Glibc
#endif

/// A synthetic layoff world with known parameters, for benchmarks, demos and tests that
/// must recover what they put in.
///
/// ## The model
/// Company `c` has an industry, country and stage drawn uniformly, a base headcount
/// `E_c = exp(μ_E + σ_E·z)` (log-normal; median `exp(μ_E)` ≈ 3,000) and, for each fiscal
/// year `t` from 2019 to 2026, revenue growth `g_ct ~ N(μ_g, σ_g²)` percent and
/// `employees_ct = round(E_c · exp(0.5·g_ct/100·(t − 2019)))`, revenue `R_ct` compounding
/// at `g_ct`. Each event picks a company uniformly and a day uniformly in
/// [2020-01-01, 2025-12-31]; with `E` = employees and `g` = growth of the event's fiscal
/// year (= calendar year of the event),
///
///     log(cut) = a + b·log(E) + c·g + ε,   ε ~ N(0, σ²)
///
/// and `cut = clamp(round(exp(log cut)), 1, E)`. With the default parameters
/// (a = −1.5, b = 0.8, c = −0.02, σ = 0.6) the fitted model
/// `log(total_laid_off) ~ log(employees) + revenue_growth` recovers (a, b, c) within
/// their confidence intervals.
///
/// The file mimics the layoffs.fyi export's quirks: a share of counts missing (empty or
/// `Unknown`), fractions rounded to two decimals and often missing, locations with commas
/// (quoted), dates as `M/D/YYYY`, funds raised sometimes empty.
public struct SyntheticLayoffs: Sendable {
    /// Generation settings. The defaults are the documented model above.
    public struct Parameters: Sendable, Equatable {
        public var events: Int
        public var companies: Int
        public var seed: UInt64
        public var intercept = -1.5
        public var slopeLogEmployees = 0.8
        public var slopeGrowth = -0.02
        public var sigma = 0.6
        public var growthMean = 6.0
        public var growthSD = 15.0
        public var logEmployeesMean = 8.0
        public var logEmployeesSD = 1.5
        /// Share of events whose count is missing.
        public var missingCutShare = 0.15
        /// Share of events whose fraction is missing.
        public var missingFractionShare = 0.4

        public init(events: Int, companies: Int, seed: UInt64) {
            self.events = events
            self.companies = companies
            self.seed = seed
        }
    }

    public static let industries = ["Retail", "Consumer", "Hardware", "Infrastructure", "Finance", "Transportation",
                                    "Media", "Healthcare", "Real Estate", "Food", "Education", "Security",
                                    "Marketing", "Data", "Crypto", "Other"]
    public static let countries = ["United States", "India", "Germany", "United Kingdom", "Canada", "Brazil",
                                   "Israel", "Singapore"]
    public static let locations = ["SF Bay Area", "Seattle", "New York City", "Austin, TX", "Boston",
                                   "Bengaluru", "Berlin", "London", "Toronto", "Sao Paulo", "Tel Aviv", "Singapore",
                                   "Los Angeles", "Chicago", "Denver, CO", "Washington, D.C."]
    public static let stages = ["Post-IPO", "Acquired", "Private Equity", "Series B", "Series C", "Series D",
                                "Series E", "Seed", "Unknown"]
    /// First and last fiscal year in the fundamentals file.
    public static let fiscalYears = 2019...2026

    public let parameters: Parameters

    /// A generator with `parameters`.
    ///
    /// - Throws: ``AnalysisError/invalidParameter(_:)`` unless there are 0 to 10⁹ events and
    ///   1 to 10⁷ companies, every number is finite, the standard deviations are ≥ 0, the
    ///   shares lie in 0–1, and the headcounts and growths stay where whole numbers of jobs
    ///   can be written (`logEmployeesMean + 10·logEmployeesSD ≤ 30`,
    ///   `|growthMean| + 10·growthSD ≤ 500`).
    public init(_ parameters: Parameters) throws(AnalysisError) {
        let p = parameters
        func need(_ ok: Bool, _ what: String) throws(AnalysisError) {
            if !ok { throw .invalidParameter("synthetic data: \(what)") }
        }
        try need((0...1_000_000_000).contains(p.events), "events must be 0 to 10⁹, not \(p.events)")
        try need((1...10_000_000).contains(p.companies), "companies must be 1 to 10⁷, not \(p.companies)")
        let numbers = [p.intercept, p.slopeLogEmployees, p.slopeGrowth, p.sigma, p.growthMean, p.growthSD,
                       p.logEmployeesMean, p.logEmployeesSD, p.missingCutShare, p.missingFractionShare]
        try need(numbers.allSatisfy(\.isFinite), "every parameter must be a finite number")
        try need(p.sigma >= 0 && p.growthSD >= 0 && p.logEmployeesSD >= 0, "standard deviations must be ≥ 0")
        try need((0...1).contains(p.missingCutShare) && (0...1).contains(p.missingFractionShare), "shares must lie in 0–1")
        try need(p.logEmployeesMean + 10 * p.logEmployeesSD <= 30, "logEmployeesMean + 10·logEmployeesSD must be ≤ 30 (headcounts below 10¹³)")
        try need(abs(p.growthMean) + 10 * p.growthSD <= 500, "|growthMean| + 10·growthSD must be ≤ 500 (percent)")
        self.parameters = parameters
    }

    struct Company {
        var name: String
        var industry: Int
        var country: Int
        var location: Int
        var stage: Int
        var funds: Double?
        var employees: [Double]  // by fiscal year index
        var revenue: [Double]
        var growth: [Double]
    }

    func makeCompanies(_ rng: inout SeededGenerator) -> [Company] {
        let p = parameters
        var out: [Company] = []
        out.reserveCapacity(p.companies)
        let width = String(p.companies).count
        for c in 0..<p.companies {
            let digits = String(c + 1)
            let name = "Company " + String(repeating: "0", count: max(0, width - digits.count)) + digits
            let base = exp(p.logEmployeesMean + p.logEmployeesSD * rng.nextNormal())
            var emp: [Double] = [], rev: [Double] = [], gr: [Double] = []
            var revenue = base * (0.2 + rng.nextUniform() * 0.4)  // $M
            for (k, _) in SyntheticLayoffs.fiscalYears.enumerated() {
                let g = p.growthMean + p.growthSD * rng.nextNormal()
                if k > 0 { revenue *= 1 + g / 100 }
                gr.append((g * 10).rounded() / 10)
                rev.append((revenue * 10).rounded() / 10)
                emp.append(max(10, (base * exp(0.5 * g / 100 * Double(k))).rounded()))
            }
            let funds: Double? = rng.nextUniform() < 0.3 ? nil : (exp(3 + 2 * rng.nextNormal())).rounded()
            out.append(Company(name: name, industry: rng.nextInt(below: Self.industries.count),
                               country: rng.nextInt(below: Self.countries.count),
                               location: rng.nextInt(below: Self.locations.count),
                               stage: rng.nextInt(below: Self.stages.count), funds: funds,
                               employees: emp, revenue: rev, growth: gr))
        }
        return out
    }

    /// Writes the events file (layoffs.fyi layout) and the fundamentals file
    /// (`company,fiscal_year,employees,revenue,revenue_growth`), each atomically.
    /// The same parameters always give the same bytes.
    public func write(eventsPath: String, fundamentalsPath: String) throws(FileWriteError) {
        var rng = SeededGenerator(seed: parameters.seed)
        let companies = makeCompanies(&rng)
        let fw = try AtomicFileWriter(path: fundamentalsPath)
        try fw.write("company,fiscal_year,employees,revenue,revenue_growth\n")
        for c in companies {
            for (k, year) in SyntheticLayoffs.fiscalYears.enumerated() {
                try fw.write("\(c.name),\(year),\(Int(c.employees[k])),\(c.revenue[k]),\(c.growth[k])\n")
            }
        }
        try fw.commit()

        let ew = try AtomicFileWriter(path: eventsPath)
        try ew.write("company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,funds_raised,country,date_added\n")
        let first = Day(year: 2020, month: 1, day: 1)!, last = Day(year: 2025, month: 12, day: 31)!
        let span = first.distance(to: last) + 1
        let p = parameters
        var line = ""
        for _ in 0..<p.events {
            let c = companies[rng.nextInt(below: companies.count)]
            let day = first.advanced(by: rng.nextInt(below: span))
            let k = day.year - SyntheticLayoffs.fiscalYears.lowerBound
            let e = c.employees[k], g = c.growth[k]
            let logCut = p.intercept + p.slopeLogEmployees * log(e) + p.slopeGrowth * g + p.sigma * rng.nextNormal()
            let cut = min(e, max(1, exp(logCut).rounded()))
            let cutMissing = rng.nextUniform() < p.missingCutShare
            let fractionMissing = rng.nextUniform() < p.missingFractionShare
            let unknownToken = rng.nextUniform() < 0.2
            let (y, m, d) = day.civil
            line.removeAll(keepingCapacity: true)
            line += c.name
            line += ","
            let loc = SyntheticLayoffs.locations[c.location]
            line += loc.contains(",") ? "\"\(loc)\"" : loc
            line += ","
            if cutMissing { line += unknownToken ? "Unknown" : "" } else { line += "\(Int(cut)).0" }
            line += ",\(m)/\(d)/\(y),"
            if !fractionMissing {
                let f = (cut / e * 100).rounded() / 100
                if f > 0 { line += "\(f)" }
            }
            line += ","
            line += SyntheticLayoffs.industries[c.industry]
            line += ",https://example.org/layoffs/\(y)/\(m),"
            line += SyntheticLayoffs.stages[c.stage]
            line += ","
            if let f = c.funds { line += "\(Int(f))" }
            line += ","
            line += SyntheticLayoffs.countries[c.country]
            line += ",\(m)/\(d)/\(y)\n"
            try ew.write(line)
        }
        try ew.commit()
    }
}

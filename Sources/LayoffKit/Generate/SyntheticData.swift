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
/// year `t` of ``Parameters/fiscalYears`` (the event years and one on either side),
/// revenue growth `g_ct ~ N(μ_g, σ_g²)` percent and
/// `employees_ct = round(E_c · exp(0.5·g_ct/100·(t − t₀)))` (`t₀` the first fiscal year),
/// revenue `R_ct` compounding at `g_ct`. Each event picks a company and a day in the event
/// years; with `E` = employees and `g` = growth of the event's fiscal year (= calendar
/// year of the event),
///
///     log(cut) = a + b·log(E) + c·g + ε,   ε ~ N(0, σ²)
///
/// and `cut = clamp(round(exp(log cut)), 1, E)`. With the default parameters
/// (a = −1.5, b = 0.8, c = −0.02, σ = 0.6) the fitted model
/// `log(total_laid_off) ~ log(employees) + revenue_growth` recovers (a, b, c) within
/// their confidence intervals, from the events whose company has fundamentals.
///
/// ## Shapes
/// ``Parameters/Shape/export`` (the default) is shaped like the layoffs.fyi export: every
/// event has a source URL of its own, dates span 12 years and run from the latest to the
/// earliest, about one company per five events (a few companies with many events, most
/// with a few), fundamentals for a tenth of the companies, company names of varied length
/// (some quoted, holding a comma), counts written `575.0` with some missing (empty or
/// `Unknown`) and some quoted (`"575.0"`), quoted locations with commas
/// (`"Tel Aviv, Non-U.S."`), `date_added` a few days after the date, and a
/// few exact duplicate rows. ``Parameters/Shape/compact`` is the earlier generator's
/// file: a source URL per month, 2020–2025 in random order, fundamentals for every
/// company, names `Company 00042`. Both write dates as `M/D/YYYY`.
public struct SyntheticLayoffs: Sendable {
    /// Generation settings. The defaults are the documented model above.
    public struct Parameters: Sendable, Equatable {
        /// How the files look (see ``SyntheticLayoffs``).
        public enum Shape: String, Sendable, Equatable, CaseIterable {
            /// Like the layoffs.fyi export (the default).
            case export
            /// The earlier generator's compact file: few distinct sources, six years.
            case compact
        }

        public var events: Int
        public var companies: Int
        public var seed: UInt64
        public var shape: Shape
        /// Calendar years of the event dates (fundamentals cover one more year on each side).
        public var years: ClosedRange<Int>
        /// Share of the companies that have fundamentals rows (0–1).
        public var fundamentalsShare: Double
        public var intercept = -1.5
        public var slopeLogEmployees = 0.8
        public var slopeGrowth = -0.02
        public var sigma = 0.6
        public var growthMean = 6.0
        public var growthSD = 15.0
        public var logEmployeesMean = 8.0
        public var logEmployeesSD = 1.5
        /// Share of events whose count is missing.
        public var missingCutShare: Double
        /// Share of events whose fraction is missing.
        public var missingFractionShare = 0.4

        /// Settings of the given shape: `export` spans 2015–2026 with fundamentals for a
        /// tenth of the companies and 30 % of the counts missing; `compact` spans
        /// 2020–2025 with fundamentals for every company and 15 % of the counts missing.
        public init(events: Int, companies: Int, seed: UInt64, shape: Shape = .export) {
            self.events = events
            self.companies = companies
            self.seed = seed
            self.shape = shape
            switch shape {
            case .export:
                years = 2015...2026
                fundamentalsShare = 0.1
                missingCutShare = 0.3
            case .compact:
                years = 2020...2025
                fundamentalsShare = 1
                missingCutShare = 0.15
            }
        }

        /// Fiscal years of the fundamentals: the event years and one on either side.
        public var fiscalYears: ClosedRange<Int> { (years.lowerBound - 1)...(years.upperBound + 1) }
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

    public let parameters: Parameters

    /// A generator with `parameters`.
    ///
    /// - Throws: ``AnalysisError/invalidParameter(_:)`` unless there are 0 to 10⁹ events and
    ///   1 to 10⁷ companies, every number is finite, the standard deviations are ≥ 0, the
    ///   shares lie in 0–1, the years in 1901–9998, and the headcounts and growths stay
    ///   where whole numbers of jobs can be written (`logEmployeesMean + 10·logEmployeesSD ≤ 30`,
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
        try need(p.fundamentalsShare.isFinite, "every parameter must be a finite number")
        try need((0...1).contains(p.missingCutShare) && (0...1).contains(p.missingFractionShare)
                    && (0...1).contains(p.fundamentalsShare), "shares must lie in 0–1")
        try need(p.years.lowerBound >= 1901 && p.years.upperBound <= 9998, "years must lie in 1901–9998, not \(p.years.lowerBound)–\(p.years.upperBound)")
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
        /// Whether the fundamentals file has the company's rows.
        var listed = true
    }

    func makeCompanies(_ rng: inout SeededGenerator) -> [Company] {
        let p = parameters
        var out: [Company] = []
        out.reserveCapacity(p.companies)
        let width = String(p.companies).count
        let export = p.shape == .export
        for c in 0..<p.companies {
            let name: String
            if export {
                name = SyntheticVocabulary.companyName(c)
            } else {
                let digits = String(c + 1)
                name = "Company " + String(repeating: "0", count: max(0, width - digits.count)) + digits
            }
            let base = exp(p.logEmployeesMean + p.logEmployeesSD * rng.nextNormal())
            var emp: [Double] = [], rev: [Double] = [], gr: [Double] = []
            var revenue = base * (0.2 + rng.nextUniform() * 0.4)  // $M
            for k in 0..<p.fiscalYears.count {
                let g = p.growthMean + p.growthSD * rng.nextNormal()
                if k > 0 { revenue *= 1 + g / 100 }
                gr.append((g * 10).rounded() / 10)
                rev.append((revenue * 10).rounded() / 10)
                emp.append(max(10, (base * exp(0.5 * g / 100 * Double(k))).rounded()))
            }
            let funds: Double? = rng.nextUniform() < 0.3 ? nil : (exp(3 + 2 * rng.nextNormal())).rounded()
            var company = Company(name: name, industry: rng.nextInt(below: Self.industries.count),
                                  country: rng.nextInt(below: Self.countries.count),
                                  location: rng.nextInt(below: Self.locations.count),
                                  stage: rng.nextInt(below: Self.stages.count), funds: funds,
                                  employees: emp, revenue: rev, growth: gr)
            if export {
                // The export's wider vocabularies, and fundamentals for a share only.
                company.industry = rng.nextInt(below: SyntheticVocabulary.industries.count)
                company.location = rng.nextInt(below: SyntheticVocabulary.locations.count)
                company.country = SyntheticVocabulary.country(location: company.location, draw: rng.nextInt(below: 1 << 20))
                company.stage = rng.nextInt(below: SyntheticVocabulary.stages.count)
                company.listed = rng.nextUniform() < p.fundamentalsShare
            }
            out.append(company)
        }
        return out
    }

    /// Writes the events file (layoffs.fyi layout) and the fundamentals file
    /// (`company,fiscal_year,employees,revenue,revenue_growth`, the companies with
    /// fundamentals only), each atomically. The same parameters always give the same bytes.
    /// Returns the number of companies in the fundamentals file.
    @discardableResult
    public func write(eventsPath: String, fundamentalsPath: String) throws(FileWriteError) -> Int {
        var rng = SeededGenerator(seed: parameters.seed)
        let companies = makeCompanies(&rng)
        let fw = try AtomicFileWriter(path: fundamentalsPath)
        try fw.write("company,fiscal_year,employees,revenue,revenue_growth\n")
        for c in companies where c.listed {
            for (k, year) in parameters.fiscalYears.enumerated() {
                try fw.write("\(SyntheticVocabulary.quoted(c.name)),\(year),\(Int(c.employees[k])),\(c.revenue[k]),\(c.growth[k])\n")
            }
        }
        try fw.commit()

        let ew = try AtomicFileWriter(path: eventsPath)
        try ew.write("company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,funds_raised,country,date_added\n")
        switch parameters.shape {
        case .compact: try writeCompactEvents(companies, &rng, to: ew)
        case .export: try writeExportEvents(companies, &rng, to: ew)
        }
        try ew.commit()
        return companies.reduce(0) { $0 + ($1.listed ? 1 : 0) }
    }

    /// `log(cut)` of an event of company `c` in fiscal-year index `k`, drawn from the model.
    private func logCut(_ c: Company, _ k: Int, _ rng: inout SeededGenerator) -> (cut: Double, employees: Double) {
        let p = parameters
        let e = c.employees[k], g = c.growth[k]
        let logCut = p.intercept + p.slopeLogEmployees * log(e) + p.slopeGrowth * g + p.sigma * rng.nextNormal()
        return (min(e, max(1, exp(logCut).rounded())), e)
    }

    /// The compact shape's events: companies and days uniform, in random order.
    private func writeCompactEvents(_ companies: [Company], _ rng: inout SeededGenerator,
                                    to ew: AtomicFileWriter) throws(FileWriteError) {
        let p = parameters
        let first = Day(year: p.years.lowerBound, month: 1, day: 1)!, last = Day(year: p.years.upperBound, month: 12, day: 31)!
        let span = first.distance(to: last) + 1
        var line = ""
        for _ in 0..<p.events {
            let c = companies[rng.nextInt(below: companies.count)]
            let day = first.advanced(by: rng.nextInt(below: span))
            let k = day.year - p.fiscalYears.lowerBound
            let (cut, e) = logCut(c, k, &rng)
            let cutMissing = rng.nextUniform() < p.missingCutShare
            let fractionMissing = rng.nextUniform() < p.missingFractionShare
            let unknownToken = rng.nextUniform() < 0.2
            let (y, m, d) = day.civil
            line.removeAll(keepingCapacity: true)
            line += c.name
            line += ","
            line += SyntheticVocabulary.quoted(SyntheticLayoffs.locations[c.location])
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
    }

    /// The export shape's events: latest first, a few companies with many events.
    private func writeExportEvents(_ companies: [Company], _ rng: inout SeededGenerator,
                                   to ew: AtomicFileWriter) throws(FileWriteError) {
        let p = parameters
        let first = Day(year: p.years.lowerBound, month: 1, day: 1)!, last = Day(year: p.years.upperBound, month: 12, day: 31)!
        let span = Double(first.distance(to: last) + 1)
        // Uniform days in decreasing order without sorting: the largest of n uniforms is
        // U^(1/n), and the rest lie below it as n − 1 uniforms below it.
        var u = 1.0
        var line = "", previous = ""
        for i in 0..<p.events {
            let remaining = Double(p.events - i)
            var v = rng.nextUniform()
            while v == 0 { v = rng.nextUniform() }
            u *= pow(v, 1 / remaining)
            let day = first.advanced(by: min(Int(span) - 1, Int(u * span)))
            if i > 0 && rng.nextUniform() < 0.0005 {
                try ew.write(previous) // an exact duplicate of the row before, as the export has
                continue
            }
            // Company popularity falls with the index: c = ⌊C·w²⌋, w uniform.
            let w = rng.nextUniform()
            let c = companies[min(companies.count - 1, Int(Double(companies.count) * w * w))]
            let k = day.year - p.fiscalYears.lowerBound
            let (cut, e) = logCut(c, k, &rng)
            let cutDraw = rng.nextUniform(), fractionDraw = rng.nextUniform(), detail = rng.nextUniform()
            let (y, m, d) = day.civil
            line.removeAll(keepingCapacity: true)
            line += SyntheticVocabulary.quoted(c.name)
            line += ","
            line += SyntheticVocabulary.quoted(SyntheticVocabulary.locations[c.location])
            line += ","
            if cutDraw < p.missingCutShare {
                line += cutDraw < p.missingCutShare * 0.15 ? "Unknown" : ""
            } else if detail < 0.05 {
                line += "\"\(Int(cut)).0\""  // quoted, as some exports write numbers
            } else {
                line += "\(Int(cut)).0"
            }
            line += ",\(m)/\(d)/\(y),"
            if fractionDraw >= p.missingFractionShare {
                let f = (cut / e * 100).rounded() / 100
                if f > 0 { line += "\(f)" }
            }
            line += ","
            line += SyntheticVocabulary.industries[c.industry]
            line += ","
            SyntheticVocabulary.appendSourceURL(&line, company: c.name, event: i, year: y, month: m, day: d)
            line += ","
            line += SyntheticVocabulary.stages[c.stage]
            line += ","
            if let f = c.funds { line += detail > 0.98 ? "\(f + 0.5)" : "\(Int(f))" }
            line += ","
            line += SyntheticVocabulary.countries[c.country]
            // Added the same day for a quarter of the events, else up to ten days later.
            let added = detail < 0.25 ? day : day.advanced(by: 1 + Int(detail * 40) % 10)
            let (ay, am, ad) = added.civil
            line += ",\(am)/\(ad)/\(ay)\n"
            try ew.write(line)
            swap(&line, &previous)
        }
    }
}

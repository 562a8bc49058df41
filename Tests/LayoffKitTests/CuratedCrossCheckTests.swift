import Foundation
import Testing
import LayoffKit
import StatKit

/// The curated `Datasets/` against the reference data in `../shared/datasets` (present on
/// developer and CI machines; skipped elsewhere), with the project's own loaders and name
/// normalisation. The same rules as `scripts/datasets/crosscheck.py`:
/// - every curated event matches a layoffs.fyi event of the same company (normalised name)
///   within 14 days with the count within 10% (or both counts empty), or is listed in
///   `Datasets/crosscheck-exceptions.csv` with a reason;
/// - the fundamentals of the fiscal year in Fortune 1000 2023 (FY2022, or the year its
///   footnote names) match where the company is listed: employees within 5%, revenue
///   growth within 1 percentage point, or the company-year is listed as an exception.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: sharedLayoffsFYIPath), "../shared/datasets is absent"))
struct CuratedCrossCheckTests {
    static let datasets = repositoryRoot.appendingPathComponent("Datasets")
    static let fortunePath = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/datasets/fortune1000-2023.csv").path

    static func exceptions() throws -> [String: String] {
        let t = try DataTable(csvFile: datasets.appendingPathComponent("crosscheck-exceptions.csv").path)
        guard case .text(let c)? = t.column(named: "company"), case .text(let d)? = t.column(named: "date"),
              case .text(let r)? = t.column(named: "reason") else { return [:] }
        let names = CompanyNames()
        var out: [String: String] = [:]
        for i in 0..<t.rowCount { out[names.key(c[i] ?? "") + "|" + (d[i] ?? "")] = r[i] ?? "" }
        return out
    }

    @Test func everyCuratedEventMatchesTheTrackerOrIsExplained() throws {
        let ours = try EventLoader.load(path: Self.datasets.appendingPathComponent("tech-layoffs.csv").path).events
        let theirs = try #require(try loadSharedLayoffsFYI())
        let names = CompanyNames()
        var byCompany: [String: [(Day, Double?)]] = [:]
        for i in 0..<theirs.count { byCompany[names.key(theirs.company[i] ?? ""), default: []].append((theirs.day[i], theirs.cut[i])) }
        let exceptions = try Self.exceptions()
        var matched = 0, excepted = 0
        var unexplained: [String] = []
        for i in 0..<ours.count {
            let key = names.key(ours.company[i] ?? "")
            let mine = ours.cut[i]
            let ok = (byCompany[key] ?? []).contains { (day, cut) in
                guard abs(day.distance(to: ours.day[i])) <= 14 else { return false }
                switch (mine, cut) {
                case (nil, nil): return true
                case let (m?, t?): return abs(m - t) <= 0.10 * t
                default: return false
                }
            }
            if ok { matched += 1 } else if let reason = exceptions[key + "|" + ours.day[i].description], !reason.isEmpty {
                excepted += 1
            } else {
                unexplained.append("\(ours.company[i] ?? "?") \(ours.day[i]) (line \(ours.line[i]))")
            }
        }
        #expect(unexplained.isEmpty, "curated events without a tracker match or a listed reason: \(unexplained)")
        #expect(matched >= 100, "only \(matched) curated events match layoffs.fyi")
        #expect(matched + excepted == ours.count)
    }

    @Test func fiscal2022FundamentalsMatchFortuneOrAreExplained() throws {
        let f = try FundamentalsLoader.load(path: Self.datasets.appendingPathComponent("company-fundamentals.csv").path).fundamentals
        let fortune = try DataTable(csvFile: Self.fortunePath)
        guard case .text(let fc)? = fortune.column(named: "Company"), case .numeric(let emp)? = fortune.column(named: "Number_of_employees"),
              case .numeric(let growth)? = fortune.column(named: "RevenuePercentChange"),
              case .text(let foot)? = fortune.column(named: "Footnote") else {
            Issue.record("Fortune file lacks the expected columns"); return
        }
        let names = CompanyNames()
        var fortuneRow: [String: Int] = [:]
        for i in 0..<fortune.rowCount where fortuneRow[names.key(fc[i] ?? "")] == nil { fortuneRow[names.key(fc[i] ?? "")] = i }
        let exceptions = try Self.exceptions()
        var checked = 0, agreeing = 0
        var unexplained: [String] = []
        for company in Set(f.company).sorted() {
            guard let r = fortuneRow[names.key(company)] else { continue }
            // "Figures are for fiscal year ended Jan. 31, 2023" → FY2023; default FY2022.
            var fy = 2022
            if let note = foot[r], let range = note.range(of: "fiscal year ended ") {
                let digits = note[range.upperBound...].split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
                if let y = digits.first(where: { $0 > 1900 }) { fy = y }
            }
            checked += 1
            guard let i = f.company.indices.first(where: { f.company[$0] == company && f.fiscalYear[$0] == fy }) else {
                if exceptions[names.key(company) + "|FY\(fy)"] == nil { unexplained.append("\(company) FY\(fy): no row") }
                continue
            }
            var problems: [String] = []
            if let mine = f.employees[i], let theirs = emp[r], abs(mine - theirs) > 0.05 * theirs {
                problems.append("employees \(Int(mine)) vs Fortune \(Int(theirs))")
            }
            if let mine = f.revenueGrowth[i], let theirs = growth[r], abs(mine - theirs) > 1.0 {
                problems.append("revenue growth \(mine) vs Fortune \(theirs)")
            }
            if problems.isEmpty { agreeing += 1 } else if exceptions[names.key(company) + "|FY\(fy)"] == nil {
                unexplained.append("\(company) FY\(fy): " + problems.joined(separator: "; "))
            }
        }
        #expect(unexplained.isEmpty, "fundamentals that disagree with Fortune 1000 2023 without a listed reason: \(unexplained)")
        #expect(checked >= 30, "only \(checked) curated companies found in the Fortune 1000")
        #expect(agreeing >= checked - 8)
    }

    @Test func noLineIsCopiedFromTheReferenceFiles() throws {
        let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/datasets")
        var reference = Set<Substring>()
        for name in ["layoffs-fyi-2020-2026.csv", "fortune1000-2023.csv"] {
            let text = try String(contentsOf: shared.appendingPathComponent(name), encoding: .utf8)
            for l in text.split(separator: "\n") { reference.insert(l.trimmingCharacters(in: .whitespaces)[...]) }
        }
        for name in ["tech-layoffs.csv", "company-fundamentals.csv"] {
            let text = try String(contentsOf: Self.datasets.appendingPathComponent(name), encoding: .utf8)
            let copied = text.split(separator: "\n").dropFirst().filter { reference.contains($0.trimmingCharacters(in: .whitespaces)[...]) }
            #expect(copied.isEmpty, "\(name) has lines identical to the reference files: \(copied.prefix(3))")
        }
    }
}

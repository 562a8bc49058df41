// Shared helpers of the analyses tests: a seeded generator, random event tables, brute-force
// group labels, tolerance checks and the committed pandas reference JSON.
import Foundation
import LayoffKit
import StatKit

/// SplitMix64: small, seeded, reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A random event table: `n` events on days `start ..< start + span` (unsorted), `companies`
/// company names (so the same company recurs within windows), a few industries, and missing
/// cuts, fractions, companies and industries; a random workforce mixing fundamentals and
/// implied sources, with some zero workforces.
func randomEvents(seed: UInt64, n: Int, start: Day, span: Int, companies: Int = 30)
    -> (events: EventTable, workforce: Workforce)
{
    var g = SeededGenerator(seed: seed)
    var t = EventTable()
    let industries = ["Retail", "AI", "Finance", "Crypto", "Travel"]
    var wf = NumericColumn(), src: [WorkforceSource] = []
    for i in 0..<n {
        t.day.append(start.advanced(by: Int.random(in: 0..<span, using: &g)))
        t.company.append(Double.random(in: 0..<1, using: &g) < 0.05 ? nil : "Co\(Int.random(in: 0..<companies, using: &g))")
        t.industry.append(Double.random(in: 0..<1, using: &g) < 0.1 ? nil : industries.randomElement(using: &g)!)
        // Cuts over five orders of magnitude, so removing a large one would leave rounding residue.
        let cut: Double? = Double.random(in: 0..<1, using: &g) < 0.3
            ? nil : (Double.random(in: 0..<1, using: &g) < 0.1 ? Double(Int.random(in: 10_000...90_000, using: &g))
                                                               : Double(Int.random(in: 0...400, using: &g)))
        t.cut.append(cut)
        let fr: Double? = Double.random(in: 0..<1, using: &g) < 0.4 ? nil
            : (Double.random(in: 0..<1, using: &g) < 0.05 ? 0 : Double.random(in: 0.01...1, using: &g))
        t.fraction.append(fr)
        t.line.append(Int32(i + 2))
        let u = Double.random(in: 0..<1, using: &g)
        if u < 0.2 {
            wf.append(Double.random(in: 0..<1, using: &g) < 0.1 ? 0 : Double.random(in: 50...300_000, using: &g).rounded())
            src.append(.fundamentals)
        } else if let c = cut, let f = fr, f > 0 {
            wf.append(c / f); src.append(.implied)
        } else {
            wf.append(nil); src.append(.unknown)
        }
    }
    return (t, try! Workforce(values: wf, source: src))
}

/// Group label of event `i` by `column`, computed directly (nil column: "all").
func groupLabel(_ t: EventTable, _ column: String?, _ i: Int) -> String {
    guard let column else { return "all" }
    return t.groupColumn(named: column)![i] ?? "(missing)"
}

/// Expected group order: sorted names, "(missing)" last.
func expectedGroups(_ t: EventTable, _ column: String?) -> [String] {
    let labels = Set((0..<t.count).map { groupLabel(t, column, $0) })
    return labels.filter { $0 != "(missing)" }.sorted() + (labels.contains("(missing)") ? ["(missing)"] : [])
}

/// Brute-force totals over the events satisfying `include`.
func bruteTotals(_ t: EventTable, _ include: (Int) -> Bool) -> EventTotals {
    var companies = Set<String>(), n = 0, without = 0, cut = 0.0
    for i in 0..<t.count where include(i) {
        n += 1
        if let c = t.company[i] { companies.insert(c) }
        if let x = t.cut[i] { cut += x } else { without += 1 }
    }
    return EventTotals(events: n, companies: companies.count, cut: cut, eventsWithoutCount: without)
}

/// Brute-force cut over the events satisfying `include` as it may be reported: the sum of
/// the known cuts, 0 when no event qualifies, `nil` when events qualify and none has a cut.
func bruteCut(_ t: EventTable, _ include: (Int) -> Bool) -> Double? {
    var any = false, known = false, cut = 0.0
    for i in 0..<t.count where include(i) {
        any = true
        if let x = t.cut[i] { known = true; cut += x }
    }
    return !any || known ? cut : nil
}

/// Change and percent change from `previous` to `current` computed directly: both `nil` when
/// either is unknown, the percentage `nil` on a zero base.
func bruteChange(_ current: Double?, _ previous: Double?) -> (Double?, Double?) {
    guard let c = current, let p = previous else { return (nil, nil) }
    return (c - p, p == 0 ? nil : (c - p) / p * 100)
}

/// `a` and `b` agree to `rel` relative error (exactly when either is 0).
func close(_ a: Double?, _ b: Double?, rel: Double) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case let (x?, y?): return x == y || abs(x - y) <= rel * max(abs(x), abs(y))
    default: return false
    }
}

/// `true` when the sum totals agree: counts exactly, cut to `rel`.
func same(_ a: EventTotals?, _ b: EventTotals?, rel: Double) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case let (x?, y?):
        return x.events == y.events && x.companies == y.companies && x.eventsWithoutCount == y.eventsWithoutCount
            && close(x.cut, y.cut, rel: rel)
    default: return false
    }
}

/// Directory of the committed reference JSON.
let referenceDirectory: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Reference")

/// Decodes the committed reference file `name`.
func loadReference<T: Decodable>(_ name: String, as: T.Type) throws -> T {
    let data = try Data(contentsOf: referenceDirectory.appendingPathComponent(name))
    return try JSONDecoder().decode(T.self, from: data)
}

/// Whether `../shared/datasets/layoffs-fyi-2020-2026.csv` exists (reference tests skip otherwise).
let sharedDataAvailable: Bool = FileManager.default.fileExists(atPath: sharedLayoffsFYIPath)

import StatKit

/// The layout an events file is read in.
public enum EventFileLayout: String, Sendable, Hashable, CaseIterable {
    /// Recognised from the header: the WARN Notice Register's export (it has
    /// `canonical_name`, `notice_date`, `employees_affected`, `is_amendment` and
    /// `first_seen`), Big Local News' consolidated WARN layout (`hash_id`, `postal_code`,
    /// `company`, `notice_date`, `jobs`, `is_amendment`), else the layoffs.fyi export.
    case automatic
    /// WARN Act notices: the register's export when the header has `canonical_name` or
    /// `employer_name`, else Big Local News' layout.
    case warn
    /// The layoffs.fyi export (other layouts through ``EventLoadOptions/columnMapping``).
    case layoffsFyi = "layoffs-fyi"
}

/// Which of a WARN notice's two dates dates the event.
public enum NoticeDateChoice: String, Sendable, Hashable, CaseIterable {
    /// The day the notice was filed (`notice_date`), else the effective date.
    case notice
    /// The first day of the layoff or closure (`effective_date`), else the notice date.
    case effective
}

/// What a load does with WARN notices that amend an earlier notice (`is_amendment = 1`):
/// their jobs are not new jobs.
public enum AmendmentPolicy: String, Sendable, Hashable, CaseIterable {
    /// Left out and counted (``EventLoadResult/amendmentsDropped``).
    case drop
    /// Kept as events of their own.
    case keep
}

/// A pair of WARN notices that may report one layoff twice: the same employer and site
/// within a few days of each other. Listed, never merged.
public struct PossibleDuplicate: Sendable, Equatable {
    /// Line of the later notice (see ``EventLoadResult/place(ofLine:)`` for its file).
    public var line: Int
    /// Line of the earlier notice.
    public var firstLine: Int
    /// The employer.
    public var company: String
    /// The site (and state, when the file has one), as the group key shows it.
    public var location: String
    /// Days between the two notices.
    public var days: Int
}

/// The steps of a load that only WARN layouts take: amendments, the NAICS sector, the
/// date each event was dated by, duplicates by the compiler's key, the export date.
enum WARNSteps {
    /// Name of the column that says which date dated each event.
    static let dateSourceColumn = "date_source"
    /// Name of the column of NAICS sectors derived from `naics`.
    static let sectorColumn = "naics_sector"

    /// The two-digit sectors of the North American Industry Classification System, 2022
    /// edition (census.gov/naics), by the first two digits of a code.
    static let naicsSectors: [String: String] = {
        var s: [String: String] = [
            "11": "Agriculture, Forestry, Fishing and Hunting",
            "21": "Mining, Quarrying, and Oil and Gas Extraction",
            "22": "Utilities",
            "23": "Construction",
            "42": "Wholesale Trade",
            "51": "Information",
            "52": "Finance and Insurance",
            "53": "Real Estate and Rental and Leasing",
            "54": "Professional, Scientific, and Technical Services",
            "55": "Management of Companies and Enterprises",
            "56": "Administrative and Support and Waste Management and Remediation Services",
            "61": "Educational Services",
            "62": "Health Care and Social Assistance",
            "71": "Arts, Entertainment, and Recreation",
            "72": "Accommodation and Food Services",
            "81": "Other Services (except Public Administration)",
            "92": "Public Administration",
        ]
        for k in ["31", "32", "33"] { s[k] = "Manufacturing" }
        for k in ["44", "45"] { s[k] = "Retail Trade" }
        for k in ["48", "49"] { s[k] = "Transportation and Warehousing" }
        return s
    }()

    /// The sector of a NAICS code (`334517` → Manufacturing); `nil` for a missing code or
    /// one whose first two digits name no sector.
    static func sector(ofNAICS code: String?) -> String? {
        guard let code, code.utf8.count >= 2 else { return nil }
        return naicsSectors[String(code.prefix(2))]
    }

    /// The extra column named `name`, if the table has one.
    static func extra(_ t: EventTable, _ name: String) -> StringColumn? {
        t.extra.first { $0.name == name }?.values
    }

    /// Adds the NAICS sector of each event (from `naics`) as a column, when there is a `naics`.
    static func addSectors(_ t: inout EventTable) {
        guard let naics = extra(t, "naics"), naics.count == t.count else { return }
        let codes = naics.dictionaryEncoded
        let byLevel = codes.levels.map { sector(ofNAICS: $0) }
        var sectors = TextColumn()
        var levelCode: [Int32?] = Array(repeating: nil, count: byLevel.count)
        sectors.codes = codes.codes.map { c in
            guard c >= 0, let name = byLevel[Int(c)] else { return -1 }
            if let k = levelCode[Int(c)] { return k }
            let k = sectors.code(for: name)
            levelCode[Int(c)] = k
            return k
        }
        t.extra.append((name: sectorColumn, values: StringColumn(sectors)))
    }

    /// Leaves out the events flagged `is_amendment = 1` (or `true`); returns the rows kept,
    /// `nil` when none was left out.
    static func dropAmendments(_ t: inout EventTable) -> [Int]? {
        guard let flags = extra(t, "is_amendment"), flags.count == t.count else { return nil }
        let codes = flags.dictionaryEncoded
        let amendment = codes.levels.map { $0 == "1" || $0.lowercased() == "true" }
        let keep = codes.codes.indices.filter { codes.codes[$0] < 0 || !amendment[Int(codes.codes[$0])] }
        if keep.count == t.count { return nil }
        t = t.selecting(keep)
        return keep
    }

    /// Events that repeat an earlier event's `key` value (events without one are never
    /// duplicates), in file order; with `dedupe`, removed from `t` (keeping the first).
    static func keyDuplicates(_ t: inout EventTable, key: String, dedupe: Bool) -> ([DuplicateEvent], Int) {
        guard let column = extra(t, key), column.count == t.count else { return ([], 0) }
        let codes = column.dictionaryEncoded.codes
        var first = [Int32](repeating: -1, count: codes.count)
        var duplicates: [DuplicateEvent] = [], keep: [Int] = []
        for (i, c) in codes.enumerated() {
            if c >= 0 && first[Int(c)] >= 0 {
                duplicates.append(DuplicateEvent(line: Int(t.line[i]), firstLine: Int(t.line[Int(first[Int(c)])])))
                continue
            }
            if c >= 0 { first[Int(c)] = Int32(i) }
            keep.append(i)
        }
        guard dedupe, keep.count < t.count else { return (duplicates, 0) }
        let dropped = t.count - keep.count
        t = t.selecting(keep)
        return (duplicates, dropped)
    }

    /// The latest day of `t`'s `date_added` (the export date of a WARN register file).
    static func latestAdded(_ t: EventTable) -> Day? {
        var latest: Int32?
        for n in t.dateAdded.numbers where n != OptionalDayColumn.missing { latest = max(latest ?? n, n) }
        return latest.map { Day(number: $0) }
    }

    /// How many events `date_source` says were dated by the column `fallback`.
    static func fallbacks(_ t: EventTable, fallback: String) -> Int {
        guard let c = extra(t, dateSourceColumn)?.dictionaryEncoded, let k = c.levels.firstIndex(of: fallback) else { return 0 }
        return c.codes.reduce(0) { $0 + ($1 == Int32(k) ? 1 : 0) }
    }

    /// Pairs of events of the same company and location (and state, when `t` has a `state`
    /// column) at most `days` days apart, each event paired with the one before it, in
    /// order of the later event's line.
    static func possibleDuplicates(_ t: EventTable, within days: Int) -> [PossibleDuplicate] {
        let n = t.count
        guard n > 1, t.company.count == n, t.location.count == n else { return [] }
        let state = extra(t, "state").flatMap { $0.count == n ? $0.dictionaryEncoded : nil }
        func key(_ i: Int) -> (Int32, Int32, Int32) { (t.company.codes[i], state?.codes[i] ?? -1, t.location.codes[i]) }
        let order = (0..<n).filter { t.location.codes[$0] >= 0 }.sorted {
            let (a, b) = (key($0), key($1))
            return a != b ? a < b : (t.day[$0], t.line[$0]) < (t.day[$1], t.line[$1])
        }
        var out: [PossibleDuplicate] = []
        for (p, i) in zip(order, order.dropFirst()) where key(p) == key(i) {
            let gap = Int(t.day[i].number - t.day[p].number)
            guard gap <= days else { continue }
            let place = [state.flatMap { $0[i] }, t.location[i]].compactMap { $0 }.joined(separator: Grouping.labelSeparator)
            out.append(PossibleDuplicate(line: Int(t.line[i]), firstLine: Int(t.line[p]), company: t.company[i] ?? "",
                                         location: place, days: gap))
        }
        return out.sorted { ($0.line, $0.firstLine) < ($1.line, $1.firstLine) }
    }
}

extension EventTable {
    /// Pairs of events that may report one layoff twice: the same company and location
    /// (and the same `state`, when the table has that column) at most `days` days apart,
    /// each event paired with the one before it, in order of the later event's line.
    /// Events without a location are never paired. For WARN notices, where one layoff can
    /// be filed twice (a revised notice not flagged as an amendment); the pairs are for a
    /// person to look at, never merged.
    ///
    /// ```swift
    /// let load = try EventLoader.load(path: "tx.csv")
    /// for d in load.events.possibleDuplicates() { print(load.describe(line: d.line), d.company) }
    /// ```
    public func possibleDuplicates(withinDays days: Int = 30) -> [PossibleDuplicate] {
        WARNSteps.possibleDuplicates(self, within: days)
    }
}

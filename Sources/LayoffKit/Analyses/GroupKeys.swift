import StatKit

/// Which days count as observed for a group: the table's span, or the group's own.
public enum GroupCoverage: String, Sendable, Hashable, CaseIterable {
    /// Every group is observed over the whole table's ``Coverage`` (first to last event day
    /// of all events): a period of it in which a group has no events is a zero for that
    /// group. Right when every group comes from one source that covers them all (a tracker's
    /// industries or countries).
    case shared
    /// Each group is observed from its own first to its own last event day: a period
    /// outside that span is missing for the group (not zero) and one that straddles it is
    /// partial. Right when groups have their own spans (one file per state, each ending when
    /// its portal stopped; a company's notices).
    case perGroup = "per-group"

    /// The coverage to use when none is asked for: WARN notices grouped by state are each
    /// observed over their state's own span (each state's portal has its own history);
    /// every other grouping (a sector or an employer is not a source), and other events,
    /// over the table's.
    public static func `default`(for layout: EventFileLayout, by columns: [String]) -> GroupCoverage {
        layout == .warn && columns.contains("state") ? .perGroup : .shared
    }
}

/// How events are split into groups for an analysis.
///
/// Groups are reported in ascending order of their names (Swift `String` ordering), with
/// the missing-value group, if any events lack a value, always last. Events whose group
/// value is missing are never dropped: they are counted under ``missingLabel``, as a group of
/// their own even if a real value happens to equal the label (pick another label then).
///
/// Grouped by several columns, a group is one combination of values that occurs, labelled
/// with the values joined by ``labelSeparator`` (`MI / Wayne County`), ordered by the first
/// column's value, then the second's, and so on (a missing value last in each).
public struct Grouping: Sendable, Hashable {
    /// Names of the group columns, in order; empty for one overall group called ``overallLabel``.
    public var columns: [String]
    /// Whether each group is observed over the table's span or its own.
    public var coverage: GroupCoverage
    /// Label of the group of events whose group value is missing.
    public var missingLabel: String

    /// Label of the single group of an ungrouped analysis.
    public static let overallLabel = "all"
    /// Default label of the missing-value group.
    public static let defaultMissingLabel = "(missing)"
    /// Separator of the values in the label of a group of several columns.
    public static let labelSeparator = " / "

    /// One group holding every event.
    public static let overall = Grouping(columns: [])

    /// Groups by the columns `columns` (names accepted by ``EventTable/groupColumn(named:)``),
    /// or overall when `columns` is empty.
    public init(columns: [String], coverage: GroupCoverage = .shared,
                missingLabel: String = Grouping.defaultMissingLabel) {
        self.columns = columns
        self.coverage = coverage
        self.missingLabel = missingLabel
    }

    /// Groups by the column `column`, or overall when `column` is `nil`.
    public init(column: String?, coverage: GroupCoverage = .shared, missingLabel: String = Grouping.defaultMissingLabel) {
        self.init(columns: column.map { [$0] } ?? [], coverage: coverage, missingLabel: missingLabel)
    }

    /// The first group column, `nil` when ungrouped.
    public var column: String? { columns.first }

    /// Groups by `column`.
    public static func by(_ column: String, coverage: GroupCoverage = .shared) -> Grouping {
        Grouping(columns: [column], coverage: coverage)
    }
}

/// Group of each event: labels in output order (present values by name, then the missing
/// group), each code's output group, and the groups' sizes as run starts.
struct GroupKeys {
    var names: [String]
    /// Per group, the value of each group column (the missing label where missing); empty
    /// arrays when ungrouped.
    var values: [[String]]
    /// Codes of the group column, or group numbers per event when grouped by several
    /// columns (empty when ungrouped: one group).
    var codes: [Int32]
    /// `rank[code]`: output group of a code; `rank[rank.count - 1]`: of the missing value.
    var rank: [Int32]
    /// `start[g]..<start[g + 1]`: the positions of group `g` once sorted.
    var start: [Int]

    /// The keys of `events`, which ``EventTable/checked()`` has made consistent.
    init(_ events: EventTable, by grouping: Grouping) throws(AnalysisError) {
        guard !grouping.columns.isEmpty else {
            self.init(names: [Grouping.overallLabel], values: [[]], codes: [], rank: [0], start: [0, events.count])
            return
        }
        var columns: [TextColumn] = []
        for name in grouping.columns {
            guard let col = events.groupColumn(named: name) else {
                throw .unknownGroupColumn(name, available: events.groupColumnNames)
            }
            columns.append(col)
        }
        if columns.count == 1 {
            self.init(single: columns[0], missingLabel: grouping.missingLabel)
        } else {
            self.init(combining: columns, count: events.count, missingLabel: grouping.missingLabel)
        }
    }

    private init(names: [String], values: [[String]], codes: [Int32], rank: [Int32], start: [Int]) {
        self.names = names; self.values = values; self.codes = codes; self.rank = rank; self.start = start
    }

    /// One column: its codes ranked by level name, the missing value last.
    private init(single col: TextColumn, missingLabel: String) {
        let (rank, used, missingUsed) = Self.ranks(col)
        let missing = col.levels.count
        var counts = [Int](repeating: 0, count: missing + 1)
        for c in col.codes { counts[c < 0 ? missing : Int(c)] += 1 }
        names = used.map { col.levels[$0] } + (missingUsed ? [missingLabel] : [])
        values = names.map { [$0] }
        var start = [0]
        start.reserveCapacity(names.count + 1)
        for s in used + (missingUsed ? [missing] : []) { start.append(start.last! + counts[s]) }
        self.codes = col.codes
        self.rank = rank
        self.start = start
    }

    /// Several columns: each event's combination of ranks, numbered in the order of the
    /// ranks (first column first), so groups sort as their values do.
    private init(combining columns: [TextColumn], count n: Int, missingLabel: String) {
        let ranked = columns.map { Self.ranks($0) }
        // Rank of each event in each column, combined into one number (mixed radix).
        let radix = ranked.map { $0.used.count + ($0.missingUsed ? 1 : 0) }
        var keyOf = [Int](repeating: 0, count: n)
        var overflow = false
        for (c, col) in columns.enumerated() {
            let rank = ranked[c].rank, r = radix[c], missing = rank.count - 1
            for i in 0..<n {
                let code = col.codes[i]
                let (m, o1) = keyOf[i].multipliedReportingOverflow(by: r)
                let (k, o2) = m.addingReportingOverflow(Int(rank[code < 0 ? missing : Int(code)]))
                overflow = overflow || o1 || o2
                keyOf[i] = k
            }
        }
        // Distinct combinations in ascending order of their ranks.
        let tuples: [[Int32]]
        var groupOf = [Int32](repeating: 0, count: n)
        if !overflow {
            let distinct = Array(Set(keyOf)).sorted()
            var number: [Int: Int32] = [:]
            number.reserveCapacity(distinct.count)
            for (g, k) in distinct.enumerated() { number[k] = Int32(g) }
            for i in 0..<n { groupOf[i] = number[keyOf[i]]! }
            tuples = distinct.map { k in
                var k = k
                var t = [Int32](repeating: 0, count: radix.count)
                for c in radix.indices.reversed() { t[c] = Int32(k % radix[c]); k /= radix[c] }
                return t
            }
        } else {
            // More combinations than an Int can number (hundreds of large columns): by tuple.
            func tuple(_ i: Int) -> [Int32] {
                columns.indices.map { c in
                    let code = columns[c].codes[i], rank = ranked[c].rank
                    return rank[code < 0 ? rank.count - 1 : Int(code)]
                }
            }
            let distinct = Array(Set((0..<n).map(tuple))).sorted { $0.lexicographicallyPrecedes($1) }
            var number: [[Int32]: Int32] = [:]
            for (g, t) in distinct.enumerated() { number[t] = Int32(g) }
            for i in 0..<n { groupOf[i] = number[tuple(i)]! }
            tuples = distinct
        }
        values = tuples.map { t in
            t.enumerated().map { c, r in
                let used = ranked[c].used
                return Int(r) < used.count ? columns[c].levels[used[Int(r)]] : missingLabel
            }
        }
        names = values.map { $0.joined(separator: Grouping.labelSeparator) }
        var counts = [Int](repeating: 0, count: tuples.count)
        for g in groupOf { counts[Int(g)] += 1 }
        var start = [0]
        for c in counts { start.append(start.last! + c) }
        self.codes = groupOf
        self.rank = (0..<Int32(tuples.count)).map { $0 } + [0]
        self.start = start
    }

    /// For a column: the output rank of each code (`rank[levels.count]` for the missing
    /// value), the codes that occur in order of their names, and whether missing occurs.
    private static func ranks(_ col: TextColumn) -> (rank: [Int32], used: [Int], missingUsed: Bool) {
        let missing = col.levels.count
        var seen = [Bool](repeating: false, count: missing + 1)
        for c in col.codes { seen[c < 0 ? missing : Int(c)] = true }
        let used = (0..<missing).filter { seen[$0] }.sorted { col.levels[$0] < col.levels[$1] }
        var rank = [Int32](repeating: 0, count: missing + 1)
        for (g, s) in used.enumerated() { rank[s] = Int32(g) }
        rank[missing] = Int32(used.count)
        return (rank, used, seen[missing])
    }

    /// Output group of event `i`.
    @inline(__always) func group(_ i: Int) -> Int32 {
        if codes.isEmpty { return 0 }
        let c = codes[i]
        return rank[c < 0 ? rank.count - 1 : Int(c)]
    }
}

import StatKit

/// One input file of a ``LayoffDataset``, for provenance.
public struct DatasetInput: Sendable, Equatable {
    /// What the file is (`events`, `fundamentals`, `aliases`).
    public var role: String
    /// Name shown in outputs (the path as given, or `Datasets/NAME (embedded)`).
    public var displayName: String
    /// Path on disk, or `nil` for embedded data.
    public var path: String?
    /// Bytes of embedded data (`nil` for files, which are hashed from disk).
    public var embeddedBytes: [UInt8]?
    /// Data rows read (header excluded).
    public var rows: Int
}

/// Everything the analyses need, loaded and joined once: events, optional fundamentals,
/// the join, the workforce behind each event, and a record of what was left out.
///
/// ```swift
/// let data = try LayoffDataset.load()              // the embedded default data
/// let ytd = try YearToDate(events: data.events, asOf: Day(parsing: "2024-04-03")!)
/// ```
public struct LayoffDataset: Sendable {
    /// Events as loaded.
    public var events: EventTable
    /// The events load result (problems, exclusions, duplicates).
    public var eventsLoad: EventLoadResult
    /// Fundamentals, when given.
    public var fundamentalsLoad: FundamentalsLoadResult?
    /// The join of events to fundamentals, when fundamentals are given.
    public var join: FundamentalsJoin?
    /// Workforce per event: from fundamentals when matched, else implied by cut ÷ fraction.
    public var workforce: Workforce
    /// Input files, for provenance.
    public var inputs: [DatasetInput]
    /// The company-name normaliser the join used: the built-in aliases and those of the
    /// aliases file, when one was given.
    public var companyNames = CompanyNames()

    /// Display name of the embedded events file.
    public static let embeddedEventsName = "Datasets/" + EmbeddedDatasets.techLayoffsFileName + " (embedded)"
    /// Display name of the embedded WARN notices (``EventFileLayout/warn`` with no file).
    public static let embeddedWARNName = "Datasets/" + EmbeddedDatasets.warnNoticesFileName + " (embedded)"
    /// Display name of the embedded fundamentals file.
    public static let embeddedFundamentalsName = "Datasets/" + EmbeddedDatasets.companyFundamentalsFileName + " (embedded)"

    /// Loads events and fundamentals.
    ///
    /// - Parameters:
    ///   - eventsPath: Events CSV; `nil` uses the embedded `Datasets/tech-layoffs.csv`, or
    ///     the embedded `Datasets/warn-notices.csv` when `eventOptions.layout` is
    ///     ``EventFileLayout/warn``.
    ///   - fundamentalsPath: Fundamentals CSV; `nil` uses the embedded
    ///     `Datasets/company-fundamentals.csv` when `eventsPath` is also `nil` and the
    ///     events are not WARN notices (`useEmbeddedFundamentals`), and no fundamentals
    ///     otherwise.
    ///   - aliasesPath: Extra company aliases (`alias,company`).
    ///   - eventOptions: Mapping, percent scale, skip-invalid and dedupe.
    ///   - fundamentalsOptions: Column mapping, fiscal year and skip-invalid of the
    ///     fundamentals file (the embedded one takes only skip-invalid).
    ///   - lag: Fiscal year joined = event year − lag.
    ///   - useEmbeddedFundamentals: Whether to load the embedded fundamentals when
    ///     `fundamentalsPath` is `nil` (default: only with the embedded layoffs.fyi events).
    ///   - displayName: Maps a path to the name shown in outputs.
    ///   - threads: With 2 or more, a fundamentals file loads on a second thread while the
    ///     events load, and a large events file is parsed in `threads` segments at once
    ///     (``EventLoader/load(path:options:threads:)``), and the events are joined to the
    ///     fundamentals in two halves at once; the result (and which error is thrown
    ///     first) is the same as with 1.
    public static func load(eventsPath: String? = nil, fundamentalsPath: String? = nil, aliasesPath: String? = nil,
                            eventOptions: EventLoadOptions = .init(), fundamentalsOptions: FundamentalsLoadOptions = .init(),
                            lag: Int = 0, useEmbeddedFundamentals: Bool? = nil,
                            displayName: (String) -> String = { $0 }, threads: Int = 1) throws(IngestError) -> LayoffDataset {
        try load(eventsFiles: eventsPath.map { [$0] } ?? [], fundamentalsPath: fundamentalsPath, aliasesPath: aliasesPath,
                 eventOptions: eventOptions, fundamentalsOptions: fundamentalsOptions, lag: lag,
                 useEmbeddedFundamentals: useEmbeddedFundamentals, displayName: displayName, threads: threads)
    }

    /// Loads events from one or more files (read as one table, in order, with the same
    /// header: ``EventLoader/load(paths:options:threads:)``) and fundamentals, as
    /// ``load(eventsPath:fundamentalsPath:aliasesPath:eventOptions:fundamentalsOptions:lag:useEmbeddedFundamentals:displayName:threads:)``
    /// does for one; no file (`[]`) loads the embedded events (the embedded WARN notices
    /// with ``EventFileLayout/warn``).
    public static func load(eventsFiles: [String], fundamentalsPath: String? = nil, aliasesPath: String? = nil,
                            eventOptions: EventLoadOptions = .init(), fundamentalsOptions: FundamentalsLoadOptions = .init(),
                            lag: Int = 0, useEmbeddedFundamentals: Bool? = nil,
                            displayName: (String) -> String = { $0 }, threads: Int = 1) throws(IngestError) -> LayoffDataset {
        var inputs: [DatasetInput] = []
        let fOptions = fundamentalsOptions
        let pendingFundamentals = threads > 1 ? fundamentalsPath.map { path in
            BackgroundWork { () -> Result<FundamentalsLoadResult, IngestError> in
                do throws(IngestError) { return .success(try FundamentalsLoader.load(path: path, options: fOptions)) } catch { return .failure(error) }
            }
        } : nil
        // Aliases are read first (the join needs them) but their errors are thrown where
        // they were before: after those of the events and the fundamentals.
        var names = CompanyNames()
        var aliasesError: IngestError?
        if let aliasesPath {
            do throws(IngestError) { try names.addAliases(csvFile: aliasesPath) } catch { aliasesError = error }
        }
        // With a fundamentals file on another thread, the events are joined to it while
        // their duplicates are searched (the join does not depend on them); the join is
        // the one made below otherwise.
        var earlyJoin: FundamentalsJoin?
        let joinAlongside: ((EventTable) -> Void)? = pendingFundamentals != nil && aliasesError == nil ? { [names] events in
            if case .success(let f) = pendingFundamentals!.wait() {
                earlyJoin = FundamentalsJoin(checked: events, fundamentals: f.fundamentals,
                                             options: JoinOptions(lag: lag, names: names), threads: threads)
            }
        } : nil
        let eventsLoad: EventLoadResult
        if eventsFiles.count > 1 {
            eventsLoad = try EventLoader.load(paths: eventsFiles, options: eventOptions, threads: threads)
            for f in eventsLoad.files {
                inputs.append(DatasetInput(role: "events", displayName: displayName(f.name), path: f.name, embeddedBytes: nil, rows: f.rows))
            }
        } else if let eventsPath = eventsFiles.first {
            eventsLoad = try EventLoader.load(path: eventsPath, options: eventOptions, threads: threads,
                                              tuning: SegmentTuning(), alongside: joinAlongside)
            inputs.append(DatasetInput(role: "events", displayName: displayName(eventsPath), path: eventsPath,
                                       embeddedBytes: nil, rows: eventsLoad.rowsRead))
        } else {
            let warn = eventOptions.layout == .warn
            let bytes = Array((warn ? EmbeddedDatasets.warnNotices : EmbeddedDatasets.techLayoffs).utf8)
            let name = warn ? embeddedWARNName : embeddedEventsName
            eventsLoad = try EventLoader.load(bytes: bytes, name: name, options: eventOptions)
            inputs.append(DatasetInput(role: "events", displayName: name, path: nil,
                                       embeddedBytes: bytes, rows: eventsLoad.rowsRead))
        }
        var fundamentalsLoad: FundamentalsLoadResult?
        if let fundamentalsPath {
            let f: FundamentalsLoadResult
            if let pendingFundamentals {
                switch pendingFundamentals.wait() {
                case .success(let r): f = r
                case .failure(let e): throw e
                }
            } else {
                f = try FundamentalsLoader.load(path: fundamentalsPath, options: fOptions)
            }
            fundamentalsLoad = f
            inputs.append(DatasetInput(role: "fundamentals", displayName: displayName(fundamentalsPath),
                                       path: fundamentalsPath, embeddedBytes: nil, rows: f.rowsRead))
        } else if useEmbeddedFundamentals ?? (eventsFiles.isEmpty && eventOptions.layout != .warn) {
            let bytes = Array(EmbeddedDatasets.companyFundamentals.utf8)
            let f = try FundamentalsLoader.load(bytes: bytes, name: embeddedFundamentalsName,
                                                options: FundamentalsLoadOptions(skipInvalid: fOptions.skipInvalid))
            fundamentalsLoad = f
            inputs.append(DatasetInput(role: "fundamentals", displayName: embeddedFundamentalsName, path: nil,
                                       embeddedBytes: bytes, rows: f.rowsRead))
        }
        if let aliasesPath {
            if let aliasesError { throw aliasesError }
            inputs.append(DatasetInput(role: "aliases", displayName: displayName(aliasesPath), path: aliasesPath,
                                       embeddedBytes: nil, rows: 0))
        }
        let events = eventsLoad.events
        var join: FundamentalsJoin?
        let workforce: Workforce
        if let f = fundamentalsLoad {
            let j = earlyJoin ?? FundamentalsJoin(checked: events, fundamentals: f.fundamentals,
                                                  options: JoinOptions(lag: lag, names: names), threads: threads)
            join = j
            workforce = j.workforce
            // The loader's company codes served the join; the dataset does not keep them.
            fundamentalsLoad?.fundamentals.companyCodes = nil
        } else {
            workforce = Workforce.implied(checked: events)
        }
        return LayoffDataset(events: events, eventsLoad: eventsLoad, fundamentalsLoad: fundamentalsLoad,
                             join: join, workforce: workforce, inputs: inputs, companyNames: names)
    }

    /// The dataset restricted to events announced on or before `day` (a report "as of"
    /// a date must not use later events). Load results and inputs are kept as they are.
    ///
    /// - Throws: what ``EventTable/validate()`` throws, and
    ///   ``AnalysisError/lengthMismatch(what:expected:actual:)`` when the workforce or the
    ///   join does not have one entry per event (the dataset's public fields were changed
    ///   by hand).
    public func through(_ day: Day) throws(AnalysisError) -> LayoffDataset {
        let events = try self.events.checked()
        try workforce.check(events: events.count)
        if let j = join {
            try j.workforce.check(events: events.count)
            for (name, count) in [("join row", j.row.count), ("join fiscalYear", j.fiscalYear.count)] where count != events.count {
                throw .lengthMismatch(what: name, expected: events.count, actual: count)
            }
        }
        guard events.day.contains(where: { $0 > day }) else { return self }
        let keep = events.day.indices.filter { events.day[$0] <= day }
        var d = self
        d.events = events.through(day, keeping: keep)
        d.workforce = workforce.selecting(keep)
        if let j = join {
            var jj = j
            jj.row = keep.map { j.row[$0] }
            jj.fiscalYear = keep.map { j.fiscalYear[$0] }
            jj.workforce = d.workforce
            d.join = jj
        }
        d.eventsAfterCutoff = events.count - keep.count
        return d
    }

    /// Events left out by ``through(_:)`` because they come after its date.
    public var eventsAfterCutoff = 0

    /// Plain-language notes on what was left out or could not be matched, in a stable
    /// order, for the data-quality sections of outputs. Empty when nothing was.
    public var qualityNotes: [String] {
        var notes: [String] = []
        let e = eventsLoad
        if eventsAfterCutoff > 0 {
            notes.append("\(eventsAfterCutoff) event(s) dated after the as-of date left out.")
        }
        if e.amendmentsDropped > 0 {
            notes.append("\(e.amendmentsDropped) amended notice(s) (is_amendment = 1) left out: their jobs repeat an earlier notice's (--amendments keep keeps them).")
        }
        if e.dateFallbacks > 0, let d = e.dateColumns {
            notes.append("\(e.dateFallbacks) of the \(e.events.count) events loaded dated by \(d.fallback) (\(d.chosen) empty; column date_source).")
        }
        if let d = e.exportDate {
            notes.append("Export date (latest first_seen): \(d).")
        }
        if e.excludedCount > 0 {
            let reasons = e.excludedByReason.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
            notes.append("\(e.excludedCount) of \(e.rowsRead) event rows left out (--skip-invalid): \(reasons.joined(separator: ", ")).")
        }
        if !e.duplicates.isEmpty {
            let lines = e.duplicates.prefix(5).map { "\(e.describe(line: $0.line)) repeats \(e.describe(line: $0.firstLine))" }
            notes.append("\(e.duplicates.count) exact duplicate event(s)"
                         + (e.duplicatesDropped > 0 ? ", dropped (--dedupe)" : ", kept (use --dedupe to drop)")
                         + ": " + lines.joined(separator: "; ") + (e.duplicates.count > 5 ? "; ..." : "") + ".")
        }
        if let f = fundamentalsLoad, f.problems.count > 0 || !f.excludedByReason.isEmpty {
            let n = f.excludedByReason.values.reduce(0, +)
            notes.append("\(n) fundamentals row(s) left out: " + f.excludedByReason.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ".")
        }
        let missingCut = events.cut.missingCount
        if missingCut > 0 { notes.append("\(missingCut) of \(events.count) events have no reported count (counted as events, not in cut totals).") }
        if let j = join {
            notes.append("\(j.matchedCount) of \(events.count) events matched a fundamentals row; \(j.unmatchedCount) did not"
                         + (j.unmatchedCompanyCount == 0 ? "." : " (\(j.unmatchedCompanyCount) companies, e.g. "
                            + j.unmatchedCompanies(top: 5).map { "\($0.company) (\($0.events))" }.joined(separator: ", ") + ")."))
        }
        return notes
    }
}

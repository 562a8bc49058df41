import Foundation
@testable import LayoffKit
import StatKit

/// A plain events loader written from ``EventLoader``'s documentation, to check it
/// against: one thread, one record at a time through `CSVReader` (tested on its own), every
/// value made a `String` and read with `Day(parsing:)`, `CSVValue.double` and
/// `CSVValue.groupedDouble`, text dictionary-encoded by `TextColumn.append` (`String`
/// equality), duplicates found through a dictionary of each row's values. No segments, no
/// staging, no fast paths.
enum ReferenceEventLoader {
    static let canonical = ["company", "location", "total_laid_off", "date", "percentage_laid_off", "industry",
                            "source", "stage", "funds_raised", "country", "date_added"]

    static func load(bytes: [UInt8], name: String, options: EventLoadOptions = .init()) throws(IngestError) -> EventLoadResult {
        guard options.percentScale == 1 || options.percentScale == 100 else {
            throw .invalidOptions("percent scale must be 1 (fractions) or 100 (percents), not \(options.percentScale)")
        }
        let reader = CSVReader(bytes: bytes, name: name)
        let header: [String]
        do { header = try reader.readHeader() } catch { throw .csv(error) }
        // Columns: a header written as the (mapped) name, else the one that matches it
        // lowercased, trimmed, with runs of spaces, `_` and `-` one `_`.
        func loose(_ s: String) -> String {
            let t = s.trimmingCharacters(in: .whitespaces).lowercased()
            return t.split(whereSeparator: { $0 == " " || $0 == "_" || $0 == "-" || $0 == "\t" }).joined(separator: "_")
        }
        for key in options.columnMapping.keys.sorted() where !canonical.contains(key) {
            throw .invalidOptions("column mapping: '\(key)' is not a known column; the known columns are: " + canonical.joined(separator: ", "))
        }
        var field: [String: Int] = [:]
        var missing: [(header: String, canonical: String)] = []
        for c in canonical {
            let wanted = options.columnMapping[c] ?? c
            var i = header.firstIndex(of: wanted)
            if i == nil {
                let matches = header.indices.filter { loose(header[$0]) == loose(wanted) }
                if matches.count > 1 { throw .ambiguousColumn(file: name, column: c, headers: matches.map { header[$0] }) }
                i = matches.first
            }
            if let i { field[c] = i } else if c == "company" || c == "date" || options.columnMapping[c] != nil { missing.append((wanted, c)) }
        }
        if !missing.isEmpty { throw .missingColumns(file: name, missing: missing, available: header) }
        let used = Set(field.values)
        let extras = header.indices.filter { !used.contains($0) }

        var problems: [DataProblem] = [], excluded: [String: Int] = [:], records = 0
        var t = EventTable()
        var source: [String?] = [], extraValues = [[String?]](repeating: [], count: extras.count)
        var keys: [String] = []
        func shown(_ b: ArraySlice<UInt8>) -> String {
            guard b.count > 200 else { return String(decoding: b, as: UTF8.self) }
            var end = b.startIndex + 100
            while end > b.startIndex && b[end] & 0xC0 == 0x80 { end -= 1 }
            return String(decoding: b[..<end], as: UTF8.self) + "…[\(b.count) bytes]"
        }
        do {
            while try reader.next() {
                records += 1
                let line = reader.recordLine
                let record = reader.record
                guard record.count == header.count else {
                    problems.append(DataProblem(file: name, line: line, column: 0, columnName: "", value: "",
                                                issue: "record has \(record.count) fields", expected: "\(header.count) as in the header",
                                                reason: "wrong field count"))
                    excluded["wrong field count", default: 0] += 1
                    continue
                }
                var rowProblems: [DataProblem] = []
                func problem(_ c: String, _ issue: String, _ expected: String, _ reason: String) {
                    let i = field[c]!
                    rowProblems.append(DataProblem(file: name, line: line, column: i + 1, columnName: header[i], value: shown(record[i]),
                                                   issue: issue, expected: expected, reason: reason))
                }
                func text(_ c: String) -> String? {
                    guard let i = field[c] else { return nil }
                    let v = CSVValue.trimmed(record[i])
                    return v.isEmpty ? nil : String(decoding: v, as: UTF8.self)
                }
                func isMissing(_ c: String) -> Bool {
                    guard let v = text(c) else { return true }
                    return v.lowercased() == "unknown"
                }
                let company = text("company")
                if company == nil { problem("company", "is missing", "a company name", "missing company") }
                let day = text("date").flatMap { Day(parsing: $0) }
                if day == nil {
                    if text("date") == nil {
                        problem("date", "is missing", "a date, M/D/YYYY or YYYY-MM-DD", "missing date")
                    } else {
                        problem("date", "is not a date", "M/D/YYYY or YYYY-MM-DD", "invalid date")
                    }
                }
                var cut: Double?
                if field["total_laid_off"] != nil && !isMissing("total_laid_off") {
                    let e = "a whole number of jobs ≥ 0 such as 16000 or 16,000"
                    if let v = CSVValue.groupedDouble(record[field["total_laid_off"]!]) {
                        if v < 0 { problem("total_laid_off", "is negative", e, "negative count") }
                        else if v.rounded() != v { problem("total_laid_off", "is not a whole number", e, "non-integer count") }
                        else { cut = v }
                    } else {
                        problem("total_laid_off", "is not a number", e, "invalid count")
                    }
                }
                var fraction: Double?
                if field["percentage_laid_off"] != nil && !isMissing("percentage_laid_off") {
                    let e = options.percentScale == 1 ? "a fraction between 0 and 1 (for percents, set the percent scale to 100)"
                        : "a percent between 0 and 100"
                    if let v = CSVValue.double(record[field["percentage_laid_off"]!]) {
                        let x = v / options.percentScale
                        if x < 0 || x > 1 { problem("percentage_laid_off", "is out of range", e, "fraction out of range") } else { fraction = x }
                    } else {
                        problem("percentage_laid_off", "is not a number", e, "invalid fraction")
                    }
                }
                var funds: Double?
                if field["funds_raised"] != nil && !isMissing("funds_raised") {
                    let e = "millions of US dollars ≥ 0 such as 1200, 1,200 or $1,200"
                    if let v = CSVValue.groupedDouble(record[field["funds_raised"]!], currency: true) {
                        if v < 0 { problem("funds_raised", "is negative", e, "negative funds") } else { funds = v }
                    } else {
                        problem("funds_raised", "is not a number", e, "invalid funds")
                    }
                }
                var added: Day?
                if field["date_added"] != nil && !isMissing("date_added") {
                    added = Day(parsing: text("date_added")!)
                    if added == nil { problem("date_added", "is not a date", "M/D/YYYY or YYYY-MM-DD", "invalid date_added") }
                }
                if let first = rowProblems.first {
                    problems += rowProblems
                    excluded[first.reason, default: 0] += 1
                    continue
                }
                t.company.append(company)
                t.location.append(text("location"))
                t.industry.append(text("industry"))
                t.stage.append(text("stage"))
                t.country.append(text("country"))
                source.append(text("source"))
                for (k, i) in extras.enumerated() {
                    let v = CSVValue.trimmed(record[i])
                    extraValues[k].append(v.isEmpty ? nil : String(decoding: v, as: UTF8.self))
                }
                t.day.append(day!)
                t.cut.append(cut)
                t.fraction.append(fraction)
                t.fundsRaised.append(funds)
                t.dateAdded.append(added)
                t.line.append(Int32(line))
                // Text as `String`s (canonically equivalent spellings equal), numbers by bits.
                var key = [company, text("location"), text("industry"), text("source"), text("stage"), text("country")]
                    .map { $0.map { $0.decomposedForKey } ?? "\u{0}" }
                key += extras.indices.map { extraValues[$0].last!.map { $0.decomposedForKey } ?? "\u{0}" }
                key += [String(day!.number), added.map { String($0.number) } ?? "-"]
                key += [cut, fraction, funds].map { $0.map { String($0.bitPattern) } ?? "-" }
                keys.append(key.joined(separator: "\u{1}"))
            }
        } catch {
            throw .csv(error)
        }
        if !problems.isEmpty && !options.skipInvalid { throw .invalidData(file: name, problems: problems) }
        t.source = StringColumn(source)
        t.extra = extras.indices.map { (name: header[extras[$0]], values: StringColumn(extraValues[$0])) }
        var first: [String: Int] = [:], duplicates: [DuplicateEvent] = [], keep: [Int] = []
        for (r, k) in keys.enumerated() {
            if let f = first[k] {
                duplicates.append(DuplicateEvent(line: Int(t.line[r]), firstLine: Int(t.line[f])))
            } else {
                first[k] = r
                keep.append(r)
            }
        }
        if options.dedupe { t = t.selecting(keep) }
        return EventLoadResult(file: name, events: t, problems: problems, excludedByReason: excluded, duplicates: duplicates,
                               duplicatesDropped: options.dedupe ? keys.count - keep.count : 0, rowsRead: records)
    }
}

extension String {
    /// The canonical decomposition, so that equal `String`s make equal dictionary keys
    /// whatever their spelling.
    var decomposedForKey: String { decomposedStringWithCanonicalMapping }
}

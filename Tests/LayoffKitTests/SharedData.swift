// TEMPORARY TEST LOADER — to be replaced by the real events loader after merge.
//
// A minimal reader of the layoffs.fyi export used only by the reference tests, written while
// the real ingest code is developed in parallel. Keep the signature of
// `loadSharedLayoffsFYI()`; swap the body for a call to the real loader when it lands.
import Foundation
import LayoffKit
import StatKit

/// Error of the temporary loader, with the 1-based physical line.
struct SharedDataError: Error, CustomStringConvertible {
    var line: Int
    var message: String
    var description: String { "layoffs-fyi-2020-2026.csv:\(line): \(message)" }
}

/// Repository root (the directory holding Package.swift), from this file's path.
let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// `../shared/datasets/layoffs-fyi-2020-2026.csv` next to the repository.
let sharedLayoffsFYIPath: String = repositoryRoot.deletingLastPathComponent()
    .appendingPathComponent("shared/datasets/layoffs-fyi-2020-2026.csv").path

/// The layoffs.fyi reference export as an ``EventTable``, or `nil` when `../shared` is absent.
///
/// Handles RFC 4180 quoting (commas, doubled quotes and newlines inside quotes), `M/D/YYYY`
/// and ISO dates, counts like `16000.0`, fractions and empty (missing) values; records each
/// event's physical starting line (header = line 1).
func loadSharedLayoffsFYI() throws -> EventTable? {
    guard let data = FileManager.default.contents(atPath: sharedLayoffsFYIPath) else { return nil }
    let records = parseCSV(Array(data))
    guard let header = records.first else { return EventTable() }
    let names = header.fields
    func col(_ n: String) throws -> Int {
        guard let i = names.firstIndex(of: n) else { throw SharedDataError(line: 1, message: "no column \(n)") }
        return i
    }
    let iCompany = try col("company"), iLocation = try col("location"), iCut = try col("total_laid_off")
    let iDate = try col("date"), iFraction = try col("percentage_laid_off"), iIndustry = try col("industry")
    let iSource = try col("source"), iStage = try col("stage"), iFunds = try col("funds_raised")
    let iCountry = try col("country"), iAdded = try col("date_added")
    let known: Set<Int> = [iCompany, iLocation, iCut, iDate, iFraction, iIndustry, iSource, iStage, iFunds, iCountry, iAdded]
    let extraIndices = names.indices.filter { !known.contains($0) }
    var extra = extraIndices.map { (name: names[$0], values: TextColumn()) }

    var t = EventTable()
    for rec in records.dropFirst() {
        if rec.fields.count == 1 && rec.fields[0].isEmpty { continue }  // blank line
        guard rec.fields.count == names.count else {
            throw SharedDataError(line: rec.line, message: "\(rec.fields.count) fields, expected \(names.count)")
        }
        let f = rec.fields
        func text(_ i: Int) -> String? { f[i].isEmpty ? nil : f[i] }
        func number(_ i: Int) throws -> Double? {
            if f[i].isEmpty { return nil }
            guard let v = Double(f[i]), v.isFinite else {
                throw SharedDataError(line: rec.line, message: "not a number: '\(f[i])' in \(names[i])")
            }
            return v
        }
        guard let day = Day(parsing: f[iDate]) else {
            throw SharedDataError(line: rec.line, message: "invalid date '\(f[iDate])'")
        }
        t.company.append(text(iCompany)); t.location.append(text(iLocation)); t.day.append(day)
        t.cut.append(try number(iCut)); t.fraction.append(try number(iFraction))
        t.industry.append(text(iIndustry)); t.source.append(text(iSource)); t.stage.append(text(iStage))
        t.fundsRaised.append(try number(iFunds)); t.country.append(text(iCountry))
        t.dateAdded.append(f[iAdded].isEmpty ? nil : Day(parsing: f[iAdded]))
        t.line.append(Int32(rec.line))
        for (k, i) in extraIndices.enumerated() { extra[k].values.append(text(i)) }
    }
    t.extra = extra
    return t
}

/// Splits CSV bytes into records (fields plus the physical line each record starts on).
private func parseCSV(_ b: [UInt8]) -> [(line: Int, fields: [String])] {
    var out: [(line: Int, fields: [String])] = []
    var fields: [String] = [], field: [UInt8] = []
    var line = 1, recordLine = 1, i = 0, inQuotes = false
    let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
    func endField() { fields.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true) }
    while i < b.count {
        let c = b[i]
        if inQuotes {
            if c == quote {
                if i + 1 < b.count && b[i + 1] == quote { field.append(quote); i += 1 } else { inQuotes = false }
            } else {
                if c == lf { line += 1 }
                field.append(c)
            }
        } else if c == quote {
            inQuotes = true
        } else if c == comma {
            endField()
        } else if c == lf || c == cr {
            if c == cr && i + 1 < b.count && b[i + 1] == lf { i += 1 }
            endField(); out.append((recordLine, fields)); fields = []
            line += 1; recordLine = line
        } else {
            field.append(c)
        }
        i += 1
    }
    if !field.isEmpty || !fields.isEmpty { endField(); out.append((recordLine, fields)) }
    return out
}

import Testing
import StatKit
@testable import LayoffKit

/// Inputs that crashed or misbehaved under the loaders' fuzz target in Fuzz/ (or were
/// found while writing it), kept so they never come back.
@Suite struct FuzzRegressionLayoffKit {
    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// Found writing the loaders target: the same company or location written
    /// precomposed and decomposed (NFC and NFD) stopped the program in
    /// TextColumnInterner. Both spellings are one level (Swift String equality), so the
    /// rows are exact duplicates.
    @Test func nfcAndNfdCompanyNames() throws {
        let csv = "company,date,location\nCaf\u{E9},2024-01-01,Z\u{FC}rich\nCafe\u{301},2024-01-01,Zu\u{308}rich\n\u{212A}a,2024-01-02,x\nKa,2024-01-02,x\n"
        let r = try EventLoader.load(bytes: bytes(csv), name: "e.csv")
        #expect(r.events.count == 4)
        #expect(r.events.company.levels.count == 2)
        #expect(r.events.location.levels.count == 2)
        #expect(r.duplicates == [DuplicateEvent(line: 3, firstLine: 2), DuplicateEvent(line: 5, firstLine: 4)])
        let d = try EventLoader.load(bytes: bytes(csv), name: "e.csv", options: .init(dedupe: true))
        #expect(d.events.count == 2)
    }

    /// The same in extra (non-canonical) columns.
    @Test func nfcAndNfdExtraColumn() throws {
        let csv = "company,date,region\nA,2024-01-01,\u{C5}land\nB,2024-01-01,A\u{30A}land\nC,2024-01-01,\u{212B}land\n"
        let r = try EventLoader.load(bytes: bytes(csv), name: "e.csv")
        #expect(r.events.extra.count == 1)
        #expect(r.events.extra[0].values.dictionaryEncoded.codes == [0, 0, 0])
    }

    /// Found by the bad-input corpus: year-over-year on an event dated in 9999 crashed
    /// (the following period starts in year 10000).
    @Test func yearOverYearAtYear9999() throws {
        let r = try EventLoader.load(bytes: bytes("company,date,total_laid_off\nA,12/31/9999,10\nB,1/1/9998,5\n"), name: "e.csv")
        for unit in [PeriodUnit.month, .quarter, .year] {
            let y = try YearOverYear(events: r.events, unit: unit)
            #expect(!y.rows.isEmpty)
        }
    }
}

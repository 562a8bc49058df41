import Foundation
import Testing
import LayoffKit

/// The datasets compiled into the library must be byte-identical to `Datasets/`
/// (regenerate with `python3 scripts/embed_datasets.py`).
@Suite struct EmbeddedDatasetsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: [
        (EmbeddedDatasets.techLayoffsFileName, EmbeddedDatasets.techLayoffs),
        (EmbeddedDatasets.companyFundamentalsFileName, EmbeddedDatasets.companyFundamentals),
        (EmbeddedDatasets.warnNoticesFileName, EmbeddedDatasets.warnNotices),
    ])
    func embeddedMatchesDatasetsFolder(name: String, embedded: String) throws {
        let onDisk = try Data(contentsOf: Self.root.appendingPathComponent("Datasets").appendingPathComponent(name))
        #expect(Array(onDisk) == Array(embedded.utf8), "Datasets/\(name) changed: run python3 scripts/embed_datasets.py")
    }
}

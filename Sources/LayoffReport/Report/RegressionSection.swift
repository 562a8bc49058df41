import StatKit
import LayoffKit

extension ReportBuilder {
    /// The cut-size regression section (filled in when the regression engine lands).
    static func regressionSection(data: LayoffDataset, settings: RegressionSettings, options: ReportOptions,
                                  figures: inout [(name: String, svg: String)]) -> String {
        ""
    }
}

import StatKit
import LayoffKit

extension ReportOptions {
    /// The events' columns a report with these options reads, by canonical name: company,
    /// date, the count and percentage, the group column, and with the regression section
    /// the columns its formula names and the industry (the count model's industry
    /// effects). Load the events with `EventLoadOptions.columns` set to it and the
    /// others are checked but hold no values: `source` alone is most of an export's bytes.
    ///
    /// A formula that does not parse keeps every column a formula may name, so that the
    /// regression section reports the formula's error, not a missing column.
    public var eventColumns: Set<String> {
        var columns: Set<String> = ["company", "date", "total_laid_off", "percentage_laid_off", groupBy]
        if let regression {
            columns.insert("industry")
            if let named = try? Formula(regression.formula).columnsUsed {
                columns.formUnion(named)
            } else {
                columns.formUnion(["country", "stage", "funds_raised"])
            }
        }
        return columns
    }
}

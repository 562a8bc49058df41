// libFuzzer target: the model-formula parser, the design builder and the fit
// (see Fuzz/README.md).
//
// Every input is parsed as a formula (Formula(_:)); a formula that parses must parse
// again from its description to an equal formula. It is then built into a DesignMatrix
// on a small fixed table (numeric y, x, a, b, employees, cut, growth; text g; numeric
// n with few values) and fitted (classical, then HC3 and cluster by g without a refit):
// each must return a result or throw a RegressionError.
import StatKit

/// The table is built for every input rather than kept in a global: LeakSanitizer cannot
/// follow pointers that Swift packs into multi-payload enums (DataTable's columns), so a
/// global table shows up as a leak at exit.
private func makeTable() -> DataTable {
    let csv = """
    y,x,a,b,g,n,employees,cut,growth
    1.5,1,2,0.5,a,1,100,10,1.5
    2.5,2,3,0.25,b,2,200,0,-2
    3.0,3,NA,1,c,3,300,5,0
    4.25,4,5,2,a,1,,7,3.5
    0.5,0,6,3,b,2,50,1,10
    -1,5,7,4,c,3,80,2,-7.5
    2,6,8,5,a,10,90,3,2
    7,7,9,6,b,1,1000,100,1

    """
    do { return try DataTable(csvBytes: Array(csv.utf8), name: "table.csv") } catch { fatalError("\(error)") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: count), as: UTF8.self)
    let formula: Formula
    do {
        formula = try Formula(text)
    } catch {
        _ = error.description
        return 0
    }
    _ = formula.columnsUsed
    do {
        let again = try Formula(formula.description)
        precondition(again == formula, "\(formula.description) parses to \(again.description)")
    } catch {
        preconditionFailure("the description \(formula.description) of \(text) does not parse: \(error)")
    }
    let table = makeTable()
    do {
        let frame = try DesignMatrix(formula, data: table)
        _ = frame.termNames
    } catch {
        _ = error.description
    }
    do {
        let fit = try LinearModel.fit(text, data: table, options: .init(blockRows: 3))
        _ = fit.summary()
        _ = try? fit.with(covariance: .hc3)
        _ = try? fit.with(covariance: .cluster("g"))
    } catch {
        _ = error.description
    }
    return 0
}

import _CLapack
import _CRmath

/// Versions of the native libraries StatKit links, for provenance lines in reports.
public enum NativeLibraries {
    /// OpenBLAS build configuration string (`openblas_get_config`).
    public static var openBLASConfig: String {
        guard let p = openblas_get_config() else { return "unknown" }
        return String(cString: p)
    }
}

@usableFromInline
func _nativeSmoke() -> Double {
    var x: [Double] = [1, 2, 3]
    let d = cblas_ddot(3, &x, 1, &x, 1)
    return d + pt(0, 10, 1, 0)
}

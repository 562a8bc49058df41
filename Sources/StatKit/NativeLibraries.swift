import _CLapack

/// Facts about the native libraries StatKit links, for provenance lines in reports.
public enum NativeLibraries {
    /// OpenBLAS build configuration string (`openblas_get_config`).
    public static var openBLASConfig: String {
        guard let p = openblas_get_config() else { return "unknown" }
        return String(cString: p)
    }

    /// Sets the number of threads OpenBLAS uses (1 keeps results independent of
    /// thread timing and avoids oversubscription when callers run their own tasks).
    public static func setBLASThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }
}

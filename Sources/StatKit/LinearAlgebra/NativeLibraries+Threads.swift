import _CLapack

extension NativeLibraries {
    /// The number of threads OpenBLAS currently uses (`openblas_get_num_threads`), so a
    /// caller that sets it with ``setBLASThreads(_:)`` for a while can restore it.
    public static var blasThreads: Int { Int(openblas_get_num_threads()) }
}

import _CLapack
#if canImport(Glibc)
import Glibc
#endif

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

    /// Stops the worker threads a threaded OpenBLAS started when it was loaded, once
    /// ``setBLASThreads(_:)`` has set one thread; returns whether it did.
    ///
    /// OpenBLAS's pthreads build starts its workers before `main` and lets each one spin on
    /// `sched_yield` for about 2²⁸ cycles before sleeping. Setting one thread does not stop
    /// them: in the `layoffs report` at 10⁶ events the spinning took 8–22 ms of CPU from the
    /// parse threads in the first 35 ms. This calls OpenBLAS's own shutdown
    /// (`blas_thread_shutdown_`, looked up at run time: serial and OpenMP builds may lack it,
    /// and then nothing happens). With one thread no BLAS or LAPACK call hands work to a
    /// worker; should one ever want more, OpenBLAS starts its workers again on demand.
    ///
    /// Call it only while no other thread is inside BLAS or LAPACK (at program start): a
    /// call in flight on another thread could be left waiting for a worker that is gone.
    @discardableResult
    public static func stopIdleBLASWorkers() -> Bool {
        #if canImport(Glibc)
        guard openblas_get_num_threads() == 1,
              let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "blas_thread_shutdown_") else { return false }
        typealias Shutdown = @convention(c) () -> Int32
        _ = unsafeBitCast(symbol, to: Shutdown.self)()
        return true
        #else
        return false
        #endif
    }
}

import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A computation started on another thread, whose result is collected with ``wait()``.
///
/// Used to overlap independent, deterministic pieces of work (loading the fundamentals
/// while the events load, hashing inputs for provenance, one report section while
/// another is built). Results never depend on thread timing: each piece computes the
/// same value it would compute alone, and the caller combines them in a fixed order.
public final class BackgroundWork<T: Sendable>: @unchecked Sendable {
    private let group = DispatchGroup()
    // Written once by the worker before `group.leave()`, read after `group.wait()`.
    private var result: T?

    /// Starts `body` on a thread of its own, now.
    ///
    /// Not on the global concurrent queue: its pool runs as many items at once as there
    /// are cores and starts the rest in order, so a piece queued behind long ones (the
    /// inputs' digest, the fundamentals load) would wait for them while the thread that
    /// needs it sits idle. Each piece gets its own serial queue, which libdispatch serves
    /// at once, and the system shares the cores between all of them.
    public init(_ body: @escaping @Sendable () -> T) {
        group.enter()
        DispatchQueue(label: "LayoffStats.BackgroundWork").async { [self] in
            result = body()
            group.leave()
        }
    }

    /// Waits for the computation and returns its result.
    public func wait() -> T {
        group.wait()
        return result!
    }
}

/// Number of threads worth using by default: 2 on a machine with at least two cores
/// (the work that overlaps comes in pairs), else 1. `LAYOFFS_THREADS=1` (or any
/// number) overrides it.
public func defaultThreadCount() -> Int {
    if let s = getenv("LAYOFFS_THREADS"), let n = Int(String(cString: s)), n >= 1 { return n }
    return sysconf(Int32(_SC_NPROCESSORS_ONLN)) > 1 ? 2 : 1
}

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
    ///
    /// With `niceness` (Linux), the piece gets a new thread that runs at that nice value (a
    /// lower scheduling priority, unless the process's is lower already): for work that can
    /// finish late without delaying anything (the inputs' digest, needed only when the
    /// report's provenance is written). While every core is busy the scheduler gives it a
    /// smaller share, so the work others wait for (parsing) gets more; when a core would
    /// idle, it runs at full speed. A thread of its own, as an unprivileged thread cannot
    /// raise its priority back for a next piece. Elsewhere, or if the thread cannot be
    /// made, `niceness` is ignored.
    public init(niceness: Int32? = nil, _ body: @escaping @Sendable () -> T) {
        group.enter()
        let start = ThreadStart(niceness: niceness) { [self] in
            result = body()
            group.leave()
        }
        if !start.runOnThreadOfItsOwn() {
            // A pool thread is shared with later pieces: it keeps its priority.
            DispatchQueue(label: "LayoffStats.BackgroundWork").async { start.body() }
        }
    }

    /// Waits for the computation and returns its result.
    public func wait() -> T {
        group.wait()
        return result!
    }
}

/// A piece of ``BackgroundWork``: its closure and the nice value it asked for.
private final class ThreadStart: @unchecked Sendable {
    let niceness: Int32?
    let body: () -> Void
    init(niceness: Int32?, _ body: @escaping () -> Void) {
        self.niceness = niceness
        self.body = body
    }

    /// Runs the closure at the nice value, on the thread of its own made for it.
    func run() {
        #if os(Linux)
        if let niceness { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness) }  // this thread only
        #endif
        body()
    }

    /// With a nice value on Linux, starts a detached thread that runs the closure; `false`
    /// (nothing started) otherwise or if the thread cannot be made.
    func runOnThreadOfItsOwn() -> Bool {
        #if os(Linux)
        guard niceness != nil else { return false }
        let box = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let made = pthread_create(&thread, nil, { arg in
            Unmanaged<ThreadStart>.fromOpaque(arg!).takeRetainedValue().run()
            return nil
        }, box)
        guard made == 0 else {
            Unmanaged<ThreadStart>.fromOpaque(box).release()
            return false
        }
        pthread_detach(thread)
        return true
        #else
        return false
        #endif
    }
}

/// Number of threads worth using by default: 2 on a machine with at least two cores
/// (the work that overlaps comes in pairs), else 1. `LAYOFFS_THREADS=1` (or any
/// number) overrides it.
public func defaultThreadCount() -> Int {
    if let s = getenv("LAYOFFS_THREADS"), let n = Int(String(cString: s)), n >= 1 { return n }
    return sysconf(Int32(_SC_NPROCESSORS_ONLN)) > 1 ? 2 : 1
}

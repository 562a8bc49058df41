import ArgumentParser
import StatKit
#if canImport(Glibc)
import Glibc
import _CMalloc
#endif

// The designs the CLI fits are tall and narrow (a handful of columns), where OpenBLAS's
// own threads gain nothing and their spinning competes with the tool's threads: one BLAS
// thread unless OPENBLAS_NUM_THREADS says otherwise.
// Its workers, started when the library was loaded, would otherwise spin for a while
// beside the tool's own threads (NativeLibraries.stopIdleBLASWorkers).
if getenv("OPENBLAS_NUM_THREADS") == nil {
    NativeLibraries.setBLASThreads(1)
    NativeLibraries.stopIdleBLASWorkers()
}

#if canImport(Glibc)
// glibc raises its mmap threshold to the size of each large block freed (up to 32 MiB),
// after which per-event work arrays of a few MiB (group keys, sweep records, residuals)
// come from the heap and stay resident after they are freed. A fixed 1 MiB threshold
// returns them to the system: at 10⁶ events the report's peak RSS goes from ≈ 167 to
// ≈ 148 MiB (Benchmarks/README.md). MALLOC_MMAP_THRESHOLD_ in the environment wins.
if getenv("MALLOC_MMAP_THRESHOLD_") == nil { _ = mallopt(M_MMAP_THRESHOLD, 1 << 20) }
// A fixed mmap threshold also freezes the trim threshold at glibc's 128 KiB: every block
// buffer freed at the top of the heap went back to the system and was faulted in again by
// the next block (a wide regression at 10⁶ rows: 444,000 page faults, a third of its time
// in the kernel). 8 MiB keeps a few blocks' worth in the heap: 64,000 faults, and the
// report's peak grows by ≈ 2 MiB. MALLOC_TRIM_THRESHOLD_ in the environment wins.
if getenv("MALLOC_TRIM_THRESHOLD_") == nil { _ = mallopt(M_TRIM_THRESHOLD, 8 << 20) }
// One arena for all threads. Each thread that allocates otherwise gets an arena of its
// own (up to 8 per core), and the memory a thread frees at the top of its arena is given
// back to the system and faulted in again by the next block it allocates: the
// regression's block arrays (64–256 KiB each, built on other threads) were refaulted
// ≈ 18,000 times per report at 10⁶ events. The hot loops do not allocate, so the shared
// lock costs nothing measurable. MALLOC_ARENA_MAX in the environment wins.
if getenv("MALLOC_ARENA_MAX") == nil { _ = mallopt(M_ARENA_MAX, 1) }
#endif

// Entry point: parse, run, and map failures to sysexits codes with a message on stderr.
do {
    try RepeatedOptions.check(root: LayoffsCommand.self, arguments: Array(CommandLine.arguments.dropFirst()))
    var command = try LayoffsCommand.parseAsRoot()
    try command.run()
} catch let error as CLIError {
    printError(error.message)
    exit(error.code)
} catch {
    LayoffsCommand.exit(withError: error)
}

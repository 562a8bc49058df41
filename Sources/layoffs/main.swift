import ArgumentParser
import StatKit
#if canImport(Glibc)
import Glibc
#endif

// The designs the CLI fits are tall and narrow (a handful of columns), where OpenBLAS's
// own threads gain nothing and their spinning competes with the tool's threads: one BLAS
// thread unless OPENBLAS_NUM_THREADS says otherwise.
if getenv("OPENBLAS_NUM_THREADS") == nil { NativeLibraries.setBLASThreads(1) }

// Entry point: parse, run, and map failures to sysexits codes with a message on stderr.
do {
    var command = try LayoffsCommand.parseAsRoot()
    try command.run()
} catch let error as CLIError {
    printError(error.message)
    exit(error.code)
} catch {
    LayoffsCommand.exit(withError: error)
}

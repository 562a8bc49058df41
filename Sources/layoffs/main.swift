import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

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

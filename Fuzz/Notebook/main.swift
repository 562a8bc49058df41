// libFuzzer target: the notebook parser and the command-line splitter
// (see Fuzz/README.md).
//
// Every input is parsed as a notebook (NotebookDocument(bytes:file:)); every block
// command must be non-empty. Every physical line of the input is also split on its own
// with NotebookCommandLine.split, which must either return words or throw a SyntaxError.
import LayoffReport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: count))
    do {
        let doc = try NotebookDocument(bytes: bytes, file: "fuzz.md")
        var previous = 0
        for block in doc.blocks {
            precondition(block.line > previous, "blocks out of order")
            previous = block.line
            for c in block.commands {
                precondition(c.line >= block.line, "command before its block")
            }
        }
    } catch {
        _ = error.description
    }
    for line in bytes.split(separator: 10, omittingEmptySubsequences: false) {
        do {
            _ = try NotebookCommandLine.split(String(decoding: line, as: UTF8.self))
        } catch {
            _ = error.message
        }
    }
    return 0
}

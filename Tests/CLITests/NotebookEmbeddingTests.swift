import Foundation
import Testing

/// Notebooks-md/03-embedding-the-library.md shows Examples/Embedding/main.swift and its
/// output; both must stay true.
@Suite struct NotebookEmbeddingTests {
    static let notebook = CLI.packageRoot.appendingPathComponent("Notebooks-md/03-embedding-the-library.md")
    static let source = CLI.packageRoot.appendingPathComponent("Examples/Embedding/main.swift")

    /// The body of the first fenced block whose info string is `info` after `marker`.
    static func block(_ text: String, info: String, after marker: String? = nil) -> String? {
        var rest = Substring(text)
        if let marker, let r = rest.range(of: marker) { rest = rest[r.upperBound...] }
        guard let open = rest.range(of: "```" + info + "\n") else { return nil }
        let body = rest[open.upperBound...]
        guard let close = body.range(of: "\n```\n") else { return nil }
        return String(body[..<close.lowerBound]) + "\n"
    }

    @Test func shownCodeIsTheExampleFile() throws {
        let text = try String(contentsOf: Self.notebook, encoding: .utf8)
        let shown = try #require(Self.block(text, info: "swift", after: "## A short program"))
        #expect(shown == (try String(contentsOf: Self.source, encoding: .utf8)))
    }

    @Test func shownOutputIsWhatTheExamplePrints() throws {
        let text = try String(contentsOf: Self.notebook, encoding: .utf8)
        let shown = try #require(Self.block(text, info: "text", after: "Output:"))
        let exe = CLI.binary.deletingLastPathComponent().appendingPathComponent("embedding-example")
        let p = Process()
        p.executableURL = exe
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(String(decoding: out, as: UTF8.self) == shown)
    }
}

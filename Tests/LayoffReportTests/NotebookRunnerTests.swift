import Foundation
import Testing
import LayoffReport

@Suite struct NotebookRunnerTests {
    let fence = "```"

    @Test func insertsOutputAfterEachLayoffsBlockOnly() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("nb.md", """
        # Report

        \(fence)layoffs
        summary
        \(fence)

        Some text.  \t

        \(fence)sh
        layoffs yoy
        \(fence)

        \(fence)layoffs
        yoy --by industry
        rolling
        \(fence)
        Tail
        """ + "\n")
        let executor = FakeExecutor()
        let summary = try NotebookRunner(executor: executor, datasetsDirectory: nil).run(notebookAt: path)
        #expect(summary == NotebookRunSummary(notebookChanged: true, filesWritten: [], blockCount: 2))
        #expect(executor.calls == [["summary"], ["yoy", "--by", "industry"], ["rolling"]])
        #expect(folder.read("nb.md") == """
        # Report

        \(fence)layoffs
        summary
        \(fence)
        <!-- layoffs:output -->
        ran `summary`
        <!-- layoffs:end -->

        Some text.  \t

        \(fence)sh
        layoffs yoy
        \(fence)

        \(fence)layoffs
        yoy --by industry
        rolling
        \(fence)
        <!-- layoffs:output -->
        ran `yoy|--by|industry`

        ran `rolling`
        <!-- layoffs:end -->
        Tail
        """ + "\n")
    }

    @Test func replacesExistingSectionsAndKeepsTheRest() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("nb.md", """
        \(fence)layoffs
        summary
        \(fence)

        <!-- layoffs:output -->
        stale line 1
        stale line 2
        <!-- layoffs:end -->
        after
        <!-- layoffs:output -->
        not after a block: kept
        <!-- layoffs:end -->
        """)
        try NotebookRunner(executor: FakeExecutor(), datasetsDirectory: nil).run(notebookAt: path)
        #expect(folder.read("nb.md") == """
        \(fence)layoffs
        summary
        \(fence)

        <!-- layoffs:output -->
        ran `summary`
        <!-- layoffs:end -->
        after
        <!-- layoffs:output -->
        not after a block: kept
        <!-- layoffs:end -->
        """)
    }

    @Test func runningTwiceGivesTheSameBytes() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("nb.md", "intro\n\(fence)layoffs\nsummary\nplot a.svg A\n\(fence)\n\n~~~layoffs\nrolling\n~~~")
        let runner = NotebookRunner(executor: FakeExecutor(), datasetsDirectory: nil)
        try runner.run(notebookAt: path)
        let first = folder.snapshot()
        let second = try runner.run(notebookAt: path)
        #expect(second == NotebookRunSummary(notebookChanged: false, filesWritten: [], blockCount: 2))
        #expect(folder.snapshot() == first)
        #expect(try runner.check(notebookAt: path).isUpToDate)
    }

    @Test func crlfAndMissingFinalNewlineArePreserved() throws {
        let folder = try TemporaryFolder()
        let original = "Title  \r\n\r\nlf line\n\(fence)layoffs\r\nsummary\r\nraw 'l1\\nl2\\r\\n\\n'\r\n\(fence)"
        let path = try folder.write("nb.md", original)
        let runner = NotebookRunner(executor: FakeExecutor(), datasetsDirectory: nil)
        try runner.run(notebookAt: path)
        let expected = original + "\r\n"
            + "<!-- layoffs:output -->\r\nran `summary`\r\n\r\nl1\r\nl2\r\n<!-- layoffs:end -->"
        #expect(folder.read("nb.md") == expected)
        try runner.run(notebookAt: path)
        #expect(folder.read("nb.md") == expected)
    }

    @Test func textOutsideMarkersIsByteExact() throws {
        let folder = try TemporaryFolder()
        // Invalid UTF-8, tabs, trailing blanks, a lone CR, mixed endings: all kept.
        var bytes: [UInt8] = [0xFF, 0xFE, 0x20, 0x0A]
        bytes += Array("\ttab \r\nlone\rcr\n\(fence)layoffs\nsummary\n\(fence)\n\n\n  end  ".utf8)
        let path = folder.url("nb.md")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try NotebookRunner(executor: FakeExecutor(), datasetsDirectory: nil).run(notebookAt: path)
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let section = Array("<!-- layoffs:output -->\nran `summary`\n<!-- layoffs:end -->\n".utf8)
        let split = bytes.count - "\n\n  end  ".utf8.count
        #expect(written == Array(bytes[..<split]) + section + Array(bytes[split...]))
    }

    @Test func failingCommandLeavesEverythingUnchanged() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("nb.md", """
        \(fence)layoffs
        plot a.svg new
        \(fence)
        <!-- layoffs:output -->
        old
        <!-- layoffs:end -->

        \(fence)layoffs
        summary
        fail --now
        \(fence)
        """)
        try folder.write("nb_files/a.svg", "<svg>old</svg>")
        let before = folder.snapshot()
        let executor = FakeExecutor()
        let error = #expect(throws: NotebookError.self) {
            try NotebookRunner(executor: executor, datasetsDirectory: nil).run(notebookAt: path)
        }
        #expect(error?.kind == .commandFailed)
        #expect(error?.block == 2 && error?.line == 10)
        #expect(error?.description == "\(path):10: block 2: `fail --now` failed: simulated failure")
        #expect(executor.calls == [["plot", "a.svg", "new"], ["summary"], ["fail", "--now"]])
        #expect(folder.snapshot() == before)
    }

    @Test func figuresAreWrittenAndLinked() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("my notes.md", "\(fence)layoffs\nplot yoy.svg A\nlinked chart.svg\n\(fence)\n")
        let summary = try NotebookRunner(executor: FakeExecutor(), datasetsDirectory: nil).run(notebookAt: path)
        #expect(summary.filesWritten == ["my notes_files/yoy.svg", "my notes_files/chart.svg"])
        #expect(folder.read("my notes_files/yoy.svg") == "<svg>A</svg>")
        #expect(folder.read("my notes_files/chart.svg") == "<svg/>")
        #expect(folder.read("my notes.md") == """
        \(fence)layoffs
        plot yoy.svg A
        linked chart.svg
        \(fence)
        <!-- layoffs:output -->
        Plot A

        ![yoy.svg](my%20notes_files/yoy.svg)

        See ![chart](my%20notes_files/chart.svg)
        <!-- layoffs:end -->
        """ + "\n")
    }

    @Test func contextDescribesTheCommand() throws {
        let folder = try TemporaryFolder()
        try folder.mkdir("Datasets")
        let path = try folder.write("docs/nb.md", "x\n\(fence)layoffs\nsummary\n\(fence)\n\(fence)layoffs\n\nyoy\n\(fence)\n")
        let executor = FakeExecutor()
        try NotebookRunner(executor: executor, datasetsDirectory: folder.url("Datasets")).run(notebookAt: path)
        #expect(executor.contexts == [
            NotebookContext(
                notebookPath: path, notebookDirectory: folder.url("docs"), datasetsDirectory: folder.url("Datasets"),
                figuresDirectory: folder.url("docs/nb_files"), figuresLink: "nb_files",
                blockIndex: 1, blockLine: 2, line: 3),
            NotebookContext(
                notebookPath: path, notebookDirectory: folder.url("docs"), datasetsDirectory: folder.url("Datasets"),
                figuresDirectory: folder.url("docs/nb_files"), figuresLink: "nb_files",
                blockIndex: 2, blockLine: 5, line: 7),
        ])
        #expect(executor.contexts[0].figureLink("a b.svg") == "nb_files/a%20b.svg")
    }

    @Test func badExecutorOutputIsRejected() throws {
        for (command, message) in [
            ("plot ../x.svg A", "invalid figure name `../x.svg`"),
            ("plot .hidden A", "invalid figure name `.hidden`"),
            ("plot a.svg A\nplot a.svg B", "figure `a.svg` is written twice"),
            ("raw 'x\\n<!-- layoffs:end -->\\ny'", "the output contains the end marker"),
        ] {
            let folder = try TemporaryFolder()
            let path = try folder.write("nb.md", "\(fence)layoffs\n\(command)\n\(fence)\n")
            let error = #expect(throws: NotebookError.self) {
                try NotebookRunner(executor: FakeExecutor(), datasetsDirectory: nil).run(notebookAt: path)
            }
            #expect(error?.kind == .invalidOutput)
            #expect(error?.message.hasPrefix(message) == true, "\(String(describing: error))")
            #expect(folder.snapshot() == ["nb.md": "\(fence)layoffs\n\(command)\n\(fence)\n"])
        }
    }

    @Test func outputFilesAreWrittenAfterSuccess() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("nb.md", "\(fence)layoffs\nemit out/r.txt hello\n\(fence)\n")
        let runner = NotebookRunner(executor: FakeExecutor(), datasetsDirectory: nil)
        #expect(try runner.check(notebookAt: path).driftedFiles == [NotebookFileDrift(name: "out/r.txt", isMissing: true)])
        let summary = try runner.run(notebookAt: path)
        #expect(summary.filesWritten == ["out/r.txt"])
        #expect(folder.read("out/r.txt") == "hello")
    }

    @Test func renderingIsDeterministic() throws {
        let text = "a\n\(fence)layoffs\nplot p.svg P\nsummary\n\(fence)\nb\n"
        let one = try TemporaryFolder(), two = try TemporaryFolder()
        let r1 = try NotebookRunner(executor: FakeExecutor(), datasetsDirectory: nil).render(notebookAt: one.write("nb.md", text))
        let r2 = try NotebookRunner(executor: FakeExecutor(), datasetsDirectory: nil).render(notebookAt: two.write("nb.md", text))
        #expect(r1.renderedBytes == r2.renderedBytes)
        #expect(r1.files.map(\.bytes) == r2.files.map(\.bytes))
        #expect(r1.files.map(\.name) == ["nb_files/p.svg"])
        #expect(one.snapshot() == ["nb.md": text])
    }
}

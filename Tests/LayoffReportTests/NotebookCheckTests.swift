import Foundation
import Testing
import LayoffReport

@Suite struct NotebookCheckTests {
    let fence = "```"

    @Test func newNotebookIsNotUpToDate() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("nb.md", "\(fence)layoffs\nsummary\n\(fence)\ntext\n")
        let result = try NotebookRunner(executor: FakeExecutor(), datasetsDirectory: nil).check(notebookAt: path)
        #expect(!result.isUpToDate)
        #expect(result.notebookDiff == """
        --- a/nb.md
        +++ b/nb.md
        @@ -1,4 +1,7 @@
         \(fence)layoffs
         summary
         \(fence)
        +<!-- layoffs:output -->
        +ran `summary`
        +<!-- layoffs:end -->
         text

        """)
        #expect(folder.snapshot() == ["nb.md": "\(fence)layoffs\nsummary\n\(fence)\ntext\n"])
    }

    @Test func detectsDriftInOutputAndFigures() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("nb.md", "\(fence)layoffs\nsummary\nplot a.svg A\nplot b.svg B\n\(fence)\n")
        let executor = FakeExecutor()
        let runner = NotebookRunner(executor: executor, datasetsDirectory: nil)
        try runner.run(notebookAt: path)
        #expect(try runner.check(notebookAt: path) == NotebookCheckResult(notebookDiff: "", driftedFiles: []))

        executor.suffix = "!"
        try folder.write("nb_files/a.svg", "<svg>tampered</svg>")
        try FileManager.default.removeItem(atPath: folder.url("nb_files/b.svg"))
        let before = folder.snapshot()
        let result = try runner.check(notebookAt: path)
        #expect(!result.isUpToDate)
        #expect(result.driftedFiles == [
            NotebookFileDrift(name: "nb_files/a.svg", isMissing: false),
            NotebookFileDrift(name: "nb_files/b.svg", isMissing: true),
        ])
        #expect(result.report == """
        --- a/nb.md
        +++ b/nb.md
        @@ -4,7 +4,7 @@
         plot b.svg B
         \(fence)
         <!-- layoffs:output -->
        -ran `summary`
        +ran `summary`!
         
         Plot A
         
        nb_files/a.svg: differs from the regenerated file
        nb_files/b.svg: missing

        """)
        #expect(folder.snapshot() == before, "check never writes")
    }

    @Test func checkReportsTheSameErrorsAsRun() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("nb.md", "\(fence)layoffs\nyoy --data /etc/passwd\n\(fence)\n")
        let error = #expect(throws: NotebookError.self) {
            try NotebookRunner(executor: FakeExecutor(), datasetsDirectory: nil).check(notebookAt: path)
        }
        #expect(error?.kind == .sandbox && error?.block == 1 && error?.line == 2)
    }

    @Test func missingNotebookIsAnIOError() throws {
        let folder = try TemporaryFolder()
        let error = #expect(throws: NotebookError.self) {
            try NotebookRunner(executor: FakeExecutor(), datasetsDirectory: nil).check(notebookAt: folder.url("none.md"))
        }
        #expect(error?.kind == .io)
    }
}

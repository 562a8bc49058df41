import Foundation
import Testing
import LayoffReport

/// Layout: ROOT/nb/nb.md (the notebook), ROOT/Datasets/d.csv, ROOT/outside/secret.csv.
@Suite struct NotebookSandboxTests {
    let fence = "```"

    struct Setup {
        let folder: TemporaryFolder
        let path: String
        let executor = FakeExecutor()
        var runner: NotebookRunner { NotebookRunner(executor: executor, datasetsDirectory: folder.url("Datasets")) }
    }

    func setup(_ commands: String) throws -> Setup {
        let folder = try TemporaryFolder()
        try folder.write("Datasets/d.csv", "d")
        try folder.write("outside/secret.csv", "s")
        try folder.write("nb/local.csv", "l")
        try folder.mkdir("nb/sub")
        let path = try folder.write("nb/nb.md", "# N\n\(fence)layoffs\nsummary\n\(fence)\n\n\(fence)layoffs\n\(commands)\n\(fence)\n")
        return Setup(folder: folder, path: path)
    }

    /// Runs and expects a sandbox error naming block 2, line 7, with nothing executed or written.
    func expectViolation(_ commands: String, mentioning text: String, prepare: (TemporaryFolder) throws -> Void = { _ in }) throws {
        let s = try setup(commands)
        try prepare(s.folder)
        let before = s.folder.snapshot()
        let error = #expect(throws: NotebookError.self) { try s.runner.run(notebookAt: s.path) }
        #expect(error?.kind == .sandbox)
        #expect(error?.block == 2 && error?.line == 7, "\(String(describing: error))")
        #expect(error?.message.contains(text) == true, "\(String(describing: error))")
        #expect(s.executor.calls.isEmpty, "paths are checked before any block runs")
        #expect(s.folder.snapshot() == before)
    }

    @Test func absolutePathOutside() throws {
        try expectViolation("yoy --data /etc/passwd", mentioning: "`/etc/passwd` resolves to /etc/passwd, outside")
    }

    @Test func dotDotEscape() throws {
        try expectViolation("yoy --data ../outside/secret.csv", mentioning: "--data: `../outside/secret.csv`")
        try expectViolation("yoy --fundamentals=sub/../../outside/secret.csv", mentioning: "--fundamentals")
        try expectViolation("yoy --aliases ../../../../../../../../etc/passwd", mentioning: "outside")
    }

    @Test func symlinkEscape() throws {
        let prepare: (TemporaryFolder) throws -> Void = { try $0.symlink("nb/link", to: $0.url("outside")) }
        try expectViolation("yoy --data link/secret.csv", mentioning: "outside", prepare: prepare)
        try expectViolation("yoy --map link", mentioning: "outside", prepare: prepare)
        try expectViolation("yoy --out link/new.md", mentioning: "only inside its own folder", prepare: prepare)
        // A symlinked folder followed by `..` resolves physically, like the OS does.
        try expectViolation("yoy --data link/../outside/secret.csv", mentioning: "outside", prepare: prepare)
    }

    @Test func danglingSymlinkIsRefused() throws {
        try expectViolation("yoy --out gone.md", mentioning: "dangling") { folder in
            try folder.symlink("nb/gone.md", to: folder.url("outside/not-there.md"))
        }
    }

    @Test func writesOutsideAreRefused() throws {
        try expectViolation("report --out ../outside/r.md", mentioning: "only inside its own folder")
        try expectViolation("report --out /tmp/r.md", mentioning: "only inside its own folder")
    }

    @Test func datasetsFolderIsNotWritable() throws {
        let s = try setup("summary")
        // The datasets folder is readable, not writable.
        let text = "# N\n\(fence)layoffs\nsummary\n\(fence)\n\n\(fence)layoffs\nreport --out \(s.folder.url("Datasets/r.md"))\n\(fence)\n"
        try s.folder.write("nb/nb.md", text)
        let error = #expect(throws: NotebookError.self) { try s.runner.run(notebookAt: s.path) }
        #expect(error?.kind == .sandbox && error?.block == 2 && error?.line == 7)
        #expect(s.folder.read("nb/nb.md") == text)
    }

    @Test func allowedPathsAreResolvedForTheExecutor() throws {
        let s = try setup("summary")
        let datasets = s.folder.url("Datasets/d.csv")
        try s.folder.write("nb/nb.md", "\(fence)layoffs\nyoy --data local.csv --fundamentals=sub/../local.csv --aliases \(datasets) --out sub/r.md --out -\n\(fence)\n")
        try s.runner.run(notebookAt: s.path)
        #expect(s.executor.calls == [[
            "yoy", "--data", s.folder.url("nb/local.csv"), "--fundamentals=" + s.folder.url("nb/local.csv"),
            "--aliases", datasets, "--out", s.folder.url("nb/sub/r.md"), "--out", "-",
        ]])
    }

    @Test func argumentsAfterDoubleDashAreNotOptions() throws {
        let s = try setup("yoy -- --data /etc/passwd")
        try s.runner.run(notebookAt: s.path)
        #expect(s.executor.calls.last == ["yoy", "--", "--data", "/etc/passwd"])
    }

    @Test func executorDeclaresItsPathOptions() throws {
        struct Custom: NotebookExecutor {
            var pathOptions: NotebookPathOptions { NotebookPathOptions(input: ["-i"], output: ["--save"]) }
            func execute(arguments: [String], context: NotebookContext) throws -> NotebookCellOutput {
                NotebookCellOutput(markdown: arguments.joined(separator: " "))
            }
        }
        let s = try setup("yoy -i /etc/passwd")
        let error = #expect(throws: NotebookError.self) {
            try NotebookRunner(executor: Custom(), datasetsDirectory: nil).run(notebookAt: s.path)
        }
        #expect(error?.kind == .sandbox && error?.block == 2 && error?.message.hasPrefix("-i: ") == true)
        // `--data` is not a path option of this executor.
        let t = try setup("yoy --data /etc/passwd --save=../x")
        let saveError = #expect(throws: NotebookError.self) {
            try NotebookRunner(executor: Custom(), datasetsDirectory: nil).run(notebookAt: t.path)
        }
        #expect(saveError?.message.hasPrefix("--save: ") == true)
    }

    @Test func executorOutputFilesAreChecked() throws {
        let s = try setup("emit ../outside/evil.txt x")
        let before = s.folder.snapshot()
        let error = #expect(throws: NotebookError.self) { try s.runner.run(notebookAt: s.path) }
        #expect(error?.kind == .sandbox && error?.block == 2 && error?.line == 7)
        #expect(s.folder.snapshot() == before)
        let t = try setup("emit nb.md overwrite")
        let clash = #expect(throws: NotebookError.self) { try t.runner.run(notebookAt: t.path) }
        #expect(clash?.kind == .invalidOutput)
    }

    @Test func figuresFolderSymlinkedOutsideIsRefused() throws {
        let s = try setup("plot a.svg A")
        try s.folder.symlink("nb/nb_files", to: s.folder.url("outside"))
        let before = s.folder.snapshot()
        let error = #expect(throws: NotebookError.self) { try s.runner.run(notebookAt: s.path) }
        #expect(error?.kind == .sandbox)
        #expect(error?.message.hasPrefix("figures folder: ") == true)
        #expect(s.folder.snapshot() == before)
        #expect(!s.folder.exists("outside/a.svg"))
    }

    @Test func sandboxResolvesPhysically() throws {
        let folder = try TemporaryFolder()
        try folder.mkdir("nb/sub")
        try folder.symlink("nb/up", to: folder.url("nb/sub"))
        let sandbox = NotebookSandbox(notebookDirectory: folder.url("nb"), datasetsDirectory: nil)
        #expect(try sandbox.check("up/new/../file.txt", for: .write) == folder.url("nb/sub/file.txt"))
        #expect(try sandbox.check(".", for: .read) == folder.url("nb"))
        #expect(throws: NotebookSandbox.Violation.self) { try sandbox.check("..", for: .read) }
        #expect(throws: NotebookSandbox.Violation.self) { try sandbox.check(folder.url("nbx/file"), for: .read) }
        #expect(throws: NotebookSandbox.Violation.self) { try sandbox.check("", for: .read) }
    }
}

import Testing
@testable import LayoffReport

@Suite struct NotebookParserTests {
    func parse(_ text: String) throws -> NotebookDocument {
        try NotebookDocument(bytes: Array(text.utf8), file: "nb.md")
    }

    func commands(_ text: String) throws -> [[String]] {
        try parse(text).blocks.flatMap { $0.commands.map(\.arguments) }
    }

    @Test func findsBlocksCommandsAndLines() throws {
        let doc = try parse("""
        # Title

        ```layoffs
        # a comment
        summary

        layoffs yoy --by industry \\
            --format markdown
        ```

        ~~~~ layoffs {echo=false}
        rolling --window 30
        ~~~~
        """)
        #expect(doc.blocks.count == 2)
        #expect(doc.blocks[0].index == 1 && doc.blocks[0].line == 3)
        #expect(doc.blocks[0].commands == [
            NotebookCommand(line: 5, arguments: ["summary"]),
            NotebookCommand(line: 7, arguments: ["yoy", "--by", "industry", "--format", "markdown"]),
        ])
        #expect(doc.blocks[1].index == 2 && doc.blocks[1].line == 11)
        #expect(doc.blocks[1].commands == [NotebookCommand(line: 12, arguments: ["rolling", "--window", "30"])])
        #expect(!doc.blocks[0].hasOutputSection)
    }

    @Test func otherLanguagesAreNotRun() throws {
        #expect(try commands("""
        ```sh
        layoffs summary
        ```
        ```swift
        let x = 1
        ```
        ```layoffsx
        summary
        ```
        ```
        summary
        ```
        ``` layoffs
        ok
        ```
        """) == [["ok"]])
    }

    @Test func nestedFencesFollowCommonMark() throws {
        // A layoffs fence shown inside a longer backtick fence is not run.
        #expect(try commands("""
        ````markdown
        ```layoffs
        hidden
        ```
        ````
        ```layoffs
        shown
        ```
        """) == [["shown"]])
        // A backtick fence inside a tilde fence, and a closing fence needs the same character.
        #expect(try commands("""
        ~~~
        ```layoffs
        hidden
        ```
        ~~~
        """) == [])
        // A fence closes only with at least as many characters and no info string.
        #expect(try commands("""
        ~~~~layoffs
        one
        ~~~
        ~~~~ not-a-close
        ~~~~~~
        after
        """) == [["one"], ["~~~"], ["~~~~", "not-a-close"]])
        // Inside a 4-backtick layoffs block a 3-backtick line is content (and shell syntax).
        let error = #expect(throws: NotebookError.self) { try parse("````layoffs\none\n```\n````\n") }
        #expect(error?.kind == .syntax && error?.line == 3)
        // A closing fence may be longer and followed by spaces.
        let doc = try parse("```layoffs\nx\n`````   \ntext\n")
        #expect(doc.blocks.map(\.commands.count) == [1])
    }

    @Test func indentationRules() throws {
        // Four spaces is an indented code block, not a fence.
        #expect(try commands("    ```layoffs\n    hidden\n    ```\n") == [])
        // Up to three spaces: content loses at most that much indentation.
        let doc = try parse("  ```layoffs\n  yoy\n   rolling\n  ```\n")
        #expect(doc.blocks.first?.commands.map(\.arguments) == [["yoy"], ["rolling"]])
        // Tabs before the fence are not fence indentation.
        #expect(try commands("\t```layoffs\n\tx\n\t```\n") == [])
    }

    @Test func htmlCommentsHideBlocks() throws {
        #expect(try commands("""
        <!--
        ```layoffs
        hidden
        ```
        -->
        ```layoffs
        shown
        ```
        """) == [["shown"]])
    }

    @Test func unclosedLayoffsBlockIsAnError() throws {
        let error = #expect(throws: NotebookError.self) { try parse("text\n\n```layoffs\nsummary\n") }
        #expect(error?.kind == .unclosedBlock)
        #expect(error?.block == 1 && error?.line == 3)
        #expect(error?.description == "nb.md:3: block 1: the `layoffs` block opened here has no closing fence")
    }

    @Test func unclosedOtherFenceSwallowsTheRest() throws {
        #expect(try commands("```sh\necho\n```layoffs\nsummary\n```\n") == [])
        #expect(try commands("````sh\necho\n```\n```layoffs\nsummary\n```\n") == [])
    }

    @Test func outputSectionsAreRecognised() throws {
        let doc = try parse("""
        ```layoffs
        a
        ```

        <!-- layoffs:output -->
        old
        ```layoffs
        inside the output section: not a block
        ```
          <!-- layoffs:end -->\t
        ```layoffs
        b
        ```
        text
        <!-- layoffs:output -->
        <!-- layoffs:end -->
        """)
        #expect(doc.blocks.map(\.commands) == [
            [NotebookCommand(line: 2, arguments: ["a"])],
            [NotebookCommand(line: 12, arguments: ["b"])],
        ])
        #expect(doc.blocks.map(\.hasOutputSection) == [true, false])
        #expect(doc.blocks[0].section?.start == 4 && doc.blocks[0].section?.end == 9)
    }

    @Test func startMarkerWithoutEndIsAnError() throws {
        let error = #expect(throws: NotebookError.self) {
            try parse("```layoffs\na\n```\n<!-- layoffs:output -->\nstuff\n")
        }
        #expect(error?.kind == .malformedOutput)
        #expect(error?.block == 1 && error?.line == 4)
    }

    @Test func syntaxErrorsNameBlockAndLine() throws {
        let error = #expect(throws: NotebookError.self) {
            try parse("```layoffs\nok\n```\n\n```layoffs\n# c\nyoy | head\n```\n")
        }
        #expect(error?.kind == .syntax)
        #expect(error?.block == 2 && error?.line == 7)
        let dangling = #expect(throws: NotebookError.self) { try parse("```layoffs\nyoy \\\n```\n") }
        #expect(dangling?.kind == .syntax && dangling?.line == 2)
    }

    @Test func continuationKeepsTheFirstLineNumber() throws {
        let doc = try parse("```layoffs\n\nyoy \\\n  --by \\\n  region\nsummary\n```\n")
        #expect(doc.blocks[0].commands == [
            NotebookCommand(line: 3, arguments: ["yoy", "--by", "region"]),
            NotebookCommand(line: 6, arguments: ["summary"]),
        ])
    }
}

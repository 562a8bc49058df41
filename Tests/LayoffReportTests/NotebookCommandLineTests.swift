import Testing
import LayoffReport

@Suite struct NotebookCommandLineTests {
    @Test func splitsWords() throws {
        #expect(try NotebookCommandLine.split("yoy  --by\tindustry") == ["yoy", "--by", "industry"])
        #expect(try NotebookCommandLine.split("layoffs summary") == ["summary"])
        #expect(try NotebookCommandLine.split("   ") == [])
        #expect(try NotebookCommandLine.split("# just a comment") == [])
        #expect(try NotebookCommandLine.split("yoy --by region # trailing comment") == ["yoy", "--by", "region"])
        #expect(try NotebookCommandLine.split("report --title a#b") == ["report", "--title", "a#b"])
    }

    @Test func quoting() throws {
        #expect(try NotebookCommandLine.split(#"report --title "Tech layoffs, 2023" --note 'it''s'"#)
            == ["report", "--title", "Tech layoffs, 2023", "--note", "its"])
        #expect(try NotebookCommandLine.split(#"a "say \"hi\" \\ \$x \q" 'lit \" $(x) `y` | ;'"#)
            == ["a", #"say "hi" \ $x \q"#, #"lit \" $(x) `y` | ;"#])
        #expect(try NotebookCommandLine.split(#"a x\ y \| "" ''"#) == ["a", "x y", "|", "", ""])
        #expect(try NotebookCommandLine.split(#"--by="two words"x"#) == ["--by=two wordsx"])
    }

    @Test func quotedShellCharactersAreLiteral() throws {
        #expect(try NotebookCommandLine.split(#"raw "a | b; c & d > e < f""#) == ["raw", "a | b; c & d > e < f"])
        #expect(try NotebookCommandLine.split(#"raw 'x`y' "\`z" $HOME 50$"#) == ["raw", "x`y", "`z", "$HOME", "50$"])
    }

    @Test(arguments: [
        "yoy | head", "yoy;summary", "yoy && summary", "yoy &", "yoy > out.md", "yoy 2>err",
        "summary < in.csv", "yoy `date`", "yoy $(date)", "yoy --title x$(id)",
        #"raw "$(id)""#, #"raw "a`id`""#,
    ])
    func forbiddenShellSyntax(line: String) {
        let error = #expect(throws: NotebookCommandLine.SyntaxError.self) { try NotebookCommandLine.split(line) }
        #expect(error?.message.contains("not allowed") == true)
    }

    @Test func unterminatedQuotes() {
        let single = #expect(throws: NotebookCommandLine.SyntaxError.self) { try NotebookCommandLine.split("a 'b") }
        #expect(single?.message == "unterminated single quote")
        let double = #expect(throws: NotebookCommandLine.SyntaxError.self) { try NotebookCommandLine.split(#"a "b"#) }
        #expect(double?.message == "unterminated double quote")
    }

    @Test func danglingContinuation() {
        #expect(throws: NotebookCommandLine.SyntaxError.self) { try NotebookCommandLine.split("a \\") }
    }
}

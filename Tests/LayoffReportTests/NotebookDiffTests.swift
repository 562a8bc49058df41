import Foundation
import Testing
@testable import LayoffReport

/// Expected outputs are those of GNU `diff -u` (timestamps removed from the headers).
@Suite struct NotebookDiffTests {
    func diff(_ old: String, _ new: String) -> String {
        UnifiedDiff.diff(old: old, new: new, oldLabel: "a", newLabel: "b")
    }

    @Test func equalTextsHaveNoDiff() {
        #expect(diff("", "") == "")
        #expect(diff("a\nb\n", "a\nb\n") == "")
    }

    @Test func separateHunksWithThreeLinesOfContext() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\no\np\n"
        let new = "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\nO\np\nq\n"
        #expect(diff(old, new) == """
        --- a
        +++ b
        @@ -1,7 +1,7 @@
         a
         b
         c
        -d
        +D
         e
         f
         g
        @@ -12,5 +12,6 @@
         l
         m
         n
        -o
        +O
         p
        +q

        """)
    }

    @Test func hunksMergeWhenContextsTouch() {
        let old = (1...12).map { "\($0)\n" }.joined()
        // Six unchanged lines between the changes: one hunk.
        #expect(diff(old, "1\n2\nX\n4\n5\n6\n7\n8\n9\nY\n11\n12\n") == """
        --- a
        +++ b
        @@ -1,12 +1,12 @@
         1
         2
        -3
        +X
         4
         5
         6
         7
         8
         9
        -10
        +Y
         11
         12

        """)
        // Seven: two hunks.
        #expect(diff(old, "1\n2\nX\n4\n5\n6\n7\n8\n9\n10\nY\n12\n") == """
        --- a
        +++ b
        @@ -1,6 +1,6 @@
         1
         2
        -3
        +X
         4
         5
         6
        @@ -8,5 +8,5 @@
         8
         9
         10
        -11
        +Y
         12

        """)
    }

    @Test func emptySidesAndMissingFinalNewline() {
        #expect(diff("", "x\ny\n") == "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n")
        #expect(diff("x\n", "") == "--- a\n+++ b\n@@ -1 +0,0 @@\n-x\n")
        #expect(diff("one\ntwo", "one\ntwo\n") == """
        --- a
        +++ b
        @@ -1,2 +1,2 @@
         one
        -two
        \\ No newline at end of file
        +two

        """)
    }

    @Test func lineEndingsAreCompared() {
        #expect(diff("a\r\nb\r\nc\r\n", "a\r\nb\nc\r\n") == "--- a\n+++ b\n@@ -1,3 +1,3 @@\n a\r\n-b\r\n+b\n c\r\n")
    }

    @Test func deletionsComeBeforeInsertions() {
        #expect(diff("x\na\nb\nc\ny\n", "a\nb\nc\nz\n") == """
        --- a
        +++ b
        @@ -1,5 +1,4 @@
        -x
         a
         b
         c
        -y
        +z

        """)
    }

    /// Edit scripts are minimal (length n + m - 2·LCS) and rebuild the new text.
    @Test func editScriptsAreShortestAndCorrect() {
        var seed: UInt64 = 12345
        func next(_ bound: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(bound))
        }
        for _ in 0..<300 {
            let a = (0..<next(15)).map { _ in next(4) }
            let b = (0..<next(15)).map { _ in next(4) }
            let script = UnifiedDiff.edits(from: a, to: b)
            var rebuilt: [Int] = [], kept: [Int] = [], changes = 0
            for edit in script {
                switch edit {
                case let .equal(o, n): #expect(a[o] == b[n]); rebuilt.append(b[n]); kept.append(o)
                case let .delete(o): kept.append(o); changes += 1
                case let .insert(n): rebuilt.append(b[n]); changes += 1
                }
            }
            #expect(rebuilt == b)
            #expect(kept == Array(a.indices))
            #expect(changes == a.count + b.count - 2 * lcs(a, b))
        }
    }

    func lcs(_ a: [Int], _ b: [Int]) -> Int {
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        return table[0][0]
    }
}

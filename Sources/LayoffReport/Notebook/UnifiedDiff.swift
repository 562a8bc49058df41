/// Line diffs in unified format (as `diff -u`), computed with Myers' O(ND) algorithm.
///
/// The output is deterministic: the common prefix and suffix are matched first, then
/// Myers' greedy algorithm prefers deletions before insertions. Lines are compared
/// byte for byte including their line ending, so a CRLF/LF change is a difference. A
/// last line without line ending is followed by `\ No newline at end of file`.
public enum UnifiedDiff {
    /// One step of an edit script.
    public enum Edit: Sendable, Equatable {
        /// Line `old` of the old text equals line `new` of the new text (0-based).
        case equal(old: Int, new: Int)
        /// Line `old` of the old text is removed.
        case delete(old: Int)
        /// Line `new` of the new text is inserted.
        case insert(new: Int)
    }

    /// A shortest edit script turning `old` into `new`.
    public static func edits<T: Hashable>(from old: [T], to new: [T]) -> [Edit] {
        // Map lines to integers so comparisons are cheap.
        var ids: [T: Int] = [:]
        let a = old.map { line in ids[line] ?? { let id = ids.count; ids[line] = id; return id }() }
        let b = new.map { line in ids[line] ?? { let id = ids.count; ids[line] = id; return id }() }
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix,
              a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        var script = (0..<prefix).map { Edit.equal(old: $0, new: $0) }
        let middle = myers(Array(a[prefix..<(a.count - suffix)]), Array(b[prefix..<(b.count - suffix)]))
        for edit in middle {
            switch edit {
            case let .equal(o, n): script.append(.equal(old: o + prefix, new: n + prefix))
            case let .delete(o): script.append(.delete(old: o + prefix))
            case let .insert(n): script.append(.insert(new: n + prefix))
            }
        }
        for k in 0..<suffix {
            script.append(.equal(old: a.count - suffix + k, new: b.count - suffix + k))
        }
        return script
    }

    /// Myers' greedy forward algorithm with a trace of the frontier for backtracking.
    static func myers(_ a: [Int], _ b: [Int]) -> [Edit] {
        let n = a.count, m = b.count
        if n == 0 { return (0..<m).map { .insert(new: $0) } }
        if m == 0 { return (0..<n).map { .delete(old: $0) } }
        let maxD = n + m
        let offset = maxD + 1
        var v = [Int](repeating: 0, count: 2 * maxD + 3)
        // trace[d] holds v[-d-1 ... d+1] as it was before step d.
        var trace: [[Int]] = []
        var finalD = 0
        search: for d in 0...maxD {
            trace.append(Array(v[(offset - d - 1)...(offset + d + 1)]))
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                    x = v[offset + k + 1]
                } else {
                    x = v[offset + k - 1] + 1
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] { x += 1; y += 1 }
                v[offset + k] = x
                if x >= n, y >= m { finalD = d; break search }
            }
        }
        var edits: [Edit] = []
        var x = n, y = m
        for d in stride(from: finalD, through: 0, by: -1) {
            let snapshot = trace[d]
            func at(_ k: Int) -> Int { snapshot[k + d + 1] }
            let k = x - y
            let prevK = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1
            let prevX = d == 0 ? 0 : at(prevK)
            let prevY = d == 0 ? 0 : prevX - prevK
            while x > prevX, y > prevY {
                x -= 1; y -= 1
                edits.append(.equal(old: x, new: y))
            }
            if d > 0 {
                if x == prevX { edits.append(.insert(new: prevY)) } else { edits.append(.delete(old: prevX)) }
            }
            x = prevX; y = prevY
        }
        return edits.reversed()
    }

    /// The unified diff of two texts, or the empty string if they are equal.
    ///
    /// - Parameters:
    ///   - old: The old bytes (e.g. the notebook on disk).
    ///   - new: The new bytes (e.g. the regenerated notebook).
    ///   - oldLabel: Name after `---`.
    ///   - newLabel: Name after `+++`.
    ///   - context: Lines of context around each change (3, like `diff -u`).
    public static func diff(
        old: [UInt8], new: [UInt8], oldLabel: String, newLabel: String, context: Int = 3
    ) -> String {
        let a = NotebookLine.split(old).map(\.bytes)
        let b = NotebookLine.split(new).map(\.bytes)
        return format(edits(from: a, to: b), old: a, new: b, oldLabel: oldLabel, newLabel: newLabel, context: context)
    }

    /// The unified diff of two strings, or the empty string if they are equal.
    public static func diff(
        old: String, new: String, oldLabel: String, newLabel: String, context: Int = 3
    ) -> String {
        diff(old: Array(old.utf8), new: Array(new.utf8), oldLabel: oldLabel, newLabel: newLabel, context: context)
    }

    static func format(
        _ script: [Edit], old a: [[UInt8]], new b: [[UInt8]],
        oldLabel: String, newLabel: String, context: Int
    ) -> String {
        let changes = script.indices.filter {
            if case .equal = script[$0] { return false } else { return true }
        }
        guard !changes.isEmpty else { return "" }
        // Lines of each side consumed before each script position.
        var oldBefore = [Int](repeating: 0, count: script.count + 1)
        var newBefore = [Int](repeating: 0, count: script.count + 1)
        for (i, edit) in script.enumerated() {
            switch edit {
            case .equal: oldBefore[i + 1] = oldBefore[i] + 1; newBefore[i + 1] = newBefore[i] + 1
            case .delete: oldBefore[i + 1] = oldBefore[i] + 1; newBefore[i + 1] = newBefore[i]
            case .insert: oldBefore[i + 1] = oldBefore[i]; newBefore[i + 1] = newBefore[i] + 1
            }
        }
        var out: [UInt8] = Array("--- \(oldLabel)\n+++ \(newLabel)\n".utf8)
        var c = 0
        while c < changes.count {
            let first = changes[c]
            var last = first
            while c + 1 < changes.count, changes[c + 1] - last - 1 <= 2 * context {
                c += 1
                last = changes[c]
            }
            c += 1
            let lo = max(0, first - context)
            let hi = min(script.count, last + 1 + context)  // exclusive
            let oldCount = oldBefore[hi] - oldBefore[lo]
            let newCount = newBefore[hi] - newBefore[lo]
            func range(_ before: Int, _ count: Int) -> String {
                let start = count == 0 ? before : before + 1
                return count == 1 ? "\(start)" : "\(start),\(count)"
            }
            out += Array("@@ -\(range(oldBefore[lo], oldCount)) +\(range(newBefore[lo], newCount)) @@\n".utf8)
            for edit in script[lo..<hi] {
                let (mark, line): (UInt8, [UInt8])
                switch edit {
                case let .equal(o, _): (mark, line) = (UInt8(ascii: " "), a[o])
                case let .delete(o): (mark, line) = (UInt8(ascii: "-"), a[o])
                case let .insert(n): (mark, line) = (UInt8(ascii: "+"), b[n])
                }
                out.append(mark)
                out += line
                if line.last != UInt8(ascii: "\n") { out += Array("\n\\ No newline at end of file\n".utf8) }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

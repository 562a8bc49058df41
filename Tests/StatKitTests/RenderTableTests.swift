import Foundation
import Testing
@testable import StatKit

@Suite struct JSONValueTests {
    @Test func compactAndPretty() {
        let v: JSONValue = ["n": 27000, "rate": 0.125, "note": nil, "ok": true, "xs": [1.5, .number(.nan)], "e": [:], "a": []]
        #expect(v.serialized() == #"{"n":27000,"rate":0.125,"note":null,"ok":true,"xs":[1.5,null],"e":{},"a":[]}"#)
        #expect(JSONValue.array([1, ["k": "v"]]).serialized(indent: 2) == "[\n  1,\n  {\n    \"k\": \"v\"\n  }\n]")
    }

    @Test func keyOrderIsKept() {
        let v = JSONValue.object([(key: "z", value: 1), (key: "a", value: 2), (key: "m", value: 3)])
        #expect(v.serialized() == #"{"z":1,"a":2,"m":3}"#)
    }

    @Test func stringEscaping() throws {
        let nasty = "quote\" back\\ slash/ nl\n cr\r tab\t bs\u{08} ff\u{0C} nul\u{00} us\u{1F} del\u{7F} é ✓ 😀 \u{2028}"
        let text = JSONValue.quoted(nasty)
        #expect(text == #""quote\" back\\ slash/ nl\n cr\r tab\t bs\b ff\f nul\u0000 us\u001f del"# + "\u{7F} é ✓ 😀 " + #"\u2028""#)
        // No raw control characters survive.
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 })
        let parsed = try JSONSerialization.jsonObject(with: Data("[\(text)]".utf8)) as? [String]
        #expect(parsed == [nasty])
    }

    @Test func foundationParsesOutput() throws {
        let v: JSONValue = ["a": [1, 2.5, 1e-5, -0.0, nil], "b": "x\"y", "c": ["d": false]]
        for indent in [0, 2] {
            let obj = try #require(try JSONSerialization.jsonObject(with: Data(v.serialized(indent: indent).utf8)) as? [String: Any])
            let a = try #require(obj["a"] as? [Any])
            #expect((a[2] as? NSNumber)?.doubleValue == 1e-5)
            #expect(a[4] is NSNull)
            #expect(obj["b"] as? String == "x\"y")
        }
    }
}

@Suite struct ReportTableTests {
    static let table = ReportTable(
        title: "Cuts by sector",
        columns: [.init("Sector", key: "sector"), .init("Employees cut", key: "cut"), .init("Share", key: "share"), .init("p", key: "p")],
        rows: [
            [.text("Tech | software"), .integer(27000), .number(0.5, .percent(decimals: 1, alwaysSign: false)), .number(3.2e-30, .pValue)],
            [.text("Retail, \"big box\""), .integer(1500), .number(.nan, .shortest), .missing],
            [.text("Energy"), .missing, .number(0.125, .fixed(decimals: 2, grouping: false))],
        ],
        notes: ["Source: WARN notices."])

    @Test func plainTextUnicode() {
        let expected = """
        Cuts by sector
        ┌───────────────────┬───────────────┬───────┬─────────┐
        │ Sector            │ Employees cut │ Share │       p │
        ├───────────────────┼───────────────┼───────┼─────────┤
        │ Tech | software   │        27,000 │ 50.0% │ 3.2e-30 │
        │ Retail, "big box" │         1,500 │   n/a │     n/a │
        │ Energy            │           n/a │  0.12 │     n/a │
        └───────────────────┴───────────────┴───────┴─────────┘
        Source: WARN notices.

        """
        #expect(Self.table.plainText() == expected)
    }

    @Test func plainTextASCII() {
        let text = ReportTable(columns: [.init("a"), .init("bb")], rows: [[.text("x"), .integer(1234)]]).plainText(border: .ascii)
        #expect(text == "--------\na     bb\n--------\nx  1,234\n--------\n")
    }

    @Test func markdownEscapesPipes() {
        let md = Self.table.markdown()
        #expect(md.contains("| Tech \\| software | 27,000 | 50.0% | 3.2e-30 |\n"))
        #expect(md.contains("| :--- | ---: | ---: | ---: |\n"))
        #expect(md.hasPrefix("**Cuts by sector**\n\n| Sector |"))
        #expect(MarkdownText.escapeCell("a|b\\c\nd") == "a\\|b\\\\c d")
        // Every body line has exactly as many unescaped pipes as the header line.
        let lines = md.split(separator: "\n").filter { $0.hasPrefix("|") }
        let counts = lines.map { line in
            var n = 0; var prev: Character = " "
            for ch in line { if ch == "|" && prev != "\\" { n += 1 }; prev = ch }
            return n
        }
        #expect(Set(counts) == [5])
    }

    @Test func csvQuoting() {
        let csv = Self.table.csv()
        #expect(csv == "Sector,Employees cut,Share,p\r\n\"Tech | software\",27000,0.5,3.2e-30\r\n".replacingOccurrences(of: "\"Tech | software\"", with: "Tech | software")
            + "\"Retail, \"\"big box\"\"\",1500,,\r\nEnergy,,0.125,\r\n")
        #expect(CSV.field("plain") == "plain")
        #expect(CSV.field("a,b") == "\"a,b\"")
        #expect(CSV.field("line\nbreak") == "\"line\nbreak\"")
        #expect(CSV.field(" padded") == "\" padded\"")
        #expect(CSV.field("") == "")
    }

    @Test func jsonRowsAndObject() throws {
        let text = Self.table.jsonValue().serialized()
        #expect(text.hasPrefix(#"{"title":"Cuts by sector","columns":["sector","cut","share","p"],"rows":[{"sector":"Tech | software","cut":27000,"share":0.5,"p":3.2e-30}"#))
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let rows = try #require(obj["rows"] as? [[String: Any]])
        #expect(rows.count == 3)
        #expect(rows[1]["share"] is NSNull)   // NaN → null
        #expect(rows[1]["p"] is NSNull)       // missing → null
        #expect(rows[2]["p"] is NSNull)       // short row padded
        #expect(rows[1]["sector"] as? String == "Retail, \"big box\"")
    }

    @Test func alignmentInference() {
        let t = ReportTable(columns: [.init("a"), .init("b"), .init("c", alignment: .center)],
                            rows: [[.missing, .text("x"), .integer(1)], [.number(1, .shortest), .integer(2), .integer(3)]])
        #expect(t.alignments == [.right, .left, .center])
    }
}

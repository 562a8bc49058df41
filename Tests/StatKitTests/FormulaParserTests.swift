import Foundation
import Testing
@testable import StatKit

@Suite struct FormulaParserTests {
    private func error(_ text: String) -> FormulaError? {
        do { _ = try Formula(text); return nil } catch { return error }
    }

    /// (formula, 1-based position, a fragment of "expected", "found")
    static let errorCases: [(String, Int, String, String)] = [
        ("y ~ x +", 8, "a term", "end of formula"),
        ("y ~ log(x", 10, "')'", "end of formula"),
        ("y ~ x $ z", 7, "operator", "'$'"),
        ("y x1", 3, "'~'", "'x1'"),
        ("y ~ I(x^)", 9, "a number, column name", "')'"),
        ("y ~ foo(x)", 5, "a known function", "'foo'"),
        ("y ~ C(g, level=\"b\")", 10, "'ref='", "'level'"),
        ("y ~ C(g, ref=b)", 14, "a quoted level name or a number", "'b'"),
        ("y ~ 2 + x", 5, "numbers other than 0 and 1", "'2'"),
        ("y ~ x + (a + b", 15, "')'", "end of formula"),
        ("y ~ -x", 6, "1 or 0 after a leading '-'", "'x'"),
        ("y ~ 1:x", 5, "the intercept cannot be part of an interaction", "'1'"),
        ("y ~ x1 + 3e", 12, "digits of an exponent", "end of formula"),
        ("y ~ C(g, ref='b)", 17, "closing ' of the string started at position 14", "end of formula"),
        ("y ~ log(x, 2)", 10, "takes one argument", "','"),
        ("y ~ I()", 7, "an argument", "')'"),
        ("a + b ~ x", 1, "a single response", "'a'"),
        ("", 1, "a response", "end of formula"),
        ("y ~ x ~ z", 7, "operator", "'~'"),
        ("y ~ 2x", 6, "an operator after the number", "'x'"),
        ("y ~ I(log(C(g)))", 11, "C() cannot be used inside an expression", "'C'"),
        ("y ~ x * / z", 9, "a term", "'/'"),
        ("y ~ x^2", 6, "arithmetic belongs inside I()", "'^'"),
        ("y ~ a / b", 7, "arithmetic belongs inside I()", "'/'"),
    ]

    @Test(arguments: errorCases)
    func syntaxErrorNamesPositionAndExpectation(_ c: (String, Int, String, String)) {
        guard let e = error(c.0) else { Issue.record("'\(c.0)' parsed"); return }
        #expect(e.position == c.1, "\(e)")
        #expect(e.expected.contains(c.2), "\(e)")
        #expect(e.found == c.3, "\(e)")
        #expect(e.formula == c.0)
    }

    @Test func caretDisplayPointsAtThePosition() {
        let e = error("y ~ x1 + $")!
        #expect(e.caretDisplay == "y ~ x1 + $\n         ^ expected \(e.expected), found '$'")
        #expect(e.description == "formula error at position 10: expected \(e.expected), found '$'")
        let end = error("y ~ (x")!
        #expect(end.caretDisplay.split(separator: "\n")[1].hasPrefix("      ^"))
    }

    @Test func positionsCountCharactersNotBytes() {
        // "é" is two UTF-8 bytes but one character.
        let e = error("y ~ café + $")!
        #expect(e.position == 12)
    }

    private func terms(_ text: String) throws -> [String] { try Formula(text).terms.map(\.description) }

    @Test func termAlgebraFollowsPatsy() throws {
        #expect(try terms("y ~ a*b") == ["a", "b", "a:b"])
        #expect(try terms("y ~ a*b*c") == ["a", "b", "a:b", "c", "a:c", "b:c", "a:b:c"])
        #expect(try terms("y ~ (a + b):c") == ["a:c", "b:c"])
        #expect(try terms("y ~ a*b - a") == ["b", "a:b"])
        #expect(try terms("y ~ a:b + b:a + a") == ["a:b", "a"])
        #expect(try terms("y ~ a + a:a") == ["a"])
        #expect(try terms("y ~ (a + b)*(c)") == ["a", "b", "c", "a:c", "b:c"])
        #expect(try terms("y ~ x1 + log(x2) + C(g) + C(g, ref=\"b\")") == ["x1", "log(x2)", "C(g)", "C(g,ref=\"b\")"])
    }

    @Test func interceptHandling() throws {
        #expect(try Formula("y ~ x").hasIntercept)
        #expect(try !Formula("y ~ x - 1").hasIntercept)
        #expect(try !Formula("y ~ x + 0").hasIntercept)
        #expect(try !Formula("y ~ 0 + x").hasIntercept)
        #expect(try !Formula("y ~ -1 + x").hasIntercept)
        #expect(try Formula("y ~ x - 1 + 1").hasIntercept)
        #expect(try Formula("y ~ 0 + x - 0").hasIntercept)
        #expect(try !Formula("y ~ (x - 1)").hasIntercept)
        #expect(try Formula("y ~ 1").terms.isEmpty)
        #expect(try Formula("y ~ x - 1").terms.map(\.description) == ["x"])
    }

    @Test func responseMayBeTransformedAndIdentifiersAllowDotsDigitsUnderscores() throws {
        let f = try Formula("log(total_laid_off) ~ funds.raised + x2_b + .hidden + é1")
        #expect(f.response?.text == "log(total_laid_off)")
        #expect(f.response?.columns == ["total_laid_off"])
        #expect(f.terms.map(\.description) == ["funds.raised", "x2_b", ".hidden", "é1"])
        #expect(try Formula("~ x").response == nil)
        #expect(try Formula("log(y) ~ I(a/b) + C(g):x + a").columnsUsed == ["y", "a", "b", "g", "x"])
    }

    @Test func namesAreTheTextWithoutWhitespace() throws {
        let f = try Formula("y ~ log( x2 ) + I( x ^ 2 ) + I(a / b) + C( g , ref = \"b\" ) + I(x**2)")
        #expect(f.terms.map(\.description) == ["log(x2)", "I(x^2)", "I(a/b)", "C(g,ref=\"b\")", "I(x**2)"])
        #expect(f.terms[3].factors[0].displayName == "C(g)")
        #expect(f.terms[3].factors[0].kind == .categorical(column: "g", reference: "b"))
        #expect(try Formula("y ~ C(n, ref=2.0)").terms[0].factors[0].kind == .categorical(column: "n", reference: "2"))
        #expect(f.description == "y ~ 1 + log(x2) + I(x^2) + I(a/b) + C(g,ref=\"b\") + I(x**2)")
    }

    /// Evaluates the single I() factor of `y ~ <expr>` with x = 3, a = 10, b = 4, c = 2.
    private func value(_ expr: String) throws -> Double {
        let f = try Formula("y ~ \(expr)")
        guard case .expression(let e) = f.terms[0].factors[0].kind else { throw FormulaError(formula: expr, position: 0, expected: "", found: "") }
        let env: [String: Double] = ["x": 3, "a": 10, "b": 4, "c": 2]
        return e.evaluate { env[$0]! }
    }

    /// Precedence and associativity as in R and Python: ^ binds tighter than unary minus,
    /// ^ is right-associative, * and / bind tighter than + and -, all left-associative.
    @Test func arithmeticPrecedence() throws {
        #expect(try value("I(-x^2)") == -9)
        #expect(try value("I((-x)^2)") == 9)
        #expect(try value("I(2^3^2)") == 512)
        #expect(try value("I(2^-1)") == 0.5)
        #expect(try value("I(a - b - c)") == 4)
        #expect(try value("I(a / b / c)") == 1.25)
        #expect(try value("I(a / b * c)") == 5)
        #expect(try value("I(a + b * c)") == 18)
        #expect(try value("I((a + b) * c)") == 28)
        #expect(try value("I(2 * -x)") == -6)
        #expect(try value("I(--x)") == 3)
        #expect(try value("I(x**2)") == 9)
        #expect(try value("I(1.5e1 + .5)") == 15.5)
        #expect(try value("I(a/b)") == 2.5)
        #expect(try value("log(a * b)") == Foundation.log(40.0))
        #expect(try value("sqrt(I(a + 6))") == 4)
        #expect(try value("exp(0 * x)") == 1)
        #expect(try value("log1p(x - 3)") == 0)
    }
}

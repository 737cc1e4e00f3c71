import Foundation
import XCTest

/// `gramflow derive`: its formats, --out, and its usage errors (exit 64, naming the option).
final class DeriveCommandTests: XCTestCase {
    func testPrintsEachFormat() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let markdown = try runner.run(["derive"])
        XCTAssertEqual(markdown.status, 0, markdown.stderr)
        XCTAssert(markdown.stdout.hasPrefix("# Overlap equations: rank 1, 1 input, 1 output, φ = linear"))
        XCTAssert(markdown.stdout.contains("dσ_m1m1/dτ = −2η[σ_m1v1 g_m1v1 + σ_m1z1 g_m1z1]"))

        let json = try runner.run(["derive", "--rank", "2", "--phi", "erf", "--format", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((object["visible"] as? [String])?.count, 15)
        XCTAssertEqual((object["equations"] as? [Any])?.count, 21)

        let sympy = try runner.run(["derive", "--format", "sympy"])
        XCTAssert(sympy.stdout.contains("from sympy import"), sympy.stderr)
        let latex = try runner.run(["derive", "--format", "latex", "--inputs", "2", "--outputs", "2"])
        XCTAssert(latex.stdout.contains("\\begin{document}") && latex.stdout.contains("\\end{document}"), latex.stderr)
    }

    func testOutWritesTheSameDocumentAndNothingElse() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let printed = try runner.run(["derive", "--phi", "tanh"])
        let written = try runner.run(["derive", "--phi", "tanh", "--out", "d.md"])
        XCTAssertEqual(written.status, 0, written.stderr)
        XCTAssertEqual(written.stdout, "")
        XCTAssertEqual(try String(contentsOf: runner.file("d.md"), encoding: .utf8), printed.stdout)
        XCTAssertEqual(runner.entries, ["d.md"], "no temporary file is left behind")
    }

    func testBadInputsExit64NamingTheOption() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        for (arguments, expected) in [
            (["derive", "--rank", "0"], "--rank: must be at least 1"),
            (["derive", "--inputs", "0"], "--inputs: must be at least 1"),
            (["derive", "--outputs=-2"], "--outputs: must be at least 1"),
            (["derive", "--rank", "7", "--inputs", "2", "--outputs", "2"], "--rank: D = K + 2R + O = 18 exceeds 16"),
            (["derive", "--format", "html"], "'html' is invalid for '--format"),
            (["derive", "--phi", "sigmoid"], "'sigmoid' is invalid for '--phi"),
            (["derive", "--out", "no/such/folder/d.md"], "--out: the parent folder"),
        ] {
            let result = try runner.run(arguments)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.stderr)")
            XCTAssert(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
        }
        XCTAssertEqual(runner.entries, [])
    }
}

import XCTest
import GramFlowCore
import Symbolic

/// The committed documents in derivations/ are exactly what `gramflow derive` prints now
/// (the same function, `Derivation.rendered(as:)`), and the other formats are well formed.
final class DerivationDocumentTests: XCTestCase {
    /// Every generated case: rank 1 and 2, linear and erf, one and two inputs, one output.
    /// `make derivations` writes the same list.
    static let cases: [(rank: Int, phi: Nonlinearity, inputs: Int)] =
        [1, 2].flatMap { r in [Nonlinearity.linear, .erf].flatMap { p in [1, 2].map { k in (r, p, k) } } }

    static func fileName(rank: Int, phi: Nonlinearity, inputs: Int) -> String { "rank\(rank)-\(phi.rawValue)-k\(inputs).md" }

    private let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("derivations")

    func testCommittedDocumentsMatchTheGenerator() throws {
        for c in Self.cases {
            let name = Self.fileName(rank: c.rank, phi: c.phi, inputs: c.inputs)
            let committed = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            let generated = Derivation(inputs: c.inputs, rank: c.rank, outputs: 1, nonlinearity: c.phi).rendered(as: .markdown)
            guard committed != generated else { continue }
            let old = committed.split(separator: "\n", omittingEmptySubsequences: false)
            let new = generated.split(separator: "\n", omittingEmptySubsequences: false)
            let line = (0..<min(old.count, new.count)).first { old[$0] != new[$0] } ?? min(old.count, new.count)
            XCTFail("derivations/\(name) differs from the generator at line \(line + 1); run `make derivations`:\n"
                + "committed: \(line < old.count ? String(old[line]) : "<end>")\ngenerated: \(line < new.count ? String(new[line]) : "<end>")")
        }
    }

    func testNoStaleGeneratedDocuments() throws {
        let present = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("rank") }
        XCTAssertEqual(Set(present), Set(Self.cases.map { Self.fileName(rank: $0.rank, phi: $0.phi, inputs: $0.inputs) }))
    }

    /// LaTeX: braces and environments balance. JSON: parses, with one equation per overlap.
    func testOtherFormatsAreWellFormed() throws {
        for phi in [Nonlinearity.linear, .erf, .tanh, .relu] {
            let d = Derivation(inputs: 2, rank: 2, outputs: 2, nonlinearity: phi)
            let latex = d.rendered(as: .latex)
            XCTAssertEqual(latex.filter { $0 == "{" }.count, latex.filter { $0 == "}" }.count, "\(phi)")
            for environment in ["document", "align*", "array"] {
                XCTAssertEqual(latex.components(separatedBy: "\\begin{\(environment)}").count,
                               latex.components(separatedBy: "\\end{\(environment)}").count, "\(phi) \(environment)")
            }
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(d.rendered(as: .json).utf8)) as? [String: Any])
            XCTAssertEqual((json["equations"] as? [Any])?.count, d.layout.overlapPairs.count)
            XCTAssertEqual(json["visible"] as? [String], d.visibility.visibleNames)
        }
    }
}

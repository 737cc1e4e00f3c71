import XCTest
import GramFlowCore
import Symbolic

/// Ḡ reassembles the flow: −η Σ_cd Ḡ_{ab,cd} g_cd = dσ_ab/dτ, exactly.
final class AugmentedGramTests: XCTestCase {
    func testGbarTimesGradientsIsTheFlow() {
        for (K, R, O) in sweptLayouts {
            for phi in [Nonlinearity.linear, .erf] {
                let d = Derivation(inputs: K, rank: R, outputs: O, nonlinearity: phi)
                XCTAssertEqual(d.gram.rows.count, d.layout.overlapPairs.count)
                XCTAssertEqual(d.gram.columns, d.visibility.gradientSymbols)
                for (entries, eq) in zip(d.gram.entries, d.flow.equations) {
                    var product = Polynomial()
                    for (entry, g) in zip(entries, d.gram.columns) {
                        XCTAssert(entry.symbols.allSatisfy { $0.kind == .overlap }, "Ḡ depends on the σ's only")
                        product += entry * Polynomial(g)
                    }
                    XCTAssertEqual(Polynomial(.eta) * product.scaled(by: Rational(-1)), eq.rate, "\(eq.overlap.pairName)")
                }
            }
        }
    }

    /// Rank 1, linear: 10 rows, 4 columns (g_vm, g_zm, g_vu, g_zu). Counted from the ten equations
    /// (RankOneEquationsTests): 2+4+3+3+2+3+3+2+4+2 = 28 non-zero entries.
    func testRankOneLinearPattern() {
        let gram = Derivation(inputs: 1, rank: 1, outputs: 1, nonlinearity: .linear).gram
        XCTAssertEqual(gram.columns.map(\.pairName), ["m1.v1", "m1.z1", "u1.v1", "u1.z1"])
        XCTAssertEqual(gram.nonZeroCount, 28)
    }
}

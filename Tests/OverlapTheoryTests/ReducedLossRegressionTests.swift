import XCTest
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory

/// The reduced loss after its speed-up (time-major trajectory, vectorised gains, reused
/// workspace) gives the very numbers of the implementation before it: L and every entry of G
/// bit for bit, recorded from that implementation (commit e1fc0a1) for erf and tanh at rank 1,
/// erf at rank 2 and linear φ (whose G since the closed constant-gain recurrences agrees to
/// rounding), on a 7-trial flip-flop batch (T = 120) from Gaussian overlaps. erf at rank 1 since
/// takes the vector kernel (`ErfRankOne`), whose sums over trials go lane by lane: L and G to
/// rounding (1e-14 relative, 1e-13 of max|G|).
final class ReducedLossRegressionTests: XCTestCase {
    /// (case, L's bits, G's bits row by row) from commit e1fc0a1.
    private let reference: [(String, UInt64, [UInt64])] = [
        ("erf-r1", 4604459887032810187, [4534332252551306089, 13749781347052149315, 4562266960543286453, 13805953861077729918, 13749781347052149315, 4520089580377996599, 13778137183790463523, 4577921196375372759, 4562266960543286453, 13778137183790463523, 0, 0, 13805953861077729918, 4577921196375372759, 0, 0]),
        ("tanh-r1", 4604459925230463363, [4535610577180754338, 13750952793601567336, 4562240929578662423, 13805951988986123150, 13750952793601567336, 4521792372533182729, 13778080615339908893, 4577897819343627663, 4562240929578662423, 13778080615339908893, 0, 0, 13805951988986123150, 4577897819343627663, 0, 0]),
        ("erf-r2", 4604526477363167070, [4541428219924869007, 4526862075871169458, 4523002246539210914, 4577124099082173180, 13803875440780241085, 13806018089103708596, 4526862075871169458, 4514905372822983137, 4512511840116601420, 4568098285795744334, 13792906872982303591, 13798806741022820473, 4523002246539210914, 4512511840116601420, 4510040322084676694, 4567372327728062708, 13791182730280043418, 13799620458590026085, 4577124099082173180, 4568098285795744334, 4567372327728062708, 0, 0, 0, 13803875440780241085, 13792906872982303591, 13791182730280043418, 0, 0, 0, 13806018089103708596, 13798806741022820473, 13799620458590026085, 0, 0, 0]),
        ("linear-r1", 4604459729431905543, [0, 0, 4562382173999381597, 13805960805790042321, 0, 0, 13778400374324265478, 4578030652522734772, 4562382173999381597, 13778400374324265478, 0, 0, 13805960805790042321, 4578030652522734772, 0, 0]),
    ]

    func testSameBitsAsBeforeTheSpeedUp() throws {
        let cases: [String: (Int, Nonlinearity)] = ["erf-r1": (1, .erf), "tanh-r1": (1, .tanh), "erf-r2": (2, .erf), "linear-r1": (1, .linear)]
        for (name, lossBits, gradientBits) in reference {
            let (rank, phi) = cases[name]!
            let spec = ModelSpec(rank: rank, dt: 0.05, nonlinearity: phi)
            let batch = FlipFlopTask(trials: 7).batch(steps: 120, dt: 0.05, random: RandomSource(seed: 11))
            let S = LowRankNetwork.gaussian(spec: spec, neurons: 40, random: RandomSource(seed: 5)).overlaps
            let loss = try makeOverlapLoss(spec: spec, batch: batch)
            // Twice: the second call runs on the reused workspace.
            let toRounding = name == "erf-r1"
            for _ in 0..<2 {
                let (L, G) = loss.lossAndGradient(S)
                if toRounding {
                    XCTAssertEqual(L, Double(bitPattern: lossBits), accuracy: 1e-14 * abs(L), name)
                } else {
                    XCTAssertEqual(L.bitPattern, lossBits, "\(name): L = \(L) against \(Double(bitPattern: lossBits))")
                }
                if phi == .linear || toRounding {
                    // Linear φ now takes the closed recurrences of `ConstantGainRankOne`: G to rounding
                    // (a few ulp here; 1e-13 of max|G|), L still bit for bit.
                    let expected = gradientBits.map { Double(bitPattern: $0) }, scale = expected.map(abs).max()!
                    for (g, e) in zip(G.storage, expected) { XCTAssertEqual(g, e, accuracy: 1e-13 * scale, "\(name): G") }
                } else {
                    XCTAssertEqual(G.storage.map(\.bitPattern), gradientBits, "\(name): G")
                }
            }
            if toRounding {
                XCTAssertEqual(loss.loss(S), Double(bitPattern: lossBits), accuracy: 1e-14, name)
            } else {
                XCTAssertEqual(loss.loss(S).bitPattern, lossBits, name)
            }
        }
    }
}

import XCTest
import GramFlowCore
import GramFlowNumerics
import OverlapTheory
import Symbolic
import TestSupport

/// The symbolic right-hand sides, evaluated at random states, against OverlapTheory's
/// numeric Gram flow −2η(GS + SG) and exact map (I − 2ηG)S(I − 2ηG).
/// Tolerance: 1e-12 relative to the largest entry of the numeric matrix.
final class FlowAgainstNumericTests: XCTestCase {
    private let eta = 0.05

    private func assertFlowMatches(_ d: Derivation, S: Matrix, G: Matrix, _ label: String,
                                   file: StaticString = #filePath, line: UInt = #line) {
        let numeric = gradientFlowDerivative(S: S, G: G, eta: eta)
        let binding = NumericBinding(layout: d.layout, S: S, G: G, eta: eta)
        for ((a, b), eq) in zip(d.layout.overlapPairs, d.flow.equations) {
            assertClose(binding.evaluate(eq.rate), numeric[a, b], absolute: 1e-12 * scale(numeric),
                        "\(label) d\(eq.overlap.pairName)/dτ", file: file, line: line)
        }
    }

    /// Linear and nonlinear φ with a random G on the visible pattern; the flow's form does not
    /// depend on φ once G is given, only which g's can be non-zero.
    func testFlowAtRandomStatesRanksOneToThree() {
        for (K, R, O) in sweptLayouts {
            for phi in [Nonlinearity.linear, .erf, .tanh] {
                let spec = ModelSpec(inputs: K, rank: R, outputs: O, nonlinearity: phi)
                let d = Derivation(inputs: K, rank: R, outputs: O, nonlinearity: phi)
                for seed in 0..<3 as Range<UInt64> {
                    assertFlowMatches(d, S: sampledOverlaps(spec.layout, seed: 10 + seed), G: randomGradient(spec, seed: 20 + seed),
                                      "K\(K) R\(R) O\(O) \(phi)")
                }
            }
        }
    }

    /// Linear φ with the real G = ∂L/∂S of the filter task (adjoint pass of ReducedOverlapLoss).
    func testFlowWithTheFilterTaskGradient() throws {
        for rank in 1...3 {
            let spec = ModelSpec(inputs: 1, rank: rank, outputs: 1, dt: 0.05)
            let batch = FilterTask().batch(steps: 100, dt: spec.dt, random: RandomSource(seed: 0))
            let S = sampledOverlaps(spec.layout, neurons: 50, seed: 30 + UInt64(rank))
            let G = try ReducedOverlapLoss(spec: spec, batch: batch).lossAndGradient(S).G
            XCTAssertGreaterThan(G.maxAbs, 1e-3, "a vanishing gradient would make the check empty")
            assertFlowMatches(Derivation(inputs: 1, rank: rank, outputs: 1, nonlinearity: .linear), S: S, G: G, "filter rank \(rank)")
        }
    }

    /// The map is S − 2η(GS+SG) + 4η²GSG exactly, so the symbolic σ' equals gradientDescentMap to
    /// rounding at every η (there is no O(η³) remainder to shrink), while dropping the η² term
    /// leaves an error that falls by exactly 4 when η halves.
    func testSecondOrderMapIsTheExactMap() {
        for (K, R, O) in sweptLayouts {
            for phi in [Nonlinearity.linear, .erf] {
                let spec = ModelSpec(inputs: K, rank: R, outputs: O, nonlinearity: phi)
                let d = Derivation(inputs: K, rank: R, outputs: O, nonlinearity: phi)
                let S = sampledOverlaps(spec.layout, seed: 40), G = randomGradient(spec, seed: 41)
                var firstOrderErrors: [Double] = []
                for step in [0.2, 0.1, 0.05] {
                    let exact = gradientDescentMap(S: S, G: G, eta: step)
                    let binding = NumericBinding(layout: d.layout, S: S, G: G, eta: step)
                    var firstOrderError = 0.0
                    for ((a, b), eq) in zip(d.layout.overlapPairs, d.flow.equations) {
                        assertClose(binding.evaluate(eq.mapped), exact[a, b], absolute: 1e-12 * scale(exact),
                                    "K\(K) R\(R) O\(O) \(phi) η=\(step) \(eq.overlap.pairName)'")
                        let firstOrder = S[a, b] + binding.evaluate(eq.rate)
                        firstOrderError = max(firstOrderError, abs(firstOrder - exact[a, b]))
                    }
                    firstOrderErrors.append(firstOrderError)
                }
                assertClose(firstOrderErrors[0] / firstOrderErrors[1], 4, relative: 1e-6)
                assertClose(firstOrderErrors[1] / firstOrderErrors[2], 4, relative: 1e-6)
            }
        }
    }
}

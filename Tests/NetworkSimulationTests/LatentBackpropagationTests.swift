import XCTest
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import TestSupport

/// The latent-coordinate BPTT (`Backpropagation`, issue 12) against the stored-state BPTT it
/// replaced (`ReferenceBackpropagation`: h_t by the Euler recursion, libm's φ, BLAS sums);
/// stored against rebuilt states, and one thread against two, bit for bit.
final class LatentBackpropagationTests: XCTestCase {
    private func gradient(_ pass: Backpropagation, _ network: LowRankNetwork, _ batch: TaskBatch) -> (Double, Matrix) {
        var g: Matrix? = Matrix(rows: network.neurons, cols: network.spec.layout.dimension)
        let loss = pass.evaluate(network, batch: batch, gradient: &g)
        return (loss, g!)
    }

    /// Loss and every gradient entry within 1e-12 relative (of the loss, of max|∂L/∂P|):
    /// the two differ by rounding order (h_t = [M U] c_t against the recursion) and by
    /// SLEEF's φ against libm's (≤ 2 ulp, `VectorMathTests`), amplified over T steps.
    func testMatchesStoredStateReference() {
        // (2, 2, 1): the rank-2 one-output loop; (1, 3, 1) and (2, 2, 2): the 4-wide backward rows
        // (K+R = R+O = 4); (1, 3, 2): the general loops.
        let shapes = [(1, 1, 1), (2, 2, 2), (1, 3, 2), (2, 2, 1), (1, 3, 1)]
        for phi in Nonlinearity.allCases { for (K, R, O) in shapes {
            let spec = ModelSpec(inputs: K, rank: R, outputs: O, dt: 0.1, nonlinearity: phi)
            let N = 301  // more than one block of neurons, and a last group of four with one
            let batch = randomBatch(trials: 3, steps: 40, inputs: spec.inputs, outputs: spec.outputs, seed: 11)
            let network = LowRankNetwork.gaussian(spec: spec, neurons: N, random: RandomSource(seed: 12))
            var expected: Matrix? = Matrix(rows: N, cols: spec.layout.dimension)
            let expectedLoss = ReferenceBackpropagation(spec: spec, neurons: N, steps: batch.steps)
                .evaluate(network, batch: batch, gradient: &expected)
            let (loss, g) = gradient(Backpropagation(spec: spec, neurons: N, steps: batch.steps), network, batch)
            let label = "\(phi) K\(K) R\(R) O\(O)"
            assertClose(loss, expectedLoss, relative: 1e-12, label)
            XCTAssertGreaterThan(expected!.maxAbs, 0)
            assertClose(g, expected!, absolute: 1e-12 * expected!.maxAbs, label)
            var none: Matrix? = nil
            let lossOnly = Backpropagation(spec: spec, neurons: N, steps: batch.steps).evaluate(network, batch: batch, gradient: &none)
            XCTAssertEqual(lossOnly, loss, label)
        } }
    }

    /// φ(h_t) stored in the forward pass or rebuilt from c_t in the backward pass: the same bits,
    /// in the general loops (K = R = 2) and in the rank-1 kernels (K = R = O = 1, whose stored
    /// pass runs t outside and rebuilt pass t inside; N = 270 ends on a partial group of four).
    func testStoredAndRecomputedStatesAgreeExactly() {
        for phi in Nonlinearity.allCases { for (K, R) in [(2, 2), (1, 1), (1, 3)] {
            let spec = ModelSpec(inputs: K, rank: R, outputs: 1, dt: 0.1, nonlinearity: phi)
            let batch = randomBatch(trials: 3, steps: 30, inputs: spec.inputs, outputs: spec.outputs, seed: 3)
            let network = LowRankNetwork.gaussian(spec: spec, neurons: 270, random: RandomSource(seed: 4))
            let stored = gradient(Backpropagation(spec: spec, neurons: 270, steps: 30, storage: .stored), network, batch)
            let rebuilt = gradient(Backpropagation(spec: spec, neurons: 270, steps: 30, storage: .recomputed), network, batch)
            XCTAssertEqual(stored.0, rebuilt.0, "\(phi) K\(K) R\(R)")
            XCTAssertEqual(stored.1, rebuilt.1, "\(phi) K\(K) R\(R)")
        } }
    }

    /// Two threads (one half of the trials each) against one: the same bits.
    func testTwoThreadsAgreeExactlyWithOne() {
        for phi in [Nonlinearity.linear, .tanh, .erf] { for (K, R, O) in [(1, 1, 1), (2, 2, 1), (1, 3, 1), (2, 2, 2)] {
            let spec = ModelSpec(inputs: K, rank: R, outputs: O, dt: 0.1, nonlinearity: phi)
            let batch = randomBatch(trials: 5, steps: 60, inputs: spec.inputs, outputs: spec.outputs, seed: 5)  // B·T·N = 3·10^5: two threads start
            let network = LowRankNetwork.gaussian(spec: spec, neurons: 1000, random: RandomSource(seed: 6))
            let one = Backpropagation(spec: spec, neurons: 1000, steps: 60)
            one.threads = 1
            let two = Backpropagation(spec: spec, neurons: 1000, steps: 60)
            two.threads = 2
            let a = gradient(one, network, batch), b = gradient(two, network, batch)
            XCTAssertEqual(a.0, b.0, "\(phi)")
            XCTAssertEqual(a.1, b.1, "\(phi)")
            let again = gradient(two, network, batch)  // workspaces reused
            XCTAssertEqual(again.1, b.1, "\(phi)")
        } }
    }
}

import XCTest
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import TestSupport

/// The network's one forward pass (`TrialPass`, latent coordinates) as the outputs and the KPFlow
/// state trajectory read it, against the Euler recursion on h itself with the dense N×N
/// connectivity W = U Vᵀ/N and libm's φ, written out here.
final class ForwardPassTests: XCTestCase {
    /// h_t (t = 1..T), φ(h_t), φ'(h_t) (t = 0..T), a_t = Vᵀφ(h_t)/N and y_t = Zᵀφ(h_t)/N of every trial.
    private func dense(_ network: LowRankNetwork, _ batch: TaskBatch)
        -> (h: [Double], phi: [Double], slope: [Double], a: [Double], y: [Double]) {
        let spec = network.spec, N = network.neurons, B = batch.trials, T = batch.steps
        let K = spec.inputs, R = spec.rank, O = spec.outputs, layout = spec.layout, f = spec.nonlinearity
        let P = network.parameters
        var W = Matrix(rows: N, cols: N)
        for i in 0..<N { for j in 0..<N {
            W[i, j] = (0..<R).reduce(0) { $0 + P[i, layout.uIndices[$1]] * P[j, layout.vIndices[$1]] } / Double(N)
        } }
        var hs: [Double] = [], phis: [Double] = [], slopes: [Double] = [], a: [Double] = []
        var y = [Double](repeating: 0, count: batch.target.count)
        for b in 0..<B {
            var h = [Double](repeating: 0, count: N)
            for t in 0...T {
                let phi = h.map(f.value)
                phis += phi; slopes += h.map(f.derivative)
                if t >= 1 {
                    hs += h
                    for o in 0..<O {
                        y[batch.targetIndex(b, t, o)] = (0..<N).reduce(0) { $0 + P[$1, layout.zIndices[o]] * phi[$1] } / Double(N)
                    }
                }
                guard t < T else { break }
                for r in 0..<R { a.append((0..<N).reduce(0) { $0 + P[$1, layout.vIndices[r]] * phi[$1] } / Double(N)) }
                h = (0..<N).map { i in
                    var drive = (0..<N).reduce(0) { $0 + W[i, $1] * phi[$1] }
                    for k in 0..<K { drive += P[i, layout.mIndices[k]] * batch.x[batch.inputIndex(b, t, k)] }
                    return (1 - spec.alpha) * h[i] + spec.alpha * drive
                }
            }
        }
        return (hs, phis, slopes, a, y)
    }

    /// Outputs and trajectory within 1e-12 of the dense recursion (relative to the largest entry):
    /// the two differ by rounding order and by the vectorised φ (≤ 2 ulp, `VectorMathTests`).
    func testOutputsAndTrajectoryMatchDenseRecursion() {
        for phi in Nonlinearity.allCases { for (K, R, O) in [(1, 1, 1), (2, 2, 2), (1, 3, 2)] {
            let spec = ModelSpec(inputs: K, rank: R, outputs: O, dt: 0.1, nonlinearity: phi)
            let batch = randomBatch(trials: 3, steps: 25, inputs: K, outputs: O, seed: 21)
            var network = LowRankNetwork.gaussian(spec: spec, neurons: 37, random: RandomSource(seed: 22))
            // Strong recurrence, so the trajectory is far from the input-driven one.
            for i in 0..<37 { network.parameters[i, spec.layout.vIndices[0]] += 1.5 * network.parameters[i, spec.layout.uIndices[0]] }
            let expected = dense(network, batch), label = "\(phi) K\(K) R\(R) O\(O)"
            let trajectory = StateTrajectory(network: network, batch: batch)
            let outputs = network.outputs(batch)
            for (name, got, want) in [("h", trajectory.h, expected.h), ("φ", trajectory.phi, expected.phi),
                                      ("φ'", trajectory.phiPrime, expected.slope), ("a", trajectory.latent, expected.a),
                                      ("y", outputs, expected.y)] {
                XCTAssertEqual(got.count, want.count, "\(label) \(name)")
                let scale = want.map(abs).max() ?? 0
                XCTAssertGreaterThan(scale, 1e-3, "\(label) \(name)")
                let worst = zip(got, want).map { abs($0 - $1) }.max() ?? 0
                XCTAssertLessThanOrEqual(worst, 1e-12 * scale, "\(label) \(name)")
            }
        } }
    }
}

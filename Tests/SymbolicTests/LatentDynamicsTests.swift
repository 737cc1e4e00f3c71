import XCTest
import GramFlowCore
import GramFlowNumerics
import OverlapTheory
import Symbolic
import TestSupport

/// The symbolic reduced dynamics against independent computations: the linear loss of
/// OverlapTheory, and Stein's lemma against explicit Gaussian vectors.
final class LatentDynamicsTests: XCTestCase {
    /// Linear φ: stepping the symbolic κ, ξ and y equations through a batch gives the loss of
    /// ReducedOverlapLoss, L = (dt/B) Σ mask (y − y*)², to rounding.
    func testLinearEquationsReproduceTheOverlapLoss() throws {
        let (K, R, O) = (2, 2, 2)
        let spec = ModelSpec(inputs: K, rank: R, outputs: O, dt: 0.1)
        let dynamics = ReducedDynamics(layout: spec.layout, nonlinearity: .linear)
        let random = RandomSource(seed: 70)
        var batch = TaskBatch(trials: 2, steps: 25, inputs: K, outputs: O)
        for i in batch.x.indices { batch.x[i] = random.gaussian() }
        for i in batch.target.indices { batch.target[i] = random.gaussian(); batch.mask[i] = random.uniform() < 0.7 ? 1 : 0 }
        let S = sampledOverlaps(spec.layout, seed: 71)
        var loss = 0.0
        for b in 0..<batch.trials {
            var kappa = [Double](repeating: 0, count: R), xi = [Double](repeating: 0, count: K)
            for t in 1...batch.steps {
                var previous: [Symbol: Double] = [.alpha: spec.alpha]
                for r in 0..<R { previous[.kappa(r + 1, .previous)] = kappa[r] }
                for k in 0..<K {
                    previous[.xi(k + 1, .previous)] = xi[k]
                    previous[.input(k + 1, .previous)] = batch.x[batch.inputIndex(b, t - 1, k)]
                }
                let step = NumericBinding(layout: spec.layout, S: S, G: S, eta: 0, others: previous)
                kappa = dynamics.kappaUpdates.map(step.evaluate)
                xi = dynamics.xiUpdates.map(step.evaluate)
                var current: [Symbol: Double] = [:]
                for r in 0..<R { current[.kappa(r + 1, .current)] = kappa[r] }
                for k in 0..<K { current[.xi(k + 1, .current)] = xi[k] }
                let readout = NumericBinding(layout: spec.layout, S: S, G: S, eta: 0, others: current)
                for (o, y) in dynamics.readouts.map(readout.evaluate).enumerated() {
                    let i = batch.targetIndex(b, t, o)
                    loss += batch.mask[i] * (y - batch.target[i]) * (y - batch.target[i])
                }
            }
        }
        loss *= spec.dt / Double(batch.trials)
        assertClose(loss, try ReducedOverlapLoss(spec: spec, batch: batch).loss(S), relative: 1e-12)
    }

    /// Stein's lemma for erf(√π x/2): with N Gaussian rows and h = Σ_j c_j e_j, the projections
    /// v·φ(h)/N and z·φ(h)/N approach the symbolic drive and readout with
    /// ⟨φ'⟩(Δ) = (1 + πΔ/2)^(−1/2). Vectors are mixed so that the projections are O(1);
    /// fluctuations are O(1/√N) (≤ 6e-3 seen at N = 10⁵); tolerance 0.02.
    /// Δ = |h|²/N holds exactly for the measured S.
    func testGaussianClosureAgainstSampledVectors() {
        let layout = VectorLayout(inputs: 1, rank: 2, outputs: 1)
        let dynamics = ReducedDynamics(layout: layout, nonlinearity: .erf)
        let neurons = 100_000
        let random = RandomSource(seed: 80)
        // Rows x_i L with a fixed random mixing L: correlated vectors, so every overlap is O(1).
        let D = layout.dimension
        var mixing = Matrix.identity(D)
        for i in 0..<D { for j in 0..<D { mixing[i, j] += 0.6 * random.gaussian() } }
        let vectors = Matrix(rows: neurons, cols: D, storage: random.gaussians(neurons * D)) * mixing
        let S = vectors.gram(scale: 1 / Double(neurons))
        let coordinates: [Symbol: Double] = [.kappa(1, .current): 0.8, .kappa(2, .current): -0.5, .xi(1, .current): 1.1]
        var h = [Double](repeating: 0, count: neurons)
        for (column, c) in [(layout.u(0), 0.8), (layout.u(1), -0.5), (layout.m(0), 1.1)] {
            for i in 0..<neurons { h[i] += c * vectors[i, column] }
        }
        var bound = NumericBinding(layout: layout, S: S, G: S, eta: 0, others: coordinates)
        let delta = bound.evaluate(dynamics.delta)
        assertClose(delta, h.reduce(0) { $0 + $1 * $1 } / Double(neurons), relative: 1e-12)
        let gain = 1 / (1 + Double.pi * delta / 2).squareRoot()
        XCTAssertLessThan(gain, 0.8, "the gain must differ from the linear 1 for the check to mean anything")
        bound.others[.meanSlope(.current)] = gain

        func projection(_ column: Int) -> Double {
            var sum = 0.0
            for i in 0..<neurons { sum += vectors[i, column] * Nonlinearity.erf.value(h[i]) }
            return sum / Double(neurons)
        }
        assertClose(bound.evaluate(dynamics.readouts[0]), projection(layout.z(0)), absolute: 0.02, "y = z·φ(h)/N")
        // The drives a_r are written at t−1: bind those symbols to the same coordinates.
        bound.others[.kappa(1, .previous)] = 0.8
        bound.others[.kappa(2, .previous)] = -0.5
        bound.others[.xi(1, .previous)] = 1.1
        bound.others[.meanSlope(.previous)] = bound.others[.meanSlope(.current)]
        for r in 0..<2 {
            let drive = bound.evaluate(dynamics.slope.gain(.previous) * dynamics.recurrentInputs[r])
            assertClose(drive, projection(layout.v(r)), absolute: 0.02, "a\(r + 1) = v·φ(h)/N")
        }
    }
}

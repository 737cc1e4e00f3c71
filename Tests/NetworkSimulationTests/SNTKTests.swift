import XCTest
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import TestSupport

/// The state-space NTK: top eigenpairs by Lanczos on the parameter side against the
/// dense state-space Θ, and the fixed-point sensitivity J_∞ against finite differences
/// of the fixed point and against the long-time limit of the trajectory sensitivity.
final class SNTKTests: XCTestCase {
    private func network(_ spec: ModelSpec, neurons: Int, recurrence: Double, seed: UInt64) -> LowRankNetwork {
        var net = LowRankNetwork.gaussian(spec: spec, neurons: neurons, random: RandomSource(seed: seed))
        let l = spec.layout
        for i in 0..<neurons { net.parameters[i, l.v(0)] = 0.3 * net.parameters[i, l.v(0)] + recurrence * net.parameters[i, l.u(0)] }
        return net
    }

    func testTopEigenpairsMatchDenseStateSpaceKernel() throws {
        let spec = ModelSpec(inputs: 1, rank: 1, outputs: 1, dt: 0.2, nonlinearity: .erf)
        let random = RandomSource(seed: 2)
        var batch = TaskBatch(trials: 2, steps: 10, inputs: 1, outputs: 1)
        for i in batch.x.indices { batch.x[i] = random.gaussian() }
        let ntk = StateSpaceNTK(network: network(spec, neurons: 12, recurrence: 0.9, seed: 4), batch: batch)
        let n = ntk.operators.trajectory.tensorCount
        var dense = Matrix(rows: n, cols: n)
        for j in 0..<n {
            var e = [Double](repeating: 0, count: n); e[j] = 1
            let column = ntk.operators.ntk(e)
            for i in 0..<n { dense[i, j] = column[i] }
        }
        let reference = try SymmetricEigen(dense.symmetrized)
        let top = try ntk.topEigenpairs(5)
        for r in 0..<5 {
            let expected = reference.values[n - 1 - r]
            assertClose(top.values[r], expected, relative: 1e-10)
            XCTAssertLessThan(top.residuals[r], 1e-8 * top.values[0])
        }
        // Traces agree: tr Θ = tr JᵀJ.
        let gram = ntk.denseParameterGram()
        assertClose(gram.trace, dense.trace, relative: 1e-12)
    }

    /// J_∞ dθ against central differences of the fixed point h* (step 1e-6).
    func testFixedPointSensitivityMatchesFiniteDifferences() throws {
        for phi in [Nonlinearity.erf, .tanh] {
            let spec = ModelSpec(inputs: 1, rank: 2, outputs: 1, dt: 0.2, nonlinearity: phi)
            let net = network(spec, neurons: 40, recurrence: 0.7, seed: 9)
            let x = [0.8]
            let steady = try SteadyStateNTK(network: net, input: x)
            let D = spec.layout.dimension
            let direction = Matrix(rows: 40, cols: D, storage: RandomSource(seed: 1).gaussians(40 * D))
            let analytic = try steady.sensitivity(direction)
            let epsilon = 1e-6
            let fd = try centralDifference(step: epsilon) { t in
                var moved = net
                for i in moved.parameters.storage.indices { moved.parameters.storage[i] += t * direction.storage[i] }
                return try SteadyStateNTK(network: moved, input: x, guess: steady.latent).state
            }
            let scale = analytic.reduce(0) { max($0, abs($1)) }
            XCTAssertGreaterThan(scale, 0.1)
            for i in 0..<40 { assertClose(analytic[i], fd[i], absolute: 1e-7 * scale, "\(phi) neuron \(i)") }
        }
    }

    /// The trajectory sensitivity (P Jθ dθ)_T under a constant input converges to J_∞ dθ
    /// (contraction |1 − α(1 − σ_vu F)| ≤ 0.9 per step, T = 400: remainder ≤ 1e-18).
    func testTrajectorySensitivityConvergesToFixedPoint() throws {
        let spec = ModelSpec(inputs: 1, rank: 1, outputs: 1, dt: 0.5, nonlinearity: .erf)
        let net = network(spec, neurons: 30, recurrence: 0.5, seed: 3)
        let T = 400
        var batch = TaskBatch(trials: 1, steps: T, inputs: 1, outputs: 1)
        for i in batch.x.indices { batch.x[i] = 0.6 }
        let ops = KPFlowOperators(network: net, batch: batch)
        let steady = try SteadyStateNTK(network: net, input: [0.6])
        let direction = Matrix(rows: 30, cols: spec.layout.dimension, storage: RandomSource(seed: 5).gaussians(30 * spec.layout.dimension))
        let trajectory = ops.sensitivity(direction)
        let limit = try steady.sensitivity(direction)
        let last = ops.trajectory.index(0, T)
        for i in 0..<30 {
            assertClose(ops.trajectory.h[last + i], steady.state[i], absolute: 1e-12)
            assertClose(trajectory[last + i], limit[i], absolute: 1e-10)
        }
    }
}

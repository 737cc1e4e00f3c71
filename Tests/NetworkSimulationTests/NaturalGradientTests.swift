import XCTest
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import TestSupport

/// The low-rank natural gradient against its dense definition, and e = ∂L/∂h against BPTT.
final class NaturalGradientTests: XCTestCase {
    private func problem() -> (LowRankNetwork, TaskBatch) {
        let spec = ModelSpec(inputs: 1, rank: 1, outputs: 1, dt: 0.2, nonlinearity: .erf)
        let random = RandomSource(seed: 12)
        var batch = TaskBatch(trials: 2, steps: 6, inputs: 1, outputs: 1)
        for i in batch.x.indices { batch.x[i] = random.gaussian() }
        for i in batch.target.indices { batch.target[i] = random.gaussian() }
        var net = LowRankNetwork.gaussian(spec: spec, neurons: 8, random: random)
        for i in 0..<8 { net.parameters[i, spec.layout.v(0)] += 0.9 * net.parameters[i, spec.layout.u(0)] }
        return (net, batch)
    }

    /// Jᵀ e with e = ∂L/∂h equals the BPTT gradient on M, U, V, and the losses agree.
    func testStateErrorGivesBackpropagationGradient() {
        let (net, batch) = problem()
        let ops = KPFlowOperators(network: net, batch: batch)
        let (loss, e) = NaturalGradient.stateError(ops, batch: batch)
        let g = ops.sensitivityTranspose(e)
        var reference: Matrix? = Matrix(rows: 8, cols: net.spec.layout.dimension)
        let bpttLoss = Backpropagation(spec: net.spec, neurons: 8, steps: batch.steps).evaluate(net, batch: batch, gradient: &reference)
        assertClose(loss, bpttLoss, relative: 1e-13)
        let l = net.spec.layout
        for i in 0..<8 { for j in l.mIndices + l.uIndices + l.vIndices {
            assertClose(g[i, j], reference![i, j], absolute: 1e-12 * reference!.maxAbs)
        } }
    }

    /// The step equals −ηN Jᵀ(Θ_k + εI)⁻¹e with Θ_k the top-2 part of the dense Θ = P K P*.
    func testStepMatchesDenseWoodburyDefinition() throws {
        let (net, batch) = problem()
        let ops = KPFlowOperators(network: net, batch: batch)
        let (_, e) = NaturalGradient.stateError(ops, batch: batch)
        let n = ops.trajectory.tensorCount, k = 2, epsilon = 0.3, eta = 0.01
        var theta = Matrix(rows: n, cols: n)
        for j in 0..<n {
            var unit = [Double](repeating: 0, count: n); unit[j] = 1
            let column = ops.ntk(unit)
            for i in 0..<n { theta[i, j] = column[i] }
        }
        let eigen = try SymmetricEigen(theta.symmetrized)
        var thetaK = Matrix(rows: n, cols: n)
        for r in 0..<k {
            let j = n - 1 - r, lambda = eigen.values[j]
            for a in 0..<n { for b in 0..<n { thetaK[a, b] += lambda * eigen.vectors[a, j] * eigen.vectors[b, j] } }
        }
        let solved = try solveLinear(thetaK + epsilon * Matrix.identity(n), e)
        let reference = ops.sensitivityTranspose(solved)
        var stepped = net
        try NaturalGradient(epsilon: epsilon, modes: k).step(&stepped, batch: batch, eta: eta)
        let l = net.spec.layout, scale = eta * 8
        for i in 0..<8 { for j in l.mIndices + l.uIndices + l.vIndices {
            let delta = stepped.parameters[i, j] - net.parameters[i, j]
            assertClose(delta, -scale * reference[i, j], absolute: 1e-10 * scale * reference.maxAbs)
        } }
    }
}

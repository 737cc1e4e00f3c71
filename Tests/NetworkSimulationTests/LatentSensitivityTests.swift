import XCTest
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import TestSupport

/// `LatentSensitivity` (JᵀJ on a block and the gradient in latent coordinates) against the
/// tensor path of `KPFlowOperators` (Jθᵀ P* P Jθ per direction) and against BPTT.
final class LatentSensitivityTests: XCTestCase {
    private func problem(_ spec: ModelSpec, neurons N: Int, trials: Int, steps: Int) -> (LowRankNetwork, TaskBatch) {
        let random = RandomSource(seed: 21)
        var batch = TaskBatch(trials: trials, steps: steps, inputs: spec.inputs, outputs: spec.outputs)
        for i in batch.x.indices { batch.x[i] = random.gaussian() }
        for i in batch.target.indices { batch.target[i] = random.gaussian() }
        for i in batch.mask.indices { batch.mask[i] = i % 3 == 0 ? 0 : 1 }
        var net = LowRankNetwork.gaussian(spec: spec, neurons: N, random: random)
        // Strong recurrence, so the U Vᵀ terms of P and P* matter.
        for i in 0..<N { for r in 0..<spec.rank { net.parameters[i, spec.layout.v(r)] += 1.3 * net.parameters[i, spec.layout.u(r)] } }
        return (net, batch)
    }

    private let specs = [ModelSpec(inputs: 1, rank: 1, outputs: 1, dt: 0.1, nonlinearity: .erf),
                         ModelSpec(inputs: 2, rank: 2, outputs: 3, dt: 0.2, nonlinearity: .tanh),
                         ModelSpec(inputs: 1, rank: 2, outputs: 1, dt: 0.2, nonlinearity: .linear),
                         ModelSpec(inputs: 2, rank: 1, outputs: 2, dt: 0.1, nonlinearity: .relu)]

    /// JᵀJ dθ_j for a block of 4 random directions equals the per-direction tensor path
    /// Jθᵀ P* P Jθ dθ_j, entry by entry to 1e-12 of the largest entry, for erf, tanh, linear and relu.
    func testBlockGramMatchesTensorPath() {
        for spec in specs {
            let (net, batch) = problem(spec, neurons: 40, trials: 3, steps: 25)
            let ops = KPFlowOperators(network: net, batch: batch)
            let random = RandomSource(seed: 3)
            let D = spec.layout.dimension
            let block = (0..<4).map { _ in Matrix(rows: 40, cols: D, storage: random.gaussians(40 * D)) }
            let latent = LatentSensitivity(ops).parameterGram(block: block)
            XCTAssertEqual(latent.count, 4)
            for (direction, image) in zip(block, latent) {
                let reference = ops.sensitivityTranspose(ops.sensitivity(direction))
                XCTAssertGreaterThan(reference.maxAbs, 1e-3)
                assertClose(image, reference, absolute: 1e-12 * reference.maxAbs, "\(spec.nonlinearity)")
            }
        }
    }

    /// The fused gradient equals BPTT's ∂L/∂P (M, U, V and Z) to 1e-12 and the loss to 1e-13;
    /// the block products returned with it equal those without the gradient.
    func testGradientMatchesBackpropagation() {
        for spec in specs {
            let (net, batch) = problem(spec, neurons: 30, trials: 4, steps: 20)
            let ops = KPFlowOperators(network: net, batch: batch)
            var reference: Matrix? = Matrix(rows: 30, cols: spec.layout.dimension)
            let loss = Backpropagation(spec: spec, neurons: 30, steps: batch.steps).evaluate(net, batch: batch, gradient: &reference)
            let direction = Matrix(rows: 30, cols: spec.layout.dimension, storage: RandomSource(seed: 5).gaussians(30 * spec.layout.dimension))
            let latent = LatentSensitivity(ops)
            let fused = latent.gradientAndGram(batch: batch, block: [direction])
            assertClose(fused.loss, loss, relative: 1e-13, "\(spec.nonlinearity)")
            assertClose(fused.gradient, reference!, absolute: 1e-12 * reference!.maxAbs, "\(spec.nonlinearity)")
            let alone = latent.parameterGram(block: [direction])[0]
            assertClose(fused.images[0], alone, absolute: 1e-14 * alone.maxAbs, "\(spec.nonlinearity)")
        }
    }

    /// Through `StateSpaceNTK`: the block entry point (latent) equals the single-vector one (tensor
    /// path) on flat moving-parameter vectors, to 1e-12.
    func testStateSpaceNTKBlockMatchesSingleVector() {
        let (net, batch) = problem(specs[0], neurons: 50, trials: 2, steps: 30)
        let ntk = StateSpaceNTK(network: net, batch: batch)
        let random = RandomSource(seed: 8)
        let block = (0..<3).map { _ in random.gaussians(ntk.parameterCount) }
        for (v, image) in zip(block, ntk.parameterGram(block: block)) {
            let reference = ntk.parameterGram(v)
            let scale = reference.map(abs).max()!
            for (x, y) in zip(image, reference) { assertClose(x, y, absolute: 1e-12 * scale) }
        }
    }
}

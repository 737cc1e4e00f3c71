import XCTest
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import TestSupport

/// The dense RNN and the GRU (`RecurrentModel`): the KPFlow operators' adjoint identities,
/// P K P* = J Jᵀ against a finite-difference Jacobian of the trajectory, the BPTT gradient
/// against finite differences of the loss, the Kronecker core against the matrix-free K,
/// and GD / Adam through the engine.
final class RecurrentModelTests: XCTestCase {
    private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    private func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }

    private func dense(_ N: Int, phi: Nonlinearity = .tanh) -> DenseRNN {
        DenseRNN.gaussian(neurons: N, inputs: 2, outputs: 2, dt: 0.2, nonlinearity: phi, gain: 1.5, random: RandomSource(seed: 3))
    }
    private func gru(_ N: Int) -> GRUNetwork {
        var net = GRUNetwork.gaussian(neurons: N, inputs: 2, outputs: 2, dt: 0.2, gain: 1.5, random: RandomSource(seed: 4))
        // Non-zero biases, so that every bias term of Jθ is exercised.
        let random = RandomSource(seed: 9)
        for g in GRUNetwork.Gate.allCases { for i in 0..<N { net.parameters[net.biasOffset(g) + i] = 0.5 * random.gaussian() } }
        for i in 0..<N { net.parameters[net.candidateRecurrentBiasOffset + i] = 0.5 * random.gaussian() }
        return net
    }

    /// ⟨Pq, r⟩ = ⟨q, P*r⟩, ⟨Jθv, q⟩ = ⟨v, Jθᵀq⟩, K and Θ symmetric, to 1e-12 relative to ‖·‖‖·‖.
    private func checkAdjoints<M: RecurrentModel>(_ model: M, _ label: String) {
        let batch = randomBatch(trials: 3, steps: 12, inputs: model.inputs, outputs: model.outputs, seed: 21)
        let ops = model.forward(batch)
        let random = RandomSource(seed: 5)
        let q = random.gaussians(ops.tensorCount), r = random.gaussians(ops.tensorCount)
        let pq = ops.propagate(q), psr = ops.propagateAdjoint(r)
        XCTAssertGreaterThan(norm(zip(pq, q).map { $0 - $1 }), 0.1 * norm(q), "\(label): P must not be the identity")
        assertClose(dot(pq, r), dot(q, psr), absolute: 1e-12 * norm(pq) * norm(r), "\(label) P")
        let v = random.gaussians(ops.parameterCount)
        let jv = ops.parameterJacobian(v), jtq = ops.parameterJacobianTranspose(q)
        assertClose(dot(jv, q), dot(v, jtq), absolute: 1e-12 * norm(jv) * norm(q), "\(label) Jθ")
        let kq = ops.parameterOperator(q), kr = ops.parameterOperator(r)
        assertClose(dot(kq, r), dot(q, kr), absolute: 1e-12 * norm(kq) * norm(r), "\(label) K")
        let nq = ops.ntk(q), nr = ops.ntk(r)
        assertClose(dot(nq, r), dot(q, nr), absolute: 1e-12 * norm(nq) * norm(r), "\(label) Θ")
    }

    func testAdjointIdentities() {
        checkAdjoints(dense(20), "dense tanh")
        checkAdjoints(dense(15, phi: .erf), "dense erf")
        checkAdjoints(gru(18), "GRU")
    }

    /// Θ = P K P* applied to every unit tensor against J Jᵀ, J = ∂h/∂θ by central differences
    /// (step 1e-5, truncation O(1e-10)), to 1e-8 of max|JJᵀ|.
    private func checkFactorisation<M: RecurrentModel>(_ model: M, _ label: String) {
        let batch = randomBatch(trials: 2, steps: 4, inputs: model.inputs, outputs: model.outputs, seed: 22)
        let ops = model.forward(batch)
        let jacobian = trajectoryJacobian(model, batch: batch)
        let reference = jacobian * jacobian.transposed
        let operatorForm = denseMatrix(size: ops.tensorCount, ops.ntk)
        XCTAssertGreaterThan(reference.maxAbs, 1e-3)
        assertClose(operatorForm, reference, absolute: 1e-8 * reference.maxAbs, label)
    }

    func testNTKMatchesFiniteDifferenceJacobian() {
        checkFactorisation(dense(5), "dense")
        checkFactorisation(gru(4), "GRU")
    }

    /// ∂L/∂θ (BPTT, every coordinate including W_out) against the fourth-order difference of
    /// L (step 1e-4, truncation O(1e-16)), to 1e-7 of max|∇L|.
    private func checkGradient<M: RecurrentModel>(_ model: M, _ label: String) {
        let batch = randomBatch(trials: 3, steps: 7, inputs: model.inputs, outputs: model.outputs, seed: 23)
        var gradient: [Double]? = []
        _ = model.loss(batch, gradient: &gradient)
        let g = gradient!
        XCTAssertEqual(g.count, model.parameters.count)
        let scale = g.reduce(0) { max($0, abs($1)) }
        XCTAssertGreaterThan(scale, 1e-3)
        for j in g.indices {
            let reference = fourthOrderDifference(step: 1e-4) { t in
                var moved = model
                moved.parameters[j] += t
                var none: [Double]? = nil
                return moved.loss(batch, gradient: &none)
            }
            assertClose(g[j], reference, absolute: 1e-7 * scale, "\(label) θ[\(j)]")
        }
    }

    func testBPTTGradientMatchesFiniteDifferences() {
        checkGradient(dense(6), "dense tanh")
        checkGradient(dense(5, phi: .linear), "dense linear")
        checkGradient(gru(5), "GRU")
    }

    /// K q from the weight-site Grams against the matrix-free Jθ Jθᵀ q, to 1e-12 of max|Kq|.
    private func checkCore<M: RecurrentModel>(_ model: M, _ label: String) {
        let batch = randomBatch(trials: 2, steps: 10, inputs: model.inputs, outputs: model.outputs, seed: 24)
        let ops = model.forward(batch)
        let q = RandomSource(seed: 8).gaussians(ops.tensorCount)
        let fromOperator = ops.parameterOperator(q), fromCore = ops.kroneckerCore().apply(q)
        let scale = fromOperator.reduce(0) { max($0, abs($1)) }
        for i in q.indices { assertClose(fromCore[i], fromOperator[i], absolute: 1e-12 * scale, "\(label) entry \(i)") }
    }

    func testKroneckerCoreMatchesOperator() {
        checkCore(dense(12), "dense")
        checkCore(gru(10), "GRU")
    }

    /// 60 epochs of GD (learning rate N·η) and of Adam through `train` on Memory Pro: each
    /// must take the loss below 0.7 of its initial value (a wrong gradient sign or scale does not).
    private func checkTraining<M: RecurrentModel>(_ model: M, optimizer: Optimizer, eta: Double, _ label: String) throws {
        let task = ProAntiTask(.memoryPro, trials: 4)
        let batch = task.batch(steps: task.trialSteps(dt: model.dt), dt: model.dt, random: RandomSource(seed: 1))
        var learner = RecurrentLearner<M>(optimizer: optimizer)
        let problem = LearningProblem(model: ModelSpec(), initial: model) { _ in batch }
        let solution = try train(problem, with: &learner, schedule: TrainingSchedule(epochs: 60, learningRate: eta))
        XCTAssertTrue(solution.outcome.isCompleted, label)
        XCTAssertLessThan(solution.finalLoss, 0.7 * solution.initialLoss, label)
    }

    func testGDAndAdamReduceTheLoss() throws {
        let denseNet = DenseRNN.gaussian(neurons: 16, inputs: 7, outputs: 3, dt: 0.25, random: RandomSource(seed: 2))
        let gruNet = GRUNetwork.gaussian(neurons: 16, inputs: 7, outputs: 3, dt: 0.25, random: RandomSource(seed: 2))
        try checkTraining(denseNet, optimizer: .gd, eta: 0.05, "dense GD")
        try checkTraining(denseNet, optimizer: .adam, eta: 0.02, "dense Adam")
        try checkTraining(gruNet, optimizer: .gd, eta: 0.05, "GRU GD")
        try checkTraining(gruNet, optimizer: .adam, eta: 0.02, "GRU Adam")
    }
}

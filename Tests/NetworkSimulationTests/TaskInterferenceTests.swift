import XCTest
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import TestSupport

/// The interference matrix C_ij = ⟨e_i, Θe_j⟩/√(⟨e_i,Θe_i⟩⟨e_j,Θe_j⟩) against Θ = J Jᵀ formed
/// densely from a finite-difference Jacobian of the trajectory, at small N.
final class TaskInterferenceTests: XCTestCase {
    private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    private func check<M: RecurrentModel>(_ model: M, _ label: String) {
        let dt = 0.5
        let parts = ProAntiTask.all(trials: 2).map { $0.batch(steps: $0.trialSteps(dt: dt), dt: dt, random: RandomSource(seed: 1)) }
        let batch = TaskBatch(concatenating: parts)
        let snapshot = MultiTaskSnapshot(model, parts: parts)
        // Dense reference: J = ∂h/∂θ by central differences, Θ = J Jᵀ, e_i from the readout.
        let pass = model.forward(batch)
        let n = pass.tensorCount
        let jacobian = trajectoryJacobian(model, batch: batch)
        let theta = jacobian * jacobian.transposed
        let errors = TaskInterference.split(RecurrentReadout(model).score(pass, batch: batch).stateError,
                                            partTrials: [2, 2, 2, 2], steps: batch.steps, neurons: model.neurons)
        let thetaE = errors.map { (theta * Matrix(rows: n, cols: 1, storage: $0)).storage }
        for i in 0..<4 { for j in 0..<4 {
            let reference = dot(errors[i], thetaE[j]) / (dot(errors[i], thetaE[i]) * dot(errors[j], thetaE[j])).squareRoot()
            assertClose(snapshot.interference.normalized[i, j], reference, absolute: 1e-7, "\(label) C[\(i),\(j)]")
        } }
        // Not a trivial matrix: the sub-tasks neither all align nor all ignore each other.
        let offDiagonal = (0..<4).flatMap { i in (0..<4).filter { $0 != i }.map { snapshot.interference.normalized[i, $0] } }
        XCTAssertGreaterThan(offDiagonal.max()! - offDiagonal.min()!, 0.05, label)
    }

    func testInterferenceMatchesDenseNTK() {
        check(DenseRNN.gaussian(neurons: 4, inputs: 7, outputs: 3, dt: 0.5, random: RandomSource(seed: 3)), "dense")
        check(GRUNetwork.gaussian(neurons: 3, inputs: 7, outputs: 3, dt: 0.5, random: RandomSource(seed: 3)), "GRU")
    }

    /// Two copies of one sub-task have the same error and the same states: C = S = 1 between them;
    /// the per-task losses against the loss of each part on its own.
    func testIdenticalSubTasksAlignFully() {
        let dt = 0.5
        let model = GRUNetwork.gaussian(neurons: 6, inputs: 7, outputs: 3, dt: dt, random: RandomSource(seed: 5))
        let pro = ProAntiTask(.memoryPro, trials: 3), anti = ProAntiTask(.memoryAnti, trials: 3)
        let parts = [pro, pro, anti].map { $0.batch(steps: $0.trialSteps(dt: dt), dt: dt, random: RandomSource(seed: 1)) }
        let snapshot = MultiTaskSnapshot(model, parts: parts)
        assertClose(snapshot.interference.normalized[0, 1], 1, absolute: 1e-12)
        assertClose(snapshot.similarity[0, 1], 1, absolute: 1e-12)
        XCTAssertLessThan(snapshot.similarity[0, 2], 1 - 1e-6)
        for (j, part) in parts.enumerated() {
            var none: [Double]? = nil
            assertClose(snapshot.losses[j], model.loss(part, gradient: &none), relative: 1e-12, "loss of part \(j)")
        }
    }
}

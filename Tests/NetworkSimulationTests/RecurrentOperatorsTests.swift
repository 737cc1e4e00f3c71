import XCTest
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import TestSupport

/// The low-rank network seen through `RecurrentOperators` (flat moving parameters):
/// the flattening must keep Jθ and Jθᵀ adjoint, and the generic K, J, Θ must agree
/// with the matrix forms of `KPFlowOperators` they are built from.
final class RecurrentOperatorsTests: XCTestCase {
    private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    private func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }

    private func generic<Operators: RecurrentOperators>(_ ops: Operators, _ v: [Double], _ q: [Double])
        -> (jv: [Double], jtq: [Double], gram: [Double], theta: [Double]) {
        (ops.parameterJacobian(v), ops.parameterJacobianTranspose(q), ops.parameterGram(v), ops.ntk(q))
    }

    /// ⟨Jθ v, q⟩ = ⟨v, Jθᵀ q⟩ to 1e-12 relative; JᵀJ v and Θ q equal the matrix-form products to 1e-12 relative.
    func testFlatParametersKeepTheOperatorsAdjoint() {
        let spec = ModelSpec(inputs: 2, rank: 2, outputs: 1, dt: 0.2, nonlinearity: .tanh)
        let random = RandomSource(seed: 3)
        var batch = TaskBatch(trials: 2, steps: 12, inputs: 2, outputs: 1)
        for i in batch.x.indices { batch.x[i] = random.gaussian() }
        let network = LowRankNetwork.gaussian(spec: spec, neurons: 20, random: random)
        let ntk = StateSpaceNTK(network: network, batch: batch)
        XCTAssertEqual(ntk.parameterCount, 20 * (2 + 2 * 2))
        XCTAssertEqual(ntk.tensorCount, 2 * 12 * 20)
        let v = random.gaussians(ntk.parameterCount), q = random.gaussians(ntk.tensorCount)
        let g = generic(ntk, v, q)
        assertClose(dot(g.jv, q), dot(v, g.jtq), absolute: 1e-12 * norm(g.jv) * norm(q), "Jθ adjoint")
        let gram = ntk.parameterGram(v), theta = ntk.operators.ntk(q)
        XCTAssertLessThan(norm(zip(g.gram, gram).map { $0 - $1 }), 1e-12 * norm(gram))
        XCTAssertLessThan(norm(zip(g.theta, theta).map { $0 - $1 }), 1e-12 * norm(theta))
        XCTAssertGreaterThan(norm(theta), 0)
    }
}

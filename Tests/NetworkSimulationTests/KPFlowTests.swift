import XCTest
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import TestSupport

/// KPFlow operators (docs/theory.md §10): adjoint identities on random tensors, the
/// factorisation P K P* = J Jᵀ against a finite-difference Jacobian, and the
/// Kronecker-core form of K against the matrix-free operator.
final class KPFlowTests: XCTestCase {
    private func setUp(_ spec: ModelSpec, neurons: Int, trials: Int, steps: Int) -> KPFlowOperators {
        let random = RandomSource(seed: 11)
        var batch = TaskBatch(trials: trials, steps: steps, inputs: spec.inputs, outputs: spec.outputs)
        for i in batch.x.indices { batch.x[i] = random.gaussian() }
        var network = LowRankNetwork.gaussian(spec: spec, neurons: neurons, random: random)
        // Strong recurrence so that J_t is far from (1−α)I and the test sees U Vᵀ.
        for i in 0..<neurons { network.parameters[i, spec.layout.v(0)] += 1.5 * network.parameters[i, spec.layout.u(0)] }
        return KPFlowOperators(network: network, batch: batch)
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    private func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }

    private let specs = [ModelSpec(inputs: 2, rank: 2, outputs: 1, dt: 0.2, nonlinearity: .tanh),
                         ModelSpec(inputs: 1, rank: 1, outputs: 1, dt: 0.2, nonlinearity: .erf),
                         ModelSpec(inputs: 1, rank: 2, outputs: 1, dt: 0.2, nonlinearity: .linear)]

    /// ⟨P q, r⟩ = ⟨q, P* r⟩, ⟨K q, r⟩ = ⟨q, K r⟩ and ⟨Jθ dθ, q⟩ = ⟨dθ, Jθᵀ q⟩ to 1e-12 (relative to ‖·‖‖·‖).
    func testAdjointIdentities() {
        for spec in specs {
            let ops = setUp(spec, neurons: 30, trials: 3, steps: 20)
            let random = RandomSource(seed: 5)
            let q = random.gaussians(ops.trajectory.tensorCount), r = random.gaussians(ops.trajectory.tensorCount)
            let pq = ops.propagate(q), psr = ops.propagateAdjoint(r)
            XCTAssertGreaterThan(norm(zip(pq, q).map { $0 - $1 }), 0.1 * norm(q), "P must not be the identity")
            assertClose(dot(pq, r), dot(q, psr), absolute: 1e-12 * norm(pq) * norm(r), "\(spec.nonlinearity) P")
            let kq = ops.parameterOperator(q), kr = ops.parameterOperator(r)
            assertClose(dot(kq, r), dot(q, kr), absolute: 1e-12 * norm(kq) * norm(r), "\(spec.nonlinearity) K")
            let direction = Matrix(rows: 30, cols: spec.layout.dimension, storage: random.gaussians(30 * spec.layout.dimension))
            let jd = ops.parameterJacobian(direction), jtq = ops.parameterJacobianTranspose(q)
            assertClose(dot(jd, q), dot(direction.storage, jtq.storage),
                        absolute: 1e-12 * norm(jd) * norm(q), "\(spec.nonlinearity) Jθ")
            let nq = ops.ntk(q), nr = ops.ntk(r)
            assertClose(dot(nq, r), dot(q, nr), absolute: 1e-12 * norm(nq) * norm(r), "\(spec.nonlinearity) NTK")
        }
    }

    /// P K P* applied to unit tensors equals J Jᵀ with J = ∂h/∂θ by central differences (step 1e-5, error O(1e-10)).
    func testFactorisationMatchesFiniteDifferenceJacobian() {
        for spec in specs {
            let N = 5, B = 2, T = 4
            let ops = setUp(spec, neurons: N, trials: B, steps: T)
            var batch = TaskBatch(trials: B, steps: T, inputs: spec.inputs, outputs: spec.outputs)
            batch.x = ops.trajectory.x
            let moving = spec.layout.mIndices + spec.layout.uIndices + spec.layout.vIndices
            let n = ops.trajectory.tensorCount, epsilon = 1e-5
            var jacobian = Matrix(rows: n, cols: N * moving.count)
            for i in 0..<N { for (c, j) in moving.enumerated() {
                let column = centralDifference(step: epsilon) { t in
                    var moved = ops.network
                    moved.parameters[i, j] += t
                    return StateTrajectory(network: moved, batch: batch).h
                }
                for row in 0..<n { jacobian[row, i * moving.count + c] = column[row] }
            } }
            let reference = jacobian * jacobian.transposed
            let operatorForm = denseMatrix(size: n, ops.ntk)
            XCTAssertGreaterThan(reference.maxAbs, 1e-3)
            assertClose(operatorForm, reference, absolute: 1e-8 * reference.maxAbs, "\(spec.nonlinearity)")
        }
    }

    /// K from its Kronecker cores α²[(XXᵀ + AAᵀ) ⊗ I + (ΦΦᵀ/N²) ⊗ UUᵀ] equals the matrix-free K to 1e-12.
    func testKroneckerCoreMatchesOperator() {
        for spec in specs {
            let ops = setUp(spec, neurons: 25, trials: 2, steps: 15)
            let core = KroneckerCore(ops)
            let q = RandomSource(seed: 8).gaussians(ops.trajectory.tensorCount)
            let fromOperator = ops.parameterOperator(q), fromCore = core.apply(q)
            let scale = fromOperator.reduce(0) { max($0, abs($1)) }
            for i in q.indices { assertClose(fromCore[i], fromOperator[i], absolute: 1e-12 * scale, "\(spec.nonlinearity) entry \(i)") }
        }
    }

    /// The batched dgemm products against the scalar loops they replaced (`ReferenceKPFlow`):
    /// P q, P* q, Jθ dθ and Jθᵀ q agree to 1e-13 relative to the largest entry, for every spec
    /// (tanh K = 2 R = 2, erf rank 1, linear rank 2) and an odd trial count.
    func testBatchedProductsMatchScalarReference() {
        for spec in specs {
            let ops = setUp(spec, neurons: 37, trials: 3, steps: 17)
            let random = RandomSource(seed: 8)
            let q = random.gaussians(ops.trajectory.tensorCount)
            let direction = Matrix(rows: 37, cols: spec.layout.dimension, storage: random.gaussians(37 * spec.layout.dimension))
            let pairs: [(String, [Double], [Double])] = [
                ("P", ops.propagate(q), ops.referencePropagate(q)),
                ("P*", ops.propagateAdjoint(q), ops.referencePropagateAdjoint(q)),
                ("Jθ", ops.parameterJacobian(direction), ops.referenceParameterJacobian(direction)),
                ("Jθᵀ", ops.parameterJacobianTranspose(q).storage, ops.referenceParameterJacobianTranspose(q).storage),
            ]
            for (name, fast, reference) in pairs {
                let scale = reference.reduce(0) { max($0, abs($1)) }
                let worst = zip(fast, reference).reduce(0) { max($0, abs($1.0 - $1.1)) }
                XCTAssertEqual(fast.count, reference.count)
                XCTAssertLessThanOrEqual(worst, 1e-13 * scale, "\(spec.nonlinearity) \(name)")
            }
        }
    }
}

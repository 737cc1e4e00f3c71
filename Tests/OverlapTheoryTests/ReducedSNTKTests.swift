import XCTest
import GramFlowCore
import GramFlowNumerics
import OverlapTheory
import TestSupport

/// The reduced sNTK Θ_red = J_S 𝒢 J_S*: the adjoint identity, J_S against finite
/// differences of the latent trajectory, symmetry and positivity, and the gradient-flow
/// step of the overlaps reproducing δκ = −η Θ_red ∂L/∂κ.
final class ReducedSNTKTests: XCTestCase {
    private let specs = [ModelSpec(inputs: 1, rank: 1, outputs: 1, dt: 0.2, nonlinearity: .erf),
                         ModelSpec(inputs: 2, rank: 2, outputs: 1, dt: 0.2, nonlinearity: .tanh),
                         ModelSpec(inputs: 1, rank: 2, outputs: 1, dt: 0.2, nonlinearity: .linear)]

    private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    private func randomSymmetric(_ n: Int, seed: UInt64) -> Matrix {
        Matrix(rows: n, cols: n, storage: RandomSource(seed: seed).gaussians(n * n)).symmetrized
    }

    private func make(_ spec: ModelSpec, seed: UInt64) throws -> ReducedStateNTK {
        var S = sampledOverlaps(spec.layout, neurons: 40, seed: seed)
        // Recurrence strong enough that the latent state moves (σ_vu ≈ 0.8).
        for r in 0..<spec.rank { S[spec.layout.v(r), spec.layout.u(r)] += 0.8; S[spec.layout.u(r), spec.layout.v(r)] += 0.8 }
        let batch = randomBatch(trials: 2, steps: 12, inputs: spec.inputs, outputs: spec.outputs, seed: seed)
        return try ReducedStateNTK(spec: spec, overlaps: S, batch: batch)
    }

    func testAdjointAndFiniteDifferences() throws {
        for spec in specs {
            let ntk = try make(spec, seed: 3)
            let D = spec.layout.dimension
            let dS = randomSymmetric(D, seed: 4), q = RandomSource(seed: 5).gaussians(ntk.latentCount)
            let jd = ntk.sensitivity(dS), jtq = ntk.sensitivityTranspose(q)
            let scale = dot(jd, jd).squareRoot() * dot(q, q).squareRoot()
            assertClose(dot(jd, q), dot(dS.storage, jtq.storage), absolute: 1e-12 * scale, "\(spec.nonlinearity) adjoint")
            let epsilon = 1e-6
            let fd = try centralDifference(step: epsilon) { t in
                try ReducedStateNTK(spec: spec, overlaps: ntk.overlaps + t * dS, batch: ntk.batch).kappa
            }
            let largest = jd.reduce(0) { max($0, abs($1)) }
            XCTAssertGreaterThan(largest, 1e-2)
            for i in jd.indices {
                assertClose(jd[i], fd[i], absolute: 1e-7 * largest, "\(spec.nonlinearity) J_S[\(i)]")
            }
        }
    }

    func testSymmetricPositiveAndGradientFlowStep() throws {
        for spec in specs {
            let ntk = try make(spec, seed: 6)
            let random = RandomSource(seed: 7)
            let q = random.gaussians(ntk.latentCount), r = random.gaussians(ntk.latentCount)
            let tq = ntk.apply(q), tr = ntk.apply(r)
            let scale = dot(tq, tq).squareRoot() * dot(r, r).squareRoot()
            assertClose(dot(tq, r), dot(q, tr), absolute: 1e-12 * scale, "\(spec.nonlinearity) symmetry")
            XCTAssertGreaterThan(dot(tq, q), 0, "S is a Gram matrix, so 𝒢 and Θ_red are positive")
            // L = ½‖κ − κ*‖², ∂L/∂κ = q: one small gradient-flow step of S moves κ by −η Θ_red q.
            let eta = 1e-7
            let stepped = ntk.overlaps - eta * ntk.metric(ntk.sensitivityTranspose(q))
            let moved = try ReducedStateNTK(spec: spec, overlaps: stepped, batch: ntk.batch).kappa
            let predicted = tq.map { -eta * $0 }
            let largest = predicted.reduce(0) { max($0, abs($1)) }
            for i in predicted.indices {
                assertClose(moved[i] - ntk.kappa[i], predicted[i], absolute: 1e-5 * largest, "\(spec.nonlinearity) δκ[\(i)]")
            }
        }
    }
}

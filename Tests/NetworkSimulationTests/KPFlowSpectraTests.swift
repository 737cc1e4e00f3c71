import XCTest
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import TestSupport

/// The KPFlow spectra, written once over `RecurrentOperators`, against dense matrices built
/// column by column from the operators at small size (B·T·N = 2·8·10 = 160) and `SymmetricEigen`.
final class KPFlowSpectraTests: XCTestCase {
    private func operators(_ phi: Nonlinearity = .tanh) -> StateSpaceNTK {
        let spec = ModelSpec(inputs: 1, rank: 2, outputs: 1, dt: 0.2, nonlinearity: phi)
        var network = LowRankNetwork.gaussian(spec: spec, neurons: 10, random: RandomSource(seed: 3))
        for i in 0..<10 { network.parameters[i, spec.layout.v(0)] += 1.5 * network.parameters[i, spec.layout.u(0)] }
        return StateSpaceNTK(network: network, batch: randomBatch(trials: 2, steps: 8, inputs: 1, outputs: 1, seed: 4))
    }

    /// The n×n matrix of a linear map, one column per unit vector.
    private func dense(_ n: Int, _ apply: ([Double]) -> [Double]) -> Matrix {
        Matrix(columns: (0..<n).map { j in var e = [Double](repeating: 0, count: n); e[j] = 1; return apply(e) }, rows: n)
    }

    /// Eigenvalues of P P*, K, Θ and JᵀJ (σ² for P), both methods (Lanczos 80 steps; randomized
    /// 150 power iterations: P's singular values decay slowly, so the subspace iteration, whose
    /// error in λ_j falls like (λ_{ℓ+1}/λ_j)^{2q+1}, needs many passes, and for P only the top 4
    /// are checked: λ₅ … λ₇ of P P* form a cluster within 0.1 % that 150 passes do not split),
    /// against dsyevd of the dense
    /// matrices: top-6 to 1e-9 relative of λ₁; relative residuals ≤ 1e-7; each eigenfunction a
    /// unit eigenvector of the dense matrix (‖A u − λ u‖ ≤ 1e-7 λ₁); traces exact
    /// (budget ≥ n: unit-vector traces) to 1e-12, so PR = (tr A)²/‖A‖_F² to 1e-10.
    func testSpectraMatchDenseOperators() throws {
        let ops = operators()
        let n = ops.tensorCount, p = ops.parameterCount
        let references: [KPFlowOperator: Matrix] = [
            .propagation: dense(n) { ops.propagate(ops.propagateAdjoint($0)) },
            .parameterOperator: dense(n, ops.parameterOperator),
            .ntk: dense(n, ops.ntk),
            .parameterNTK: dense(p, ops.parameterGram),
        ]
        for method in SpectralMethod.allCases {
            let options = KPFlowSpectraOptions(count: 6, method: method, steps: method == .lanczos ? 80 : 150,
                                               eigenfunctions: 6, traceProducts: 1000, seed: 2)
            for spectrum in try ops.spectra(KPFlowOperator.allCases, options: options) {
                let reference = references[spectrum.kind]!.symmetrized
                let eigen = try SymmetricEigen(reference)
                let m = eigen.values.count
                let values = spectrum.kind == .propagation ? spectrum.values.map { $0 * $0 } : spectrum.values
                let top = eigen.values[m - 1]
                let checked = method == .randomized && spectrum.kind == .propagation ? 4 : 6
                for j in 0..<checked {
                    assertClose(values[j], eigen.values[m - 1 - j], absolute: 1e-9 * top, "\(method) \(spectrum.kind) λ_\(j)")
                    XCTAssertLessThan(spectrum.relativeResiduals[j], 1e-7, "\(method) \(spectrum.kind) residual \(j)")
                }
                for (j, u) in spectrum.eigenfunctions.prefix(checked).enumerated() {
                    let au = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + reference[i, $1] * u[$1] } }
                    let r = LanczosEigen.norm(zip(au, u).map { $0 - values[j] * $1 })
                    XCTAssertLessThan(r, 1e-7 * top, "\(method) \(spectrum.kind) eigenfunction \(j)")
                }
                XCTAssertTrue(spectrum.summary.exactTraces)
                assertClose(spectrum.summary.trace, reference.trace, relative: 1e-12)
                let frobenius2 = reference.frobeniusNorm * reference.frobeniusNorm
                assertClose(spectrum.summary.participationRatio, reference.trace * reference.trace / frobenius2, relative: 1e-10)
                let full = EffectiveRank(spectrum: eigen.values)
                if let modes = spectrum.summary.modes95 { XCTAssertEqual(modes, full.modes95) }
                else { XCTAssertGreaterThan(full.modes95, 6) }
            }
        }
    }

    /// With a budget below the dimension the traces are Hutch++ estimates: on Θ (n_θ = 50,
    /// budget 30) within 10 % of the exact tr JᵀJ for each of 10 seeds.
    func testHutchPlusPlusTraceOfNTK() throws {
        let ops = operators(.erf)
        let exact = dense(ops.parameterCount, ops.parameterGram).trace
        for seed in 1...10 {
            let s = try ops.spectra([.parameterNTK], options: KPFlowSpectraOptions(count: 3, traceProducts: 30, seed: UInt64(seed)))[0]
            XCTAssertFalse(s.summary.exactTraces)
            assertClose(s.summary.trace, exact, relative: 0.1, "seed \(seed)")
        }
    }
}

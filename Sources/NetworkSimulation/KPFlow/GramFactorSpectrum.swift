import GramFlowNumerics

/// Top eigenpairs of a state-space Gram operator F Fᵀ (F: parameters → states) through
/// its small side FᵀF, which has the same non-zero eigenvalues:
///
///     FᵀF v = λ v   ⇒   F Fᵀ u = λ u,  u = F v / √λ  (unit),
///
/// so the Krylov or randomized vectors live in ℝ^{n_θ}, not ℝ^{B·T·N}. Used with
/// F = Jθ (K = Jθ Jθᵀ) and F = J = P Jθ (Θ = P K P*, the state-space NTK, and FᵀF = JᵀJ,
/// the parameter-side NTK).
public struct GramFactorSpectrum: Sendable {
    /// λ_j, largest first.
    public var values: [Double]
    /// Unit parameter-side eigenvectors v_j of FᵀF.
    public var parameterVectors: [[Double]]
    /// ‖FᵀF v − λ v‖ (true, recomputed).
    public var parameterResiduals: [Double]
    /// Unit state-space eigenfunctions u_j = F v_j/√λ_j of F Fᵀ, (batch, time, neuron) flattened.
    public var eigenfunctions: [[Double]]
    /// ‖F Fᵀ u_j − λ_j u_j‖ for every j, each from one more state-space product.
    public var stateResiduals: [Double]
    /// Products with FᵀF taken by the eigensolver (state-space residual checks not included).
    public var products: Int

    /// - Parameters:
    ///   - factor: v ↦ F v; `factorTranspose`: q ↦ Fᵀ q.
    ///   - eigenfunctions: how many u_j to keep (every one is formed and checked in state space).
    public init(count k: Int, parameters n: Int, method: SpectralMethod, steps: Int? = nil, eigenfunctions kept: Int,
                random: RandomSource, factor: ([Double]) -> [Double], factorTranspose: ([Double]) -> [Double]) throws {
        let pairs = try Eigenpairs.top(k, dimension: n, method: method, steps: steps, random: random) {
            factorTranspose(factor($0))
        }
        values = pairs.values; parameterVectors = pairs.vectors; parameterResiduals = pairs.residuals
        products = pairs.products
        self.eigenfunctions = []; stateResiduals = []
        for (j, (lambda, v)) in zip(pairs.values, pairs.vectors).enumerated() {
            let scale = 1 / max(lambda, .leastNormalMagnitude).squareRoot()
            let u = factor(v).map { $0 * scale }
            let ffu = factor(factorTranspose(u))
            if j < kept { self.eigenfunctions.append(u) }
            stateResiduals.append(LanczosEigen.norm(zip(ffu, u).map { $0 - lambda * $1 }))
        }
    }
}

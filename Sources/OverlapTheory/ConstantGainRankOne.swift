import GramFlowCore
import GramFlowNumerics

/// The reduced loss and ∂L/∂S of a rank-1, one-input, one-output network whose gain F does not
/// depend on the variance (linear φ: F = 1), trial by trial with the state in registers
/// (docs/theory.md §3–§4 with F' = 0, so ∂L/∂Q = 0). With A = (σ_vu, σ_vm), C = (σ_zu, σ_zm),
/// λ = 1 − α + α F a₀, the forward pass and the adjoint are closed linear recurrences,
///
///     ξ_t = (1−α) ξ_{t−1} + α x_{t−1},   κ_t = λ κ_{t−1} + α F a₁ ξ_{t−1},   y_t = F (c₀ κ_t + c₁ ξ_t),
///     μ_t = λ μ_{t+1} + F c₀ e_t,   ∂L/∂A = α F Σ_t μ_{t+1} (κ_t, ξ_t),   ∂L/∂C = F Σ_t e_t (κ_t, ξ_t),
///
/// one multiply and one add on the chain from step to step (the general loops carry five, through
/// memory). The loss terms are summed in the batch's order, as there. Equal to the general path to
/// rounding (`ReducedLossFastPathTests`, 1e-13); no allocation after the first call.
struct ConstantGainRankOne {
    let gain: Double
    /// Indices in S of u, m, v, z.
    let u: Int, m: Int, v: Int, z: Int
    /// κ_t, ξ_t and e_t of one trial, t = 1..T.
    private var work: [Double] = []

    /// Whether `spec` takes this path: K = R = O = 1 and a gain that does not depend on Δ.
    static func applies(to spec: ModelSpec) -> Bool {
        spec.rank == 1 && spec.inputs == 1 && spec.outputs == 1 && !spec.nonlinearity.gainDependsOnVariance
    }

    /// The path for `spec` if it applies, else nil.
    init?(spec: ModelSpec, gain: GaussianGain) {
        guard Self.applies(to: spec) else { return nil }
        self.gain = gain(0).value
        let layout = spec.layout
        u = layout.u(0); m = layout.m(0); v = layout.v(0); z = layout.z(0)
    }

    /// L(S), ∂L/∂S if asked (S's entries independent, as `ReducedOverlapLoss`), and each output
    /// y_{b,t} handed to `output` (b, t, 0, y) if given.
    mutating func evaluate(_ S: Matrix, batch: TaskBatch, spec: ModelSpec, withGradient: Bool,
                           output: ((Int, Int, Int, Double) -> Void)?) -> (loss: Double, dLdS: Matrix?) {
        let T = batch.steps, B = batch.trials, alpha = spec.alpha, keep = 1 - alpha, F = gain
        let a0 = S[v, u], a1 = S[v, m], c0 = S[z, u], c1 = S[z, m]
        let lambda = keep + alpha * F * a0, coupling = alpha * F * a1, scaledC = F * c0
        let objective = MaskedSquaredError(dt: spec.dt, batch: batch)
        if work.count != 3 * T { work = Array(repeating: 0, count: 3 * T) }
        var total = 0.0, dA0 = 0.0, dA1 = 0.0, dC0 = 0.0, dC1 = 0.0
        work.withUnsafeMutableBufferPointer { wb in
        batch.x.withUnsafeBufferPointer { xb in
        batch.target.withUnsafeBufferPointer { yb in
        batch.mask.withUnsafeBufferPointer { mb in
            let kappas = wb.baseAddress!, xis = kappas + T, errors = xis + T
            for b in 0..<B {
                let x = xb.baseAddress! + b &* T, target = yb.baseAddress! + b &* T, mask = mb.baseAddress! + b &* T
                var kappa = 0.0, xi = 0.0
                for t in 0..<T {  // step t + 1
                    let next = lambda * kappa + coupling * xi
                    xi = keep * xi + alpha * x[t]
                    kappa = next
                    let r = 0 + c0 * kappa + c1 * xi  // C c_t, as the general path sums it
                    output?(b, t + 1, 0, F * r)
                    let term = objective.term(output: F * r, target: target[t], mask: mask[t])
                    total += term.loss
                    kappas[t] = kappa; xis[t] = xi; errors[t] = term.error
                }
                guard withGradient else { continue }
                var mu = 0.0  // μ_{T+1}
                for t in stride(from: T - 1, through: 0, by: -1) {
                    let kappa = kappas[t], xi = xis[t], e = errors[t]
                    let wC = F * e; dC0 += wC * kappa; dC1 += wC * xi
                    let wA = alpha * F * mu; dA0 += wA * kappa; dA1 += wA * xi
                    mu = lambda * mu + scaledC * e
                }
            }
        } } } }
        guard withGradient else { return (total, nil) }
        var dLdS = Matrix(rows: spec.layout.dimension, cols: spec.layout.dimension)
        dLdS[v, u] = dA0; dLdS[v, m] = dA1; dLdS[z, u] = dC0; dLdS[z, m] = dC1
        return (total, dLdS)
    }
}

extension ReducedOverlapLoss {
    /// Whether the loss of `spec` keeps a latent trajectory of B·(T+1) steps (for memory
    /// estimates): not when it takes the closed constant-gain recurrences, which keep 3·T numbers.
    public static func keepsTrajectory(_ spec: ModelSpec) -> Bool { !ConstantGainRankOne.applies(to: spec) }
}

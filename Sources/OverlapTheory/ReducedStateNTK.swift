import GramFlowCore
import GramFlowNumerics

/// The reduced sNTK of a low-rank network in overlap coordinates (docs/theory.md §9;
/// derivation in `derivations/reduced-sntk.md`): with the latent trajectory
/// κ_{b,t}(S) of the reduced dynamics (docs/theory.md §3; c_t = (κ_t, ξ_t), A = S_{V,E}, Q = S_{E,E})
///
///     κ_t = (1−α) κ_{t−1} + α F(Δ_{t−1}) A c_{t−1},   Δ_t = c_tᵀ Q c_t,   κ_0 = 0,
///
/// its sensitivity J_S = ∂κ/∂S (symmetric directions dS), the Frobenius adjoint
/// J_S* (a cotangent q on κ ↦ the symmetric G with ⟨G, dS⟩ = ⟨q, J_S dS⟩) and the
/// Gram-flow metric 𝒢(G) = 2(G S + S G) of docs/theory.md §5 (gradient flow: dS/dτ = −η 𝒢(∂L/∂S)):
///
///     Θ_red = J_S 𝒢 J_S*,    so a gradient-flow step moves the latents by δκ = −η Θ_red ∂L/∂κ
///
/// for a loss that depends on S only through κ. Latent tensors are indexed (b, t, r), t = 1..T.
public final class ReducedStateNTK {
    public let spec: ModelSpec
    public let overlaps: Matrix
    public let batch: TaskBatch
    private let a: Matrix, q: Matrix     // A = S_{V,E} (R×P), Q = S_{E,E} (P×P), P = R + K
    /// The forward pass: c_{b,t} for t = 0..T at `trajectory.offset(b, t) + j`.
    private let trajectory: LatentTrajectory
    private var c: [Double] { trajectory.c }
    private var gains: [Double] { trajectory.gains }   // F(Δ_{b,t}) at `trajectory.gainIndex(b, t)`
    private var slopes: [Double] { trajectory.slopes } // F'(Δ_{b,t})

    public init(spec: ModelSpec, overlaps S: Matrix, batch: TaskBatch) throws {
        let l = spec.layout
        precondition(batch.inputs == spec.inputs)
        self.spec = spec; overlaps = S; self.batch = batch
        a = S.selecting(rows: l.vIndices, cols: l.basisIndices)
        q = S.selecting(rows: l.basisIndices, cols: l.basisIndices)
        // The forward pass the loss uses, so this kernel describes the dynamics that are trained.
        var trajectory = LatentTrajectory(spec: spec)
        trajectory.run(A: a, Q: q, batch: batch, spec: spec, gain: try GaussianGain.of(spec.nonlinearity))
        self.trajectory = trajectory
    }

    private var P: Int { spec.rank + spec.inputs }
    /// B·T·R, the length of a latent tensor.
    public var latentCount: Int { batch.trials * batch.steps * spec.rank }

    /// κ_{b,t}, t = 1..T.
    public var kappa: [Double] {
        var out = [Double](repeating: 0, count: latentCount)
        let T = batch.steps, R = spec.rank
        for b in 0..<batch.trials { for t in 1...T { for r in 0..<R {
            out[(b * T + t - 1) * R + r] = c[trajectory.offset(b, t) + r]
        } } }
        return out
    }

    /// c_{b,t} = (κ_{b,t}, ξ_{b,t}), t = 0..T: h_{b,t} = Σ_j c_j p_{E_j} in the basis E = [u.., m..].
    public func basisCoordinates(_ b: Int, _ t: Int) -> [Double] { state(b, t) }

    private func state(_ b: Int, _ t: Int) -> [Double] {
        let base = trajectory.offset(b, t)
        return Array(c[base..<base + P])
    }

    /// J_S dS: δκ_t = (1−α)δκ_{t−1} + α[F'_{t−1} δΔ_{t−1} A c_{t−1} + F_{t−1}(dA c_{t−1} + A δc_{t−1})],
    /// δΔ = 2cᵀQδc + cᵀ dQ c, δc = (δκ, 0).
    public func sensitivity(_ dS: Matrix) -> [Double] {
        let l = spec.layout, R = spec.rank, T = batch.steps, alpha = spec.alpha
        let dA = dS.selecting(rows: l.vIndices, cols: l.basisIndices)
        let dQ = dS.selecting(rows: l.basisIndices, cols: l.basisIndices)
        var out = [Double](repeating: 0, count: latentCount)
        for b in 0..<batch.trials {
            var dc = [Double](repeating: 0, count: P)
            for t in 1...T {
                let cp = state(b, t - 1), i = trajectory.gainIndex(b, t - 1)
                let dDelta = 2 * quadratic(q, cp, dc) + quadratic(dQ, cp, cp)
                let acp = times(a, cp), dacp = times(dA, cp), adc = times(a, dc)
                var next = dc
                for r in 0..<R {
                    next[r] = (1 - alpha) * dc[r] + alpha * (slopes[i] * dDelta * acp[r] + gains[i] * (dacp[r] + adc[r]))
                    out[(b * T + t - 1) * R + r] = next[r]
                }
                dc = next
            }
        }
        return out
    }

    /// J_S* q: the symmetric G with ⟨G, dS⟩_F = ⟨q, J_S dS⟩, by the adjoint pass
    /// μ_t = q_t + (1−α)μ_{t+1} + α[F_t A_κᵀ μ_{t+1} + 2F'_t (μ_{t+1}ᵀA c_t)(Q c_t)_κ],
    /// ∂/∂A = α Σ F_t μ_{t+1} c_tᵀ, ∂/∂Q = α Σ F'_t (μ_{t+1}ᵀA c_t) c_t c_tᵀ;
    /// G_{VE} = G_{EV}ᵀ = ½ ∂/∂A (A sits in both off-diagonal blocks of S), G_{EE} = ∂/∂Q.
    public func sensitivityTranspose(_ cotangent: [Double]) -> Matrix {
        precondition(cotangent.count == latentCount)
        let l = spec.layout, R = spec.rank, T = batch.steps, alpha = spec.alpha, p = P
        var gA = Matrix(rows: R, cols: p), gQ = Matrix(rows: p, cols: p)
        for b in 0..<batch.trials {
            var mu = [Double](repeating: 0, count: R)   // μ_{t+1}
            for t in stride(from: T, through: 0, by: -1) {
                // μ_{t+1} is known: use it for the step t → t+1 (t < T).
                var current = [Double](repeating: 0, count: R)
                if t >= 1 { for r in 0..<R { current[r] = cotangent[(b * T + t - 1) * R + r] } }
                if t < T {
                    let ct = state(b, t), i = trajectory.gainIndex(b, t)
                    let act = times(a, ct), qct = times(q, ct)
                    let s = zip(mu, act).reduce(0) { $0 + $1.0 * $1.1 }
                    for r in 0..<R { for j in 0..<p { gA[r, j] += alpha * gains[i] * mu[r] * ct[j] } }
                    for j in 0..<p { for k in 0..<p { gQ[j, k] += alpha * slopes[i] * s * ct[j] * ct[k] } }
                    for r in 0..<R {
                        var back = (1 - alpha) * mu[r] + alpha * 2 * slopes[i] * s * qct[r]
                        for s2 in 0..<R { back += alpha * gains[i] * a[s2, r] * mu[s2] }
                        current[r] += back
                    }
                }
                mu = current
            }
        }
        var G = Matrix(rows: l.dimension, cols: l.dimension)
        let e = l.basisIndices, v = l.vIndices
        for r in 0..<R { for j in 0..<p { G[v[r], e[j]] = 0.5 * gA[r, j]; G[e[j], v[r]] = 0.5 * gA[r, j] } }
        for j in 0..<p { for k in 0..<p { G[e[j], e[k]] += gQ[j, k] } }
        return G
    }

    /// 𝒢(G) = 2(G S + S G).
    public func metric(_ G: Matrix) -> Matrix { 2 * (G * overlaps + overlaps * G) }

    /// Θ_red q = J_S 𝒢 J_S* q.
    public func apply(_ cotangent: [Double]) -> [Double] { sensitivity(metric(sensitivityTranspose(cotangent))) }
}

private func times(_ m: Matrix, _ x: [Double]) -> [Double] {
    (0..<m.rows).map { i in (0..<m.cols).reduce(0.0) { $0 + m[i, $1] * x[$1] } }
}

private func quadratic(_ m: Matrix, _ x: [Double], _ y: [Double]) -> Double {
    var s = 0.0
    for i in 0..<m.rows { for j in 0..<m.cols { s += x[i] * m[i, j] * y[j] } }
    return s
}

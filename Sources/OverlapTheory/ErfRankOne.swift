import CVectorMath
import GramFlowCore
import GramFlowNumerics

/// The reduced loss and ∂L/∂S of a rank-1, one-input, one-output network with φ = erf(√π h/2),
/// whose closed-form gain F(Δ) = (1 + πΔ/2)^{−1/2} needs no table (docs/theory.md §3–§4):
/// the same forward pass and adjoint as `ReducedOverlapLoss`'s general loops, computed by the
/// C kernel `gf_reduced_rank_one_erf` (Sources/CVectorMath/ReducedRankOne.c) four trials per
/// vector with each group of trials' trajectory kept in cache, reading the batch in its own
/// order (no time-major copy). Sums over trials are kept per lane, so it equals the general
/// path to rounding, not bit for bit (`ReducedLossFastPathTests`, 1e-13 relative). The twins
/// (Fig. 9/10) run 1.2 million epochs of this shape.
struct ErfRankOne {
    /// Indices in S of u, m, v, z.
    let u: Int, m: Int, v: Int, z: Int
    private var scratch: [Double] = []

    /// Whether `spec` takes this path: K = R = O = 1 and φ = erf.
    static func applies(to spec: ModelSpec) -> Bool {
        spec.rank == 1 && spec.inputs == 1 && spec.outputs == 1 && spec.nonlinearity == .erf
    }

    /// The path for `spec` if it applies, else nil.
    init?(spec: ModelSpec) {
        guard Self.applies(to: spec) else { return nil }
        let layout = spec.layout
        u = layout.u(0); m = layout.m(0); v = layout.v(0); z = layout.z(0)
    }

    /// L(S) (0 when `graded` is false), ∂L/∂S if asked (S's entries independent, as
    /// `ReducedOverlapLoss`), and y_{b,t} into `outputs` (batch order) if given.
    mutating func evaluate(_ S: Matrix, batch: TaskBatch, spec: ModelSpec, withGradient: Bool, graded: Bool = true,
                           outputs: UnsafeMutablePointer<Double>? = nil) -> (loss: Double, dLdS: Matrix?) {
        let T = batch.steps, B = batch.trials
        var parameters = gf_reduced_rank_one(a0: S[v, u], a1: S[v, m], c0: S[z, u], c1: S[z, m],
                                             q00: S[u, u], q01: S[u, m], q10: S[m, u], q11: S[m, m],
                                             alpha: spec.alpha, weight: MaskedSquaredError(dt: spec.dt, batch: batch).weight)
        let size = gf_reduced_rank_one_scratch(T)
        if scratch.count != size { scratch = Array(repeating: 0, count: size) }
        var gradient = [Double](repeating: 0, count: withGradient ? 8 : 0)
        let loss = scratch.withUnsafeMutableBufferPointer { work in
            batch.x.withUnsafeBufferPointer { x in
            batch.target.withUnsafeBufferPointer { target in
            batch.mask.withUnsafeBufferPointer { mask in
            gradient.withUnsafeMutableBufferPointer { g in
                gf_reduced_rank_one_erf(&parameters, B, T, x.baseAddress, graded ? target.baseAddress : nil,
                                        graded ? mask.baseAddress : nil, work.baseAddress, outputs,
                                        withGradient ? g.baseAddress : nil)
            } } } }
        }
        guard withGradient else { return (loss, nil) }
        var dLdS = Matrix(rows: spec.layout.dimension, cols: spec.layout.dimension)
        dLdS[v, u] = gradient[0]; dLdS[v, m] = gradient[1]; dLdS[z, u] = gradient[2]; dLdS[z, m] = gradient[3]
        dLdS[u, u] = gradient[4]; dLdS[u, m] = gradient[5]; dLdS[m, u] = gradient[6]; dLdS[m, m] = gradient[7]
        return (loss, dLdS)
    }
}

import GramFlowCore
import GramFlowNumerics

/// One Euler step of the network (docs/theory.md §1) on raw buffers, for the KPFlow state
/// trajectory and the outputs (training's BPTT runs the same step in latent coordinates,
/// `TrialPass`):
///
///     a_t = Vᵀφ(h_t)/N,    h_{t+1} = (1−α) h_t + α [M U] w_t,   w_t = (x_t, a_t).
///
/// On entry `w[0..<K]` holds x_t and `state` holds h_t; on return `w[K..<K+R]` holds
/// a_t and `state` holds h_{t+1}. Two `gemv`s over the N×D parameter matrix P: the
/// connectivity U Vᵀ/N is never formed.
@inline(__always)
func eulerStep(parameters p: UnsafePointer<Double>, spec: ModelSpec, neurons N: Int,
               phiOfState: UnsafePointer<Double>, w: UnsafeMutablePointer<Double>,
               state: UnsafeMutablePointer<Double>) {
    let K = spec.inputs, R = spec.rank, D = spec.layout.dimension, alpha = spec.alpha
    BLAS.gemv(.transpose, m: N, n: R, alpha: 1 / Double(N), a: p + K + R, lda: D,
              x: phiOfState, beta: 0, y: w + K)
    BLAS.gemv(.none, m: N, n: K + R, alpha: alpha, a: p, lda: D, x: w, beta: 1 - alpha, y: state)
}

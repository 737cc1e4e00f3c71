import GramFlowCore
import GramFlowNumerics

/// The Kronecker-core form of the parameter operator K of a low-rank network
/// (derivation in `derivations/kpflow.md`):
///
///     K = α² [ (X Xᵀ + A Aᵀ) ⊗ I_N  +  (Φ Φᵀ / N²) ⊗ U Uᵀ ],
///
/// rows of X, A, Φ indexed by (b, t), t = 1..T: the weight-site variables of the
/// step that produces h_{b,t}, namely x_{b,t−1} (site of M), a_{b,t−1} = Vᵀφ(h_{b,t−1})/N
/// (site of U) and φ(h_{b,t−1}) (site of V, which reaches h only through U, hence
/// U Uᵀ in place of I). The cores are (B·T)×(B·T) Gram matrices; dense, for checks
/// and small analyses, not for production-size products.
public struct KroneckerCore: Sendable {
    /// X Xᵀ + A Aᵀ over (b, t).
    public let identityCore: Matrix
    /// Φ Φᵀ / N² over (b, t).
    public let connectivityCore: Matrix
    public let network: LowRankNetwork
    public let trials: Int, steps: Int

    public init(_ operators: KPFlowOperators) {
        let traj = operators.trajectory, net = operators.network
        let N = net.neurons, K = net.spec.inputs, R = net.spec.rank, T = traj.steps, B = traj.trials
        let n = B * T
        var sites = Matrix(rows: n, cols: K + R)
        var phi = Matrix(rows: n, cols: N)
        for b in 0..<B { for t in 1...T {
            let row = b * T + t - 1
            for k in 0..<K { sites[row, k] = traj.x[(b * T + t - 1) * K + k] }
            for r in 0..<R { sites[row, K + r] = traj.latent[(b * T + t - 1) * R + r] }
            let s = traj.siteIndex(b, t - 1)
            for i in 0..<N { phi[row, i] = traj.phi[s + i] }
        } }
        identityCore = sites.rowGram(scale: 1)
        connectivityCore = phi.rowGram(scale: 1 / Double(N * N))
        network = net; trials = B; steps = T
    }

    /// K q from the cores.
    public func apply(_ q: [Double]) -> [Double] {
        let N = network.neurons, K = network.spec.inputs, R = network.spec.rank
        let n = trials * steps, a2 = network.spec.alpha * network.spec.alpha
        precondition(q.count == n * N)
        let Q = Matrix(rows: n, cols: N, storage: q)
        let first = identityCore * Q                    // (XXᵀ + AAᵀ) ⊗ I
        let mixed = connectivityCore * Q                // (ΦΦᵀ/N²) acting on (b,t)
        let U = network.parameters.selecting(rows: Array(0..<N), cols: (0..<R).map { K + $0 })
        let second = (mixed * U) * U.transposed         // then U Uᵀ on neurons
        return (a2 * (first + second)).storage
    }
}

extension Matrix {
    /// A Aᵀ·scale, the Gram matrix of the rows.
    func rowGram(scale: Double) -> Matrix { transposed.gram(scale: scale) }
}

import GramFlowNumerics

/// The KPFlow operators of any recurrent network h_t = F(h_{t−1}, x_{t−1}; θ),
/// h_0 fixed, on (batch, time, neuron) tensors flattened as ((b·T + t − 1)·N + i),
/// t = 1..T (docs/theory.md §10):
///
///     (P q)_t  = q_t + J_t (P q)_{t−1},       J_t = ∂h_t/∂h_{t−1}      (forward)
///     (P* q)_t = q_t + J_{t+1}ᵀ (P* q)_{t+1}                            (backward)
///     Jθ v = ∂F/∂θ · v at each (b, t) with h_{t−1} held fixed,
///     K = Jθ Jθᵀ,   J = ∂h/∂θ = P Jθ,   Θ = J Jᵀ = P K P*  (state-space NTK).
///
/// Parameters are flat vectors of the `parameterCount` coordinates that move h
/// (a model documents its own order). One protocol, so every analysis (spectra,
/// effective rank, interference, natural gradient) runs on low-rank, dense and
/// gated networks alike.
public protocol RecurrentOperators {
    /// B, T, N of the state tensors.
    var trials: Int { get }
    var steps: Int { get }
    var neurons: Int { get }
    /// The number of parameters that move h.
    var parameterCount: Int { get }
    /// P q.
    func propagate(_ q: [Double]) -> [Double]
    /// P* q.
    func propagateAdjoint(_ q: [Double]) -> [Double]
    /// Jθ v: the one-step state change per unit parameter direction v.
    func parameterJacobian(_ v: [Double]) -> [Double]
    /// Jθᵀ q = Σ_{b,t} Jθ(b,t)ᵀ q_{b,t}.
    func parameterJacobianTranspose(_ q: [Double]) -> [Double]
    /// JᵀJ on a block of parameter vectors (default: one `parameterGram` each; a model may
    /// fuse or batch the forward-sensitivity and backward passes).
    func parameterGram(block: [[Double]]) -> [[Double]]
}

extension RecurrentOperators {
    /// B·T·N, the length of a state tensor.
    public var tensorCount: Int { trials * steps * neurons }
    /// K q = Jθ Jθᵀ q.
    public func parameterOperator(_ q: [Double]) -> [Double] { parameterJacobian(parameterJacobianTranspose(q)) }
    /// J v = P Jθ v: forward sensitivities of every state to a parameter direction.
    public func sensitivity(_ v: [Double]) -> [Double] { propagate(parameterJacobian(v)) }
    /// Jᵀ q = Jθᵀ P* q: the backward pass.
    public func sensitivityTranspose(_ q: [Double]) -> [Double] { parameterJacobianTranspose(propagateAdjoint(q)) }
    /// Θ q = P K P* q.
    public func ntk(_ q: [Double]) -> [Double] { propagate(parameterOperator(propagateAdjoint(q))) }
    /// JᵀJ v, the parameter-side NTK (same non-zero spectrum as Θ).
    public func parameterGram(_ v: [Double]) -> [Double] { sensitivityTranspose(sensitivity(v)) }
    public func parameterGram(block: [[Double]]) -> [[Double]] { block.map(parameterGram) }
}

import GramFlowCore
import GramFlowNumerics

/// A recurrent network with a flat parameter vector θ, h_t = F(h_{t−1}, x_{t−1}; θ),
/// h_0 = 0, read out linearly (the conventions of docs/theory.md §1):
///
///     y_{b,t,o} = Σ_i W_out[o,i] ψ(h_{b,t,i}) / N,
///     L = (dt/B) Σ_{b,t,o} mask (y − y*)²   (`MaskedSquaredError`).
///
/// θ holds first the `movingCount` coordinates that move h (their order is the
/// model's, documented by it), then W_out (O×N, row-major). The forward pass over a
/// batch is a `RecurrentPass`: the stored trajectory with the KPFlow operators on it.
public protocol RecurrentModel: Sendable {
    associatedtype Pass: RecurrentPass
    /// N, K, O.
    var neurons: Int { get }
    var inputs: Int { get }
    var outputs: Int { get }
    /// The time step dt of the loss's time integral.
    var dt: Double { get }
    /// θ: the moving parameters, then W_out.
    var parameters: [Double] { get set }
    /// The number of parameters that move h (all but W_out).
    var movingCount: Int { get }
    /// Runs every trial of `batch` forward and keeps what the operators need.
    func forward(_ batch: TaskBatch) -> Pass
}

extension RecurrentModel {
    /// W_out's offset in θ.
    public var readoutOffset: Int { movingCount }
    /// The readout W_out (O×N).
    public var readoutWeights: Matrix {
        Matrix(rows: outputs, cols: neurons, storage: Array(parameters[movingCount..<(movingCount + outputs * neurons)]))
    }

    /// The loss of `batch` and, with `gradient`, ∂L/∂θ by backpropagation through time:
    /// the moving part is Jᵀe = Jθᵀ P* e for the state error e = ∂L/∂h (`RecurrentOperators`),
    /// the readout part ∂L/∂W_out.
    public func loss(_ batch: TaskBatch, gradient: inout [Double]?) -> Double {
        let pass = forward(batch)
        let scored = RecurrentReadout(self).score(pass, batch: batch)
        if gradient != nil {
            var g = pass.sensitivityTranspose(scored.stateError)
            g.append(contentsOf: scored.readoutGradient)
            gradient = g
        }
        return scored.loss
    }
}

/// A forward pass: the trajectory of a batch and the KPFlow operators on it.
public protocol RecurrentPass: RecurrentOperators {
    /// h_{b,t}, t = 1..T, on the state-tensor layout ((b·T + t − 1)·N + i).
    var hidden: [Double] { get }
    /// ψ(h_{b,t}), what W_out reads, same layout.
    var readoutFeatures: [Double] { get }
    /// ψ′(h_{b,t}), or nil when ψ is the identity.
    var readoutSlope: [Double]? { get }
    /// K in its Kronecker-core form (dense (B·T)×(B·T) Grams, for checks and small analyses).
    func kroneckerCore() -> WeightSiteCore
}

import GramFlowCore
import GramFlowNumerics

/// A finite low-rank RNN of N neurons (docs/theory.md §1), holding its vectors as the
/// columns of one N×D matrix P = [m_1..m_K, u_1..u_R, v_1..v_R, z_1..z_O].
///
/// The connectivity Σ_r u_r v_rᵀ/N is never formed: every product goes
/// through the N×R blocks, so an epoch costs O(B·T·N·(R+K+O)).
public struct LowRankNetwork: Sendable {
    public let spec: ModelSpec
    /// N, the number of neurons.
    public let neurons: Int
    /// P (N×D, row-major): row i is neuron i's entries (m_i, u_i, v_i, z_i).
    public var parameters: Matrix

    public init(spec: ModelSpec, parameters: Matrix) {
        precondition(parameters.cols == spec.layout.dimension, "P must have D = K + 2R + O columns")
        self.spec = spec
        self.neurons = parameters.rows
        self.parameters = parameters
    }

    /// The measured overlaps S = PᵀP/N, σ_ab = a·b/N.
    public var overlaps: Matrix { parameters.gram(scale: 1 / Double(neurons)) }
}

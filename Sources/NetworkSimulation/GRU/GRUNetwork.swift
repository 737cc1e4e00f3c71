import GramFlowCore
import GramFlowNumerics

/// A gated recurrent unit network of N units (Cho et al. 2014, in the PyTorch
/// `nn.GRU` form the KPFlow papers train), h_0 = 0, σ the logistic function:
///
///     z_t = σ(W_z x_{t−1} + U_z h_{t−1} + b_z)                  (update gate)
///     r_t = σ(W_r x_{t−1} + U_r h_{t−1} + b_r)                  (reset gate)
///     u_t = U_n h_{t−1} + c_n                                   (the reset candidate's recurrent part)
///     n_t = tanh(W_n x_{t−1} + b_n + r_t ⊙ u_t)                 (candidate)
///     h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1},
///     y_t = W_out h_t / N                                       (readout of h itself, ψ = identity).
///
/// PyTorch's two biases of z and of r are one each here (they only ever add); c_n is
/// its b_hn, which the reset gate multiplies. θ = [for g in (z, r, n): W_g (N×K),
/// U_g (N×N), b_g (N); then c_n (N); then W_out (O×N)], each row-major; all but W_out move h.
/// `dt` is only the time step of the loss's integral (the GRU has no time constant).
public struct GRUNetwork: RecurrentModel {
    public let neurons: Int, inputs: Int, outputs: Int
    public let dt: Double
    public var parameters: [Double]

    public init(neurons: Int, inputs: Int, outputs: Int, dt: Double, parameters: [Double]) {
        let N = neurons, K = inputs
        precondition(parameters.count == 3 * (N * K + N * N + N) + N + outputs * N && dt > 0)
        self.neurons = N; self.inputs = K; self.outputs = outputs; self.dt = dt; self.parameters = parameters
    }

    /// U_g entries g ζ/√N, W_g and W_out entries ζ (ζ ~ N(0, 1)), biases 0.
    public static func gaussian(neurons N: Int, inputs K: Int, outputs O: Int, dt: Double, gain g: Double = 1,
                                random: RandomSource) -> GRUNetwork {
        var theta: [Double] = []
        for _ in 0..<3 {
            theta += random.gaussians(N * K)
            theta += random.gaussians(N * N).map { g * $0 / Double(N).squareRoot() }
            theta += [Double](repeating: 0, count: N)
        }
        theta += [Double](repeating: 0, count: N)
        theta += random.gaussians(O * N)
        return GRUNetwork(neurons: N, inputs: K, outputs: O, dt: dt, parameters: theta)
    }

    /// The gates in θ's order.
    public enum Gate: Int, CaseIterable, Sendable { case update, reset, candidate }
    /// Size of one gate's block [W_g, U_g, b_g].
    var gateBlock: Int { neurons * inputs + neurons * neurons + neurons }
    /// Offsets in θ of W_g, U_g, b_g and c_n.
    public func inputWeightsOffset(_ g: Gate) -> Int { g.rawValue * gateBlock }
    public func recurrentWeightsOffset(_ g: Gate) -> Int { g.rawValue * gateBlock + neurons * inputs }
    public func biasOffset(_ g: Gate) -> Int { g.rawValue * gateBlock + neurons * inputs + neurons * neurons }
    public var candidateRecurrentBiasOffset: Int { 3 * gateBlock }
    public var movingCount: Int { 3 * gateBlock + neurons }

    public func forward(_ batch: TaskBatch) -> GRUPass { GRUPass(self, batch: batch) }
}

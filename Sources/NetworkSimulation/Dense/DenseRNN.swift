import GramFlowCore
import GramFlowNumerics

/// A dense (full-rank) rate RNN of N neurons, the Euler step of docs/theory.md §1
/// with an unconstrained connectivity W:
///
///     h_t = (1 − α) h_{t−1} + α ( W φ(h_{t−1}) + W_in x_{t−1} ),   h_0 = 0,   α = dt/τ,
///     y_t = W_out ψ(h_t) / N,    ψ = φ (the identity when φ is linear).
///
/// θ = [W (N×N), W_in (N×K), W_out (O×N)], each row-major: the first N² + N·K move h.
/// An epoch costs O(B·T·N²) (a `gemm` per step over the trials).
public struct DenseRNN: RecurrentModel {
    public let neurons: Int, inputs: Int, outputs: Int
    public let dt: Double, tau: Double
    public let nonlinearity: Nonlinearity
    public var parameters: [Double]

    public init(neurons: Int, inputs: Int, outputs: Int, dt: Double, tau: Double = 1, nonlinearity: Nonlinearity,
                parameters: [Double]) {
        precondition(parameters.count == neurons * (neurons + inputs + outputs) && dt > 0 && dt <= tau)
        self.neurons = neurons; self.inputs = inputs; self.outputs = outputs
        self.dt = dt; self.tau = tau; self.nonlinearity = nonlinearity; self.parameters = parameters
    }

    /// W_ij = g ζ/√N, W_in and W_out entries ζ (ζ ~ N(0, 1)): the readout starts at O(1/√N),
    /// as for the low-rank network's Gaussian z of norm √N.
    public static func gaussian(neurons N: Int, inputs K: Int, outputs O: Int, dt: Double, tau: Double = 1,
                                nonlinearity: Nonlinearity = .tanh, gain g: Double = 1, random: RandomSource) -> DenseRNN {
        var theta = random.gaussians(N * N).map { g * $0 / Double(N).squareRoot() }
        theta += random.gaussians(N * K + O * N)
        return DenseRNN(neurons: N, inputs: K, outputs: O, dt: dt, tau: tau, nonlinearity: nonlinearity, parameters: theta)
    }

    public var alpha: Double { dt / tau }
    public var movingCount: Int { neurons * (neurons + inputs) }
    /// Offsets of W and W_in in θ.
    public var recurrentOffset: Int { 0 }
    public var inputOffset: Int { neurons * neurons }

    public func forward(_ batch: TaskBatch) -> DensePass { DensePass(self, batch: batch) }
}

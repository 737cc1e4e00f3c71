import GramFlowCore
import GramFlowNumerics

/// The hidden states of a batch of trials, stored for the KPFlow operators:
///
///     h_{b,t} = (1−α) h_{b,t−1} + α (U a_{b,t−1} + M x_{b,t−1}),   a_{b,t} = Vᵀφ(h_{b,t})/N,  h_{b,0} = 0,
///
/// for t = 1..T. State tensors on (batch, time, neuron) are flat arrays indexed by
/// `index(b, t, i)` = ((b·T + t − 1)·N + i), t = 1..T (h_0 = 0 is not a variable).
public struct StateTrajectory: Sendable {
    public let spec: ModelSpec
    public let neurons: Int, trials: Int, steps: Int
    /// φ(h_{b,t}) for t = 0..T, at ((b·(T+1) + t)·N + i).
    public let phi: [Double]
    /// φ'(h_{b,t}) for t = 0..T, same layout.
    public let phiPrime: [Double]
    /// h_{b,t} for t = 1..T, tensor layout.
    public let h: [Double]
    /// a_{b,t} = Vᵀφ(h_{b,t})/N for t = 0..T−1, at ((b·T + t)·R + r).
    public let latent: [Double]
    /// x_{b,t} for t = 0..T−1 (the batch's inputs).
    public let x: [Double]

    /// Runs the network forward on every trial of `batch`.
    public init(network: LowRankNetwork, batch: TaskBatch) {
        let spec = network.spec, N = network.neurons, B = batch.trials, T = batch.steps
        let K = spec.inputs, R = spec.rank
        precondition(batch.inputs == K)
        self.spec = spec; neurons = N; trials = B; steps = T
        var phi = [Double](repeating: 0, count: B * (T + 1) * N)
        var phiPrime = phi
        var h = [Double](repeating: 0, count: B * T * N)
        var latent = [Double](repeating: 0, count: B * T * R)
        var current = [Double](repeating: 0, count: N)
        var w = [Double](repeating: 0, count: K + R)
        let f = spec.nonlinearity
        network.parameters.storage.withUnsafeBufferPointer { p in
            for b in 0..<B {
                for i in 0..<N { current[i] = 0 }
                for t in 0...T {
                    let base = (b * (T + 1) + t) * N
                    current.withUnsafeBufferPointer { h in
                        phi.withUnsafeMutableBufferPointer { fp in phiPrime.withUnsafeMutableBufferPointer { dp in
                            f.valuesAndSlopes(h.baseAddress!, into: fp.baseAddress! + base, slopes: dp.baseAddress! + base, count: N)
                        } }
                    }
                    guard t < T else { break }
                    for k in 0..<K { w[k] = batch.x[batch.inputIndex(b, t, k)] }
                    phi.withUnsafeBufferPointer { fp in
                        w.withUnsafeMutableBufferPointer { wp in
                            current.withUnsafeMutableBufferPointer { cp in
                                eulerStep(parameters: p.baseAddress!, spec: spec, neurons: N, phiOfState: fp.baseAddress! + base,
                                          w: wp.baseAddress!, state: cp.baseAddress!)
                            }
                        }
                    }
                    for r in 0..<R { latent[(b * T + t) * R + r] = w[K + r] }
                    for i in 0..<N { h[(b * T + t) * N + i] = current[i] }
                }
            }
        }
        self.phi = phi; self.phiPrime = phiPrime; self.h = h; self.latent = latent; self.x = batch.x
    }

    /// B·T·N, the length of a state tensor.
    public var tensorCount: Int { trials * steps * neurons }

    /// Offset of (b, t, ·) in a state tensor, t = 1..T.
    @inlinable public func index(_ b: Int, _ t: Int) -> Int { (b * steps + t - 1) * neurons }

    /// Offset of φ(h_{b,t}) or φ'(h_{b,t}), t = 0..T.
    @inlinable public func siteIndex(_ b: Int, _ t: Int) -> Int { (b * (steps + 1) + t) * neurons }
}

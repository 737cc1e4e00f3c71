import GramFlowCore
import GramFlowNumerics

/// The hidden states of a batch of trials, stored for the KPFlow operators:
///
///     h_{b,t} = (1−α) h_{b,t−1} + α (U a_{b,t−1} + M x_{b,t−1}),   a_{b,t} = Vᵀφ(h_{b,t})/N,  h_{b,0} = 0,
///
/// for t = 1..T, run by `TrialPass` (the network's one forward step). State tensors on (batch, time, neuron) are flat arrays indexed by
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

    /// Runs the network forward on every trial of `batch`: the one forward pass of training's
    /// BPTT (`TrialPass`, in latent coordinates c_t), then h_t = [M U] c_t on every neuron and
    /// φ, φ' of it.
    public init(network: LowRankNetwork, batch: TaskBatch) {
        let spec = network.spec, N = network.neurons, B = batch.trials, T = batch.steps
        let R = spec.rank
        precondition(batch.inputs == spec.inputs && batch.outputs == spec.outputs)
        self.spec = spec; neurons = N; trials = B; steps = T
        var phi = [Double](repeating: 0, count: B * (T + 1) * N)
        var phiPrime = phi
        var h = [Double](repeating: 0, count: B * T * N)
        var latent = [Double](repeating: 0, count: B * T * R)
        let f = spec.nonlinearity
        let pass = TrialPass(spec: spec, neurons: N, steps: T, group: max(B, 1), storesStates: false)
        network.parameters.storage.withUnsafeBufferPointer { pp in
        phi.withUnsafeMutableBufferPointer { fp in phiPrime.withUnsafeMutableBufferPointer { dp in
        h.withUnsafeMutableBufferPointer { hp in
            let p = pp.baseAddress!
            _ = pass.run(p, batch: batch, trials: 0..<B, gradient: nil)
            let current = UnsafeMutablePointer<Double>.allocate(capacity: max(N, 1))
            defer { current.deallocate() }
            for b in 0..<B {
                for t in 0...T {
                    pass.state(p, trial: b, step: t, into: current)
                    let base = (b * (T + 1) + t) * N
                    f.valuesAndSlopes(current, into: fp.baseAddress! + base, slopes: dp.baseAddress! + base, count: N)
                    if t >= 1 { (hp.baseAddress! + (b * T + t - 1) * N).update(from: current, count: N) }
                    if t < T { for r in 0..<R { latent[(b * T + t) * R + r] = pass.drive(trial: b, step: t)[r] } }
                }
            }
        } } } }
        self.phi = phi; self.phiPrime = phiPrime; self.h = h; self.latent = latent; self.x = batch.x
    }

    /// B·T·N, the length of a state tensor.
    public var tensorCount: Int { trials * steps * neurons }

    /// Offset of (b, t, ·) in a state tensor, t = 1..T.
    @inlinable public func index(_ b: Int, _ t: Int) -> Int { (b * steps + t - 1) * neurons }

    /// Offset of φ(h_{b,t}) or φ'(h_{b,t}), t = 0..T.
    @inlinable public func siteIndex(_ b: Int, _ t: Int) -> Int { (b * (steps + 1) + t) * neurons }
}

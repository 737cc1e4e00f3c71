import Foundation
import GramFlowCore
import GramFlowNumerics

/// Loss and gradient of a finite network by backpropagation through time.
///
/// Forward, per trial, with w_t = (x_t, a_t), a_t = Vᵀφ(h_t)/N:
///
///     h_{t+1} = (1−α) h_t + α [M U] w_t,        y_t = Zᵀψ(h_t)/N
///
/// Backward, δ_t = ∂L/∂h_t, b_t = Uᵀδ_{t+1}:
///
///     δ_t = ψ'(h_t) ⊙ Z e_t/N + (1−α) δ_{t+1} + α φ'(h_t) ⊙ V b_t/N
///     ∂L/∂[M U] = α Σ_t δ_{t+1} w_tᵀ,   ∂L/∂V = (α/N) Σ_t φ(h_t) b_tᵀ,
///     ∂L/∂Z = (1/N) Σ_t ψ(h_t) e_tᵀ.
///
/// The trials are split into two fixed halves, [0, ⌈B/2⌉) and [⌈B/2⌉, B); each half runs
/// as one group in latent coordinates (`TrialPass`: h_t = [M U] c_t, one fused pass over
/// the neurons per step for all its trials, memory O(N·(D + B) + B·T·(K+R+O)), φ(h_t)
/// stored only for tanh and erf within `storedStateBudget`), sums its gradient into its own N×D
/// buffer, and the halves are added in that order, on one thread or two: the result is
/// the same bit for bit whatever `threads` is.
public final class Backpropagation {
    /// Whether φ(h_t) is kept from the forward pass or rebuilt from the latent c_t.
    public enum StateStorage: Sendable {
        /// Rebuild for K = R = O = 1 (the rank-1 kernels, whose rebuilt pass keeps δ and the
        /// gradient in registers: flip-flop, B = 10, T = 800, N = 6000, one thread, CPU time
        /// of the whole process, 3 paired runs: tanh 0.69×, erf 0.90× of storing, in 25 MiB
        /// instead of 208 and 391), and for linear and relu φ (cheaper than reading φ back).
        /// Otherwise store for tanh and erf when (T+1)·N·G·8 bytes per thread (G trials per
        /// half; twice that for erf, whose φ' is kept too) fit `storedStateBudget`.
        case automatic
        case stored, recomputed
    }

    public let spec: ModelSpec
    public let neurons: Int
    public let steps: Int
    /// Threads for the two halves of a batch: 1 or 2. Default: `GRAMFLOW_THREADS` if set,
    /// else 2 on a machine with two or more processors. Never changes the result.
    public var threads: Int
    public var storage: StateStorage { didSet { passes = [] } }
    /// Bytes of stored φ(h_t) allowed across threads under `.automatic`.
    public static let storedStateBudget = 1 << 30

    private var passes: [TrialPass] = []
    private var secondHalf: [Double] = []  // N×D: the second half's gradient

    public init(spec: ModelSpec, neurons: Int, steps: Int, storage: StateStorage = .automatic) {
        self.spec = spec; self.neurons = neurons; self.steps = steps
        self.storage = storage
        let fromEnvironment = ProcessInfo.processInfo.environment["GRAMFLOW_THREADS"].flatMap { Int($0) }
        threads = fromEnvironment ?? (ProcessInfo.processInfo.activeProcessorCount >= 2 ? 2 : 1)
    }

    /// Whether φ(h_t) is stored for `lanes` concurrent trials under the current `storage`.
    func storesStates(lanes: Int, group: Int) -> Bool {
        guard !spec.nonlinearity.isLinear else { return false }
        switch storage {
        case .stored: return true
        case .recomputed: return false
        case .automatic:
            return Self.mayStoreStates(spec)
                && (TrialPass.storesSlopes(spec.nonlinearity) ? 2 : 1) * lanes * group * (steps + 1) * neurons
                    * MemoryLayout<Double>.size <= Self.storedStateBudget
        }
    }

    /// Whether `.automatic` may store φ(h_t) for `spec` (tanh or erf outside the rank-1 kernels),
    /// for memory estimates.
    public static func mayStoreStates(_ spec: ModelSpec) -> Bool {
        (spec.nonlinearity == .tanh || spec.nonlinearity == .erf) && !TrialPass.hasRankOneKernel(spec)
    }

    /// The per-thread workspaces, each for a group of up to `group` trials, built on first use.
    private func workspaces(_ lanes: Int, group: Int) -> [TrialPass] {
        if passes.count < lanes || passes[0].group < group {
            let stores = storesStates(lanes: lanes, group: group)
            passes = (0..<lanes).map { _ in
                TrialPass(spec: spec, neurons: neurons, steps: steps, group: group, storesStates: stores)
            }
        }
        return passes
    }

    /// L and, if `gradient` is given, ∂L/∂P written into it (N×D, overwritten).
    public func evaluate(_ network: LowRankNetwork, batch: TaskBatch, gradient: inout Matrix?) -> Double {
        precondition(network.neurons == neurons && batch.steps == steps)
        precondition(batch.inputs == spec.inputs && batch.outputs == spec.outputs)
        let count = neurons * spec.layout.dimension
        if gradient != nil {
            precondition(gradient!.rows == neurons && gradient!.cols == spec.layout.dimension)
            for i in gradient!.storage.indices { gradient!.storage[i] = 0 }
        }
        let B = batch.trials, split = (B + 1) / 2
        let halves = B >= 2 ? [0..<split, split..<B] : [0..<B]
        let wantsGradient = gradient != nil
        if wantsGradient && halves.count == 2 {
            if secondHalf.count != count { secondHalf = Array(repeating: 0, count: count) }
            else { for i in 0..<count { secondHalf[i] = 0 } }
        }
        // Enough work to pay for a second thread (≈ 10 µs to start): B·T·N ≥ 10^5.
        let lanes = halves.count == 2 && threads >= 2 && B * steps * neurons >= 100_000 ? 2 : 1
        let passes = workspaces(lanes, group: halves[0].count)
        var losses = [Double](repeating: 0, count: halves.count)
        func withFirstHalf(_ body: (UnsafeMutablePointer<Double>?) -> Void) {
            if gradient != nil { gradient!.storage.withUnsafeMutableBufferPointer { body($0.baseAddress!) } }
            else { body(nil) }
        }
        network.parameters.storage.withUnsafeBufferPointer { pp in
        secondHalf.withUnsafeMutableBufferPointer { sp in
        losses.withUnsafeMutableBufferPointer { lp in
        withFirstHalf { first in
            let p = pp.baseAddress!, slots = lp.baseAddress!
            let targets = [first, wantsGradient ? sp.baseAddress : nil]
            let run = { (half: Int, pass: TrialPass) in
                slots[half] = pass.run(p, batch: batch, trials: halves[half], gradient: targets[half])
            }
            if lanes == 2 {
                let job = UnsafeJob(run: run, passes: passes)
                DispatchQueue.concurrentPerform(iterations: 2) { job.run($0, job.passes[$0]) }
            } else {
                for half in halves.indices { run(half, passes[0]) }
            }
        } } } }
        if wantsGradient && halves.count == 2 {
            gradient!.storage.withUnsafeMutableBufferPointer { g in
                for i in 0..<count { g[i] += secondHalf[i] }
            }
        }
        return losses.reduce(0, +)
    }
}

/// The two halves' closure handed to the worker threads. Each thread writes only its own
/// half's gradient buffer, loss slot and `TrialPass`; the parameters and batch are read only.
private struct UnsafeJob: @unchecked Sendable {
    let run: (Int, TrialPass) -> Void
    let passes: [TrialPass]
}

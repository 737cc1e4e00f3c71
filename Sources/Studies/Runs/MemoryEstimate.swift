import Foundation
import GramFlowCore
import NetworkSimulation
import OverlapTheory

/// The memory a run needs, estimated from its sizes before anything is allocated,
/// and the check against the memory the machine has (`available()`).
///
/// In doubles (8 bytes), with N neurons, D = K + 2R + O vectors, P = R + K, B trials
/// and T steps, every product formed with overflow checks:
///
///     network      c·N·D              P, its trained copy, the gradient, the draw (and QR) of the
///                                     initial vectors: c = 6, +2 for Adam; studies c = 10 (the
///                                     checkpoint encodes P), equivalence 16 (three networks, two learners)
///                  2·N·D + B·(T+1)·(R+K+O+2)  BPTT in latent coordinates: the second half's gradient, c_t
///                  min(B·(T+1)·N, 2²⁷)  φ(h_t) stored for nonlinear φ while it fits in 1 GiB (a pass)
///     theory       B·(T+1)·(P+K+5O+2)  the latent trajectory c_t, its gains F, F′, the inputs, targets
///                                     and mask time-major, and the adjoint workspace (readout, errors, loss terms)
///                  + 2·N·D            the Gaussian vectors S_0 is measured from
///     overlaps     20·D²              S, G, the map's products, tr(Mᵏ), the measured Gram matrix
///     batches      b·B·T·(K+2O)       inputs, targets, masks; b = 1, or 3 when a fresh batch is
///                                     drawn every epoch (sgd); per learner in a study
///     sNTK         8·N²               bifurcation: J_∞ (N×3N) and its transpose, Θ_∞, and dsyevd's
///                                     copy, workspace and eigenvectors
///     comparison   8·(T+1)·N + 150·N  bifurcation compare-optimizers: the KPFlow tensors, 40 Lanczos vectors
///     natural      (2k+10)·B·(T+1)·N  --optimizer natural: the stored trajectory (φ, φ′, h), e, and the
///                  + (2k+44)·N·D       block of k+1 sensitivities and their images; k+1 kept vectors,
///                                     their images and Ritz combinations, 40 Lanczos vectors on a fall-back
///
/// plus 48 MiB for the process itself (runtime, OpenBLAS buffers, allocator slack). Parts that run one after the
/// other are added all the same, so the sum is an upper-ish bound: `MemoryEstimateTests`
/// measures it at 1–2 × the peak resident set. Per-epoch records are not counted.
public struct MemoryEstimate: Sendable {
    /// One term: its bytes (nil when the product overflows Int) and the options that set its size.
    public struct Part: Sendable {
        public let name: String
        public let bytes: Int?
        public let options: [ParameterKey]
    }
    public private(set) var parts: [Part] = []

    /// The process itself.
    public static let baseline = 48 << 20

    /// The total in bytes, or nil when it does not fit in an Int.
    public var bytes: Int? {
        parts.reduce(Int?(Self.baseline)) { sum, part in
            guard let sum, let b = part.bytes else { return nil }
            let (total, overflow) = sum.addingReportingOverflow(b)
            return overflow ? nil : total
        }
    }

    /// `factors` doubles, in bytes, or nil on overflow.
    static func doubles(_ factors: Int...) -> Int? {
        factors.reduce(Int?(8)) { product, factor in
            guard let product else { return nil }
            let (p, overflow) = product.multipliedReportingOverflow(by: max(factor, 0))
            return overflow ? nil : p
        }
    }

    /// a + b, saturating at Int.max (which then overflows the product).
    static func plus(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }

    mutating func add(_ name: String, _ bytes: Int?, _ options: [ParameterKey]) {
        parts.append(Part(name: name, bytes: bytes, options: options))
    }

    /// `count` runs at once (a sweep runs two points together).
    public func times(_ count: Int) -> MemoryEstimate {
        var copy = self
        copy.parts = parts.map { part in
            Part(name: part.name, bytes: part.bytes.flatMap { b in
                let (p, overflow) = b.multipliedReportingOverflow(by: count); return overflow ? nil : p
            }, options: part.options)
        }
        return copy
    }

    // MARK: the parts

    /// c·N·D, plus BPTT over T steps (`passes` of them).
    mutating func addNetwork(neurons N: Int, model: ModelSpec, steps T: Int, trials B: Int, copies: Int, passes: Int = 1,
                             neuronsOption: ParameterKey = .neurons) {
        // Per trial and step: c_t, a_t, e_t, k_t and α w_t (`TrialPass`), and Γ_t (R×(R+O)).
        let K = model.inputs, R = model.rank, O = model.outputs
        let D = model.layout.dimension, width = 2 * K + 4 * R + 2 * O
        add("network vectors", Self.doubles(copies, N, D), [neuronsOption, .rank])
        // BPTT in latent coordinates: the second half's gradient and the latent states c_t of every trial.
        add("backpropagation through time", Self.doubles(passes, 2, N, D).map { Self.plus($0, Self.doubles(passes, B, Self.plus(T, 1), width) ?? .max) },
            [neuronsOption, .steps])
        add("BPTT's Γ_t = Uᵀ diag φ' [V Z]", Self.doubles(passes, B, T, R, Self.plus(R, O)), [.rank])
        if Backpropagation.mayStoreStates(model) {
            // φ(h_t) (and erf's φ') of every trial is stored while it fits in `Backpropagation.storedStateBudget`, rebuilt otherwise.
            let budget = passes * Backpropagation.storedStateBudget
            let arrays = model.nonlinearity == .erf ? 2 : 1
            add("stored φ(h_t)", min(Self.doubles(passes, arrays * B, Self.plus(T, 1), N) ?? .max, budget), [neuronsOption, .steps, .batch])
        }
    }

    /// The reduced dynamics over B trials and the vectors S_0 is measured from.
    mutating func addTheory(neurons N: Int, model: ModelSpec, trials B: Int, steps T: Int, trialOptions: [ParameterKey]) {
        let O = model.outputs, fiveO = Self.plus(Self.plus(Self.plus(O, O), Self.plus(O, O)), O)
        // P + K + 5O + 2; the targets and mask alone (2O) where the loss keeps no trajectory.
        let perStep = ReducedOverlapLoss.keepsTrajectory(model)
            ? Self.plus(Self.plus(Self.plus(model.rank, Self.plus(model.inputs, model.inputs)), fiveO), 2) : 2 * O
        add("latent trajectory", Self.doubles(B, Self.plus(T, 1), perStep), trialOptions + [.steps])
        add("initial vectors", Self.doubles(2, N, model.layout.dimension), [.neurons, .rank])
    }

    mutating func addNaturalGradient(neurons N: Int, model: ModelSpec, trials B: Int, steps T: Int, modes k: Int) {
        add("natural-gradient tensors", Self.doubles(2 * k + 10, B, Self.plus(T, 1), N), [.neurons, .batch, .steps, .ntkRank])
        add("natural-gradient subspace", Self.doubles(2 * k + 44, N, model.layout.dimension), [.neurons, .ntkRank])
    }

    mutating func addOverlaps(_ model: ModelSpec) {
        let D = model.layout.dimension
        add("overlap matrices", Self.doubles(20, D, D), [.rank])
    }

    mutating func addBatches(model: ModelSpec, trials B: Int, steps T: Int, fresh: Bool, learners: Int = 1,
                             trialOptions: [ParameterKey]) {
        add("batches", Self.doubles(learners, fresh ? 3 : 1, B, T, Self.plus(model.inputs, Self.plus(model.outputs, model.outputs))),
            trialOptions + [.steps])
    }

    // MARK: what each command runs

    public enum Run: Sendable { case theory, network, validation }

    /// `integrate` (theory), `simulate` (network) or `validate` (both) of one configuration.
    public init(_ config: RunConfiguration, run: Run) {
        let B = config.taskOptions.trials ?? config.task.defaultTrials
        let trialOptions: [ParameterKey] = config.task.options.contains(.batch) ? [.batch] : []
        if run != .network {
            addTheory(neurons: config.neurons, model: config.model, trials: B, steps: config.steps, trialOptions: trialOptions)
        }
        if run != .theory {
            addNetwork(neurons: config.neurons, model: config.model, steps: config.steps, trials: B,
                       copies: config.optimizer == .adam ? 8 : 6)
            if config.optimizer == .natural { addNaturalGradient(neurons: config.neurons, model: config.model, trials: B,
                                                                 steps: config.steps, modes: config.modes) }
        }
        addOverlaps(config.model)
        addBatches(model: config.model, trials: B, steps: config.steps, fresh: config.optimizer.freshBatchEachEpoch,
                   trialOptions: trialOptions)
    }

    /// `bifurcation`: the fixed-point sNTK at N (rank 1, one input, one output), the optimiser
    /// comparison over `compareSteps` steps, the student–teacher run (T = 60, BPTT).
    public init(bifurcationNeurons N: Int, compareSteps: Int?, studentTeacher: Bool) {
        let model = ModelSpec(nonlinearity: .erf)
        add("fixed-point sNTK", Self.doubles(8, N, N), [.neurons])
        add("network vectors", Self.doubles(6, N, model.layout.dimension), [.neurons])
        if let T = compareSteps {
            let tensors = Self.doubles(8, Self.plus(T, 1), N), lanczos = Self.doubles(150, N)
            add("optimiser comparison", tensors.flatMap { t in lanczos.map { Self.plus(t, $0) } }, [.neurons, .steps])
            addNetwork(neurons: N, model: model, steps: T, trials: 1, copies: 0)
        }
        if studentTeacher { addNetwork(neurons: N, model: model, steps: 60, trials: 2, copies: 0) }
    }

    /// A multi-task run (one seed at a time): the model's θ with its gradient, Adam's moments
    /// and the four sub-task gradients (10·|θ|), and the pass of the 4B trials with the
    /// operators' work tensors (h, four GRU gains, the state error, its four sub-task copies,
    /// P* and its carry: 12·4B·(T+1)·N).
    public init(multiTask config: MultiTaskConfiguration) {
        let N = config.neurons, K = 7, O = 3, B = 4 * config.trialsPerTask, T = config.steps
        let n = Double(N)  // in Double first: N² of an absurd --neurons must not trap
        let count = config.model == .gru ? 3 * (n * Double(K) + n * n + n) + n + Double(O) * n : n * (n + Double(K + O))
        let theta = Int(min(count, 1e17))
        add("parameters", Self.doubles(10, theta), [.neurons])
        add("pass", Self.doubles(12, B, T + 1, N), [.neurons, .batch, .dt])
    }

    /// A study file: its networks at `initial.neurons` (twins: `networkNeurons`), the
    /// theory and the batches of its largest phase.
    public init(study spec: StudySpec) {
        let model = spec.model.spec, T = spec.model.trialSteps
        var B = 1, fresh = false
        for phase in spec.phases {
            B = max(B, phase.options?.taskOptions.trials ?? phase.task.defaultTrials)
            fresh = fresh || phase.trainer.freshBatchEachEpoch
        }
        let runners = spec.runners
        var neuronsOption = ParameterKey.neurons, N = spec.start.size, network = runners.network
        var copies = 10, passes = 1
        switch spec.kind {
        case .phases, .multitask: break
        case .equivalence: copies = 16; passes = 3; network = true
        case .twins:
            network = (spec.twins?.networkPairs ?? 0) > 0
            if let n = spec.twins?.networkNeurons { N = n; neuronsOption = .networkNeurons }
        }
        if runners.theory || spec.kind == .twins {
            addTheory(neurons: spec.start.size, model: model, trials: B, steps: T, trialOptions: [.batch])
        }
        if network { addNetwork(neurons: N, model: model, steps: T, trials: B, copies: copies, passes: passes, neuronsOption: neuronsOption) }
        addOverlaps(model)
        addBatches(model: model, trials: B, steps: T, fresh: fresh, learners: runners == .both ? 2 : 1, trialOptions: [.batch])
    }

    // MARK: the check

    /// Refuses a run that needs more than `available` bytes, or whose sizes overflow:
    /// the error names the option of the largest part, how much is needed and how much
    /// is available, and the options to lower (`spelling` writes an option's name).
    public func check(available: Int? = MemoryEstimate.available(),
                      spelling: (ParameterKey) -> String = { "--" + $0.option }) throws(InputError) {
        let needed = bytes
        if let needed, needed <= (available ?? .max) { return }
        let culprit = parts.filter { !$0.options.isEmpty }.max { ($0.bytes ?? .max) < ($1.bytes ?? .max) }
        var options: [ParameterKey] = []
        for option in [ParameterKey.neurons, .networkNeurons, .steps, .batch, .rank]
            where culprit?.options.contains(option) == true { options.append(option) }
        let names = options.map(spelling)
        let lower = names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + names.last! : names.first ?? "the sizes"
        let message: String
        if let needed, let available {
            message = "this run needs about \(Self.format(needed)) but \(Self.format(available)) are available; lower \(lower)"
        } else {
            message = "the \(culprit?.name ?? "memory") of this run would take more than 2⁶³ bytes, more than any machine has; lower \(lower)"
        }
        throw InputError(options.first ?? .neurons, message)
    }

    /// The memory available to this process: MemAvailable in /proc/meminfo, bounded by the
    /// cgroup's memory.max − memory.current when there is one; physical memory elsewhere.
    public static func available() -> Int? {
        func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }
        var result: Int?
        if let meminfo = read("/proc/meminfo"),
           let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
           let kB = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) {
            result = kB * 1024
        }
        if let limit = read("/sys/fs/cgroup/memory.max").flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }),
           let used = read("/sys/fs/cgroup/memory.current").flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
            result = min(result ?? .max, max(0, limit - used))
        }
        return result ?? Int(exactly: ProcessInfo.processInfo.physicalMemory)
    }

    /// "24.0 GB" (powers of 1000).
    public static func format(_ bytes: Int) -> String {
        let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(bytes), unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f", value) + " " + units[unit]
    }
}

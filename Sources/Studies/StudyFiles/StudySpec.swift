import GramFlowCore
import OverlapTheory

/// A study file (YAML): the model, the initial state, and phases of training,
/// each with its task, epochs, learning rate, target noise and learning-rate
/// rules. `study` picks the protocol: `phases` runs the phases in order,
/// `equivalence` and `twins` are the built-in protocols of docs/theory.md §8;
/// `multitask` trains a dense RNN or a GRU on the four Pro/Anti tasks (its `multitask`
/// block holds everything: no model, initial state or phases).
///
/// Optional fields are nil when the file leaves them out; the resolved values
/// (defaults filled in) are the computed properties.
public struct StudySpec: Codable, Equatable, Sendable {
    public var study: StudyKind?
    public var title: String?
    public var model: StudyModel
    public var initial: StudyInitial?
    /// What runs: theory, network or both (default both).
    public var run: StudyRunners?
    public var phases: [StudyPhase]
    public var equivalence: EquivalenceSpec?
    public var twins: TwinsSpec?
    public var multitask: MultiTaskConfiguration?

    private enum CodingKeys: String, CodingKey {
        case study, title, model, initial, run, phases, equivalence, twins, multitask
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        study = try c.decodeIfPresent(StudyKind.self, forKey: .study)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        // A multi-task study has no low-rank model and no phases: its block says it all
        // (`problem()` refuses a model or phases given beside it).
        let multiTask = study == .multitask
        model = multiTask ? StudyModel(rank: 1) : try c.decode(StudyModel.self, forKey: .model)
        phases = multiTask ? [] : try c.decode([StudyPhase].self, forKey: .phases)
        initial = try c.decodeIfPresent(StudyInitial.self, forKey: .initial)
        run = try c.decodeIfPresent(StudyRunners.self, forKey: .run)
        equivalence = try c.decodeIfPresent(EquivalenceSpec.self, forKey: .equivalence)
        twins = try c.decodeIfPresent(TwinsSpec.self, forKey: .twins)
        multitask = try c.decodeIfPresent(MultiTaskConfiguration.self, forKey: .multitask)
        givenKeys = Set(c.allKeys.map(\.stringValue))
    }

    /// The top-level keys the file gave (a multi-task study checks that it gave no others).
    var givenKeys: Set<String> = []

    public var kind: StudyKind { study ?? .phases }
    public var runners: StudyRunners { run ?? .both }
    public var start: StudyInitial { initial ?? StudyInitial() }
}

public enum StudyKind: String, Codable, Sendable { case phases, equivalence, twins, multitask }

public enum StudyRunners: String, Codable, Sendable {
    case theory, network, both
    public var theory: Bool { self != .network }
    public var network: Bool { self != .theory }
}

/// The architecture (docs/theory.md §1) and the trial length T shared by every phase.
public struct StudyModel: Codable, Equatable, Sendable {
    public var rank: Int
    public var phi: Nonlinearity?
    public var dt: Double?
    public var tau: Double?
    public var inputs: Int?
    public var outputs: Int?
    /// T, time steps per trial.
    public var steps: Int?

    public var spec: ModelSpec {
        ModelSpec(inputs: inputs ?? 1, rank: rank, outputs: outputs ?? 1, dt: dt ?? 0.05, tau: tau ?? 1,
                  nonlinearity: phi ?? .linear)
    }
    public var trialSteps: Int { steps ?? 400 }
}

/// Gaussian vectors of norm √N from `seed` (the default), or the given overlaps
/// realised exactly at N neurons.
public struct StudyInitial: Codable, Equatable, Sendable {
    public var neurons: Int?
    public var seed: UInt64?
    public var overlaps: [String: Double]?
    /// gaussian (default) or balanced (`Initialization`).
    public var initialization: Initialization?
    /// s: every drawn vector multiplied by s, so S_0 → s² S_0 and tr(M^k) → s^{2k} tr(M^k)
    /// (the scale of the invariants against what the tasks need; default 1, docs/theory.md §8.6).
    public var scale: Double?
    public init(neurons: Int? = nil, seed: UInt64? = nil, overlaps: [String: Double]? = nil, initialization: Initialization? = nil,
                scale: Double? = nil) {
        self.neurons = neurons; self.seed = seed; self.overlaps = overlaps; self.initialization = initialization
        self.scale = scale
    }
    public var size: Int { neurons ?? 500 }
    public var randomSeed: UInt64 { seed ?? 1 }
}

/// One phase: a task trained for `epochs` epochs from where the previous phase ended.
public struct StudyPhase: Codable, Equatable, Sendable {
    /// Shown in reports (default "phase k").
    public var name: String?
    /// Phases with the same label are visits to the same task: memory is measured
    /// between them (default: the task and its options).
    public var label: String?
    public var task: TaskName
    public var options: StudyTaskOptions?
    public var epochs: Int
    /// η; the network's step is N·η.
    public var lr: Double
    /// σ of Gaussian noise added to every target entry, fresh each epoch (default 0).
    public var targetNoise: Double?
    /// gd (one batch per phase), sgd (a fresh batch per epoch), adam (network only) or natural
    /// (the low-rank natural gradient, `ntkRank` modes, `damping` ε); default gd.
    public var optimizer: Optimizer?
    /// k and ε of `optimizer: natural` (defaults 1 and λ_{k+1}).
    public var ntkRank: Int?
    public var damping: Double?
    /// How the theory advances in this phase: the exact map (default) or the gradient flow.
    public var update: OverlapUpdate?
    /// Local error tolerance of the flow's ODE solver (default 1e-12).
    public var tolerance: Double?
    /// shared (default): the theory learns from the network's batches; independent: its own.
    public var theoryBatches: TheoryBatches?
    public var lrRules: [LearningRateRule]?

    public var noise: Double { targetNoise ?? 0 }
    public var rules: [LearningRateRule] { lrRules ?? [] }
    public var trainer: Optimizer { optimizer ?? .gd }
}

/// `TaskOptions` (same keys) plus the flip-flop variant's shape (docs/theory.md §8
/// twins: pulses of 1–2 s, amplitude 2, target level 1), in one YAML mapping.
public struct StudyTaskOptions: Codable, Equatable, Sendable {
    public var taskOptions: TaskOptions
    /// Flip-flop: pulse duration range [min, max] in seconds, the gap from a pulse's end to the
    /// next pulse [min, max] in seconds (default [4, 10]), amplitude and target level.
    public var pulseDuration: [Double]?
    public var pulseGap: [Double]?
    public var amplitude: Double?
    public var level: Double?

    private enum FlipFlopKeys: String, CodingKey { case pulseDuration, pulseGap, amplitude, level }

    public init(from decoder: Decoder) throws {
        taskOptions = try TaskOptions(from: decoder)
        let c = try decoder.container(keyedBy: FlipFlopKeys.self)
        pulseDuration = try c.decodeIfPresent([Double].self, forKey: .pulseDuration)
        pulseGap = try c.decodeIfPresent([Double].self, forKey: .pulseGap)
        amplitude = try c.decodeIfPresent(Double.self, forKey: .amplitude)
        level = try c.decodeIfPresent(Double.self, forKey: .level)
    }

    public func encode(to encoder: Encoder) throws {
        try taskOptions.encode(to: encoder)
        var c = encoder.container(keyedBy: FlipFlopKeys.self)
        try c.encodeIfPresent(pulseDuration, forKey: .pulseDuration)
        try c.encodeIfPresent(pulseGap, forKey: .pulseGap)
        try c.encodeIfPresent(amplitude, forKey: .amplitude)
        try c.encodeIfPresent(level, forKey: .level)
    }

    var hasFlipFlopShape: Bool { pulseDuration != nil || pulseGap != nil || amplitude != nil || level != nil }
}

/// `equivalence`: the second network keeps every loss-visible overlap of the
/// first and sets σ_{u1u1} and σ_{m1u1} to these values.
public struct EquivalenceSpec: Codable, Equatable, Sendable {
    public var normU: Double
    public var sigmaMU: Double
}

/// `twins`: pairs sharing an initial state (off-diagonal overlaps |N(0, s²)|,
/// squared norms U(a, b), resampled until S is positive definite). Twin 1 trains
/// on phase 1 (A), twin 2 on phase 2 (B), then both on phase 3 (C).
public struct TwinsSpec: Codable, Equatable, Sendable {
    public var pairs: Int
    public var seed: UInt64?
    public var offDiagonalScale: Double?
    public var normRange: [Double]?
    /// The smaller network version: this many pairs realised at `networkNeurons`.
    public var networkPairs: Int?
    public var networkNeurons: Int?
}

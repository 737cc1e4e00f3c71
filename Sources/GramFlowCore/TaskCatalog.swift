/// The tasks known by name.
public enum TaskName: String, CaseIterable, Codable, Sendable {
    case filter
    case oscillation
    case filterNoise = "filter-noise"
    case flipflop
    case decision
    /// Context-dependent integration: two noisy stimuli, two context cues, one output.
    case context
    /// The four Pro/Anti tasks of the KPFlow poster (`ProAntiTask`): K = 7, O = 3.
    case memoryPro = "memory-pro", memoryAnti = "memory-anti", delayPro = "delay-pro", delayAnti = "delay-anti"
    /// The user's own task from a file (`--data FILE.npz`, `TaskData`).
    case custom
    /// A teacher network given by its overlaps (built by the Studies layer, which can run the theory).
    case teacher

    /// The options this task takes (every task takes `loss`).
    public var options: Set<ParameterKey> { ownOptions.union([.loss]) }

    private var ownOptions: Set<ParameterKey> {
        switch self {
        case .filter: return [.gain, .decay, .targetGrid]
        case .oscillation: return [.decay, .frequency, .targetGrid]
        case .filterNoise: return [.gain, .decay, .batch, .noise, .inputs, .outputs]
        case .flipflop: return [.batch, .bits, .pulseSchedule]
        case .decision: return [.batch, .noise]
        case .context: return [.batch, .noise]
        case .custom: return [.batch, .data]
        case .memoryPro, .memoryAnti, .delayPro, .delayAnti: return [.batch]
        case .teacher: return [.batch, .noise, .pulseAmplitude, .teacher, .pulseSchedule]
        }
    }

    /// B when `--batch` is not given.
    public var defaultTrials: Int {
        switch self {
        case .filter, .oscillation: return 1
        case .filterNoise: return 8
        case .flipflop, .decision, .context, .teacher: return 10
        case .memoryPro, .memoryAnti, .delayPro, .delayAnti: return 8
        case .custom: return 1  // B comes from the data; the memory estimate reads it from the task
        }
    }
}

/// Task options as a user gives them; nil means the task's default.
public struct TaskOptions: Codable, Equatable, Sendable {
    public var gain: Double?
    public var decay: Double?
    public var frequency: Double?
    public var trials: Int?
    public var noise: Double?
    /// Teacher task: amplitude of the flip-flop pulses added to its noise input (0: none).
    public var pulseAmplitude: Double?
    /// Teacher task: the teacher's overlaps, `a.b` → value.
    public var teacher: [String: Double]?
    /// Custom task: the .npz file (or folder of .npy files) holding inputs, targets and mask.
    public var data: String?
    /// Flip-flop: the number of independent bits n (K = O = n; default 1).
    public var bits: Int?
    /// K and O for tasks that take them (filter-noise).
    public var inputs: Int?
    public var outputs: Int?
    /// How the loss sums the squared errors (nil: dt-sum), `LossNormalisation`.
    public var loss: LossNormalisation?
    /// Filter and oscillation: the times the target is sampled at (nil: uniform), `TargetGrid`.
    public var targetGrid: TargetGrid?
    /// Flip-flop: GramFlow's pulse schedule and mask or the paper's code's (nil: gramflow), `PulseSchedule`.
    public var pulseSchedule: PulseSchedule?

    /// One name per parameter in the CLI (`--batch`), run.json and study files (`batch`).
    private enum CodingKeys: String, CodingKey {
        case gain, decay, frequency, noise, pulseAmplitude, teacher, data, bits, inputs, outputs, loss, targetGrid, pulseSchedule
        case trials = "batch"
    }

    public init(gain: Double? = nil, decay: Double? = nil, frequency: Double? = nil, trials: Int? = nil,
                noise: Double? = nil, pulseAmplitude: Double? = nil, teacher: [String: Double]? = nil,
                data: String? = nil, bits: Int? = nil, inputs: Int? = nil, outputs: Int? = nil,
                loss: LossNormalisation? = nil, targetGrid: TargetGrid? = nil, pulseSchedule: PulseSchedule? = nil) {
        self.gain = gain; self.decay = decay; self.frequency = frequency; self.trials = trials
        self.noise = noise; self.pulseAmplitude = pulseAmplitude; self.teacher = teacher
        self.data = data; self.bits = bits; self.inputs = inputs; self.outputs = outputs
        self.loss = loss; self.targetGrid = targetGrid; self.pulseSchedule = pulseSchedule
    }

    /// The loss normalisation of the task's batches.
    public var normalisation: LossNormalisation { loss ?? .dtSum }

    /// Checks values and that every given option belongs to the task.
    public func check(_ name: TaskName) throws(InputError) {
        if let gain, !gain.isFinite { throw InputError(.gain, "must be a finite number (got \(gain))") }
        if let decay, !(decay.isFinite && decay >= 0) {
            throw InputError(.decay, "must be a non-negative number (got \(decay))")
        }
        if let frequency, !frequency.isFinite {
            throw InputError(.frequency, "must be a finite number (got \(frequency))")
        }
        if let trials, trials < 1 { throw InputError(.batch, "must be at least 1 (got \(trials))") }
        if let noise, !(noise.isFinite && noise >= 0) {
            throw InputError(.noise, "must be a non-negative number (got \(noise))")
        }
        if let pulseAmplitude, !pulseAmplitude.isFinite {
            throw InputError(.pulseAmplitude, "must be a finite number (got \(pulseAmplitude))")
        }
        if let bits, bits < 1 { throw InputError(.bits, "must be at least 1 (got \(bits))") }
        if let inputs, inputs < 1 { throw InputError(.inputs, "must be at least 1 (got \(inputs))") }
        if let outputs, outputs < 1 { throw InputError(.outputs, "must be at least 1 (got \(outputs))") }
        let given: [(ParameterKey, Bool)] = [(.gain, gain != nil), (.decay, decay != nil), (.frequency, frequency != nil),
                                             (.batch, trials != nil), (.noise, noise != nil),
                                             (.pulseAmplitude, pulseAmplitude != nil), (.teacher, teacher != nil),
                                             (.data, data != nil), (.bits, bits != nil), (.inputs, inputs != nil),
                                             (.outputs, outputs != nil), (.targetGrid, targetGrid != nil),
                                             (.pulseSchedule, pulseSchedule != nil)]
        for (option, isGiven) in given where isGiven && !name.options.contains(option) {
            if name == .custom && (option == .inputs || option == .outputs) {
                throw InputError(option, "is not an option of the custom task: K and O come from the shapes of its arrays inputs (B×T×K) and targets (B×T×O); remove it")
            }
            throw InputError(option, "is not an option of the \(name.rawValue) task; remove it (it takes \(name.options.map(\.rawValue).sorted().joined(separator: ", ")))")
        }
        if name == .teacher && teacher == nil {
            throw InputError(.teacher, "the teacher task needs the teacher's overlaps: --teacher FILE (JSON, {\"u1.v1\": 1.5, …})")
        }
        if name == .custom && data == nil {
            throw InputError(.data, "the custom task needs its data: --data FILE.npz with arrays inputs (B×T×K), targets (B×T×O) and optionally mask (B×T×O), or a folder of inputs.npy, targets.npy, mask.npy")
        }
    }

    /// Builds the named task (all but `teacher`); the error names the option at fault.
    public func makeTask(_ name: TaskName) throws(InputError) -> any Task {
        try check(name)
        switch name {
        case .filter: return FilterTask(gain: gain ?? 1, decay: decay ?? 0.2, grid: targetGrid ?? .uniform)
        case .oscillation: return OscillationTask(decay: decay ?? 0.3, frequency: frequency ?? 2, grid: targetGrid ?? .uniform)
        case .filterNoise:
            return NoiseFilterTask(gain: gain ?? 1, decay: decay ?? 0.2, trials: trials ?? 8, noise: noise ?? 1,
                                   inputs: inputs ?? 1, outputs: outputs ?? 1)
        case .flipflop: return FlipFlopTask(trials: trials ?? 10, bits: bits ?? 1, schedule: pulseSchedule ?? .gramflow)
        case .decision: return DecisionTask(trials: trials ?? 10, noise: noise ?? 0.05)
        case .context: return ContextIntegrationTask(trials: trials ?? 10, noise: noise ?? 0.05)
        case .memoryPro, .memoryAnti, .delayPro, .delayAnti:
            return ProAntiTask(ProAntiTask.Variant(rawValue: name.rawValue)!, trials: trials ?? 8)
        case .custom:
            let batch = try TaskData.load(data ?? "")
            if let trials, trials > batch.trials {
                throw InputError(.batch, "asks for \(trials) trials per epoch but \(data ?? "") holds \(batch.trials); give at most \(batch.trials)")
            }
            return DataTask(data: batch, draw: trials)
        case .teacher:
            throw InputError(.task, "the teacher task is built from the teacher's overlaps by the Studies layer")
        }
    }
}

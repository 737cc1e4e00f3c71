import GramFlowCore
import GramFlowNumerics
import OverlapTheory

/// Every parameter of a run, resolved (defaults filled in). Written to run.json.
public struct RunConfiguration: Codable, Equatable, Sendable {
    public var task: TaskName
    public var taskOptions: TaskOptions
    public var model: ModelSpec
    /// Number of training epochs.
    public var epochs: Int
    /// η; the network's learning rate is N·η.
    public var learningRate: Double
    /// T, the number of time steps of a trial.
    public var steps: Int
    public var seed: UInt64
    /// N: the network size, and for the theory alone the size at which the initial overlaps are sampled.
    public var neurons: Int
    /// How the theory advances: the exact map or the gradient flow.
    public var update: OverlapUpdate
    /// Local error tolerance of the flow's ODE solver.
    public var flowTolerance: Double
    /// Initial overlaps given by the user (`a.b` → value), or nil to sample Gaussian vectors.
    public var initialOverlaps: [String: Double]?
    /// How the network trains (the theory follows gd and sgd; adam only on the network).
    public var optimizer: Optimizer
    /// `--ntk-rank k`: the sNTK modes of `optimizer: natural` (nil: 1).
    public var ntkRank: Int?
    /// `--damping ε` of `optimizer: natural` (nil: ε = λ_{k+1}).
    public var damping: Double?
    /// `--vectors`: a .npz file of the initial network's vectors m, u, v, z (N from the file),
    /// or nil. The theory starts from their overlaps.
    public var initialVectors: String?
    /// Whether the theory learns from the network's batches (shared) or draws its own (independent).
    public var theoryBatches: TheoryBatches
    /// How the initial vectors are drawn when no overlaps or vectors are given.
    public var initialization: Initialization
    /// `initial.scale` s of a study: the drawn vectors (gaussian or balanced) multiplied by s, so
    /// S_0 → s² S_0 (nil: 1). Not with given overlaps or vectors, which fix the scale themselves.
    public var initialScale: Double?

    /// One name per parameter, as the CLI spells it (`--lr`, `--tolerance`, `--overlaps`) and
    /// study files do (`lr`, `options`): a run.json's parameters paste into a study phase.
    private enum CodingKeys: String, CodingKey {
        case task, model, epochs, steps, seed, neurons, update, optimizer, ntkRank, damping, theoryBatches, initialization
        case initialScale = "scale"
        case taskOptions = "options"
        case learningRate = "lr"
        case flowTolerance = "tolerance"
        case initialOverlaps = "overlaps"
        case initialVectors = "vectors"
    }

    public init(task: TaskName = .filter, taskOptions: TaskOptions = TaskOptions(), model: ModelSpec = ModelSpec(),
                epochs: Int = 2000, learningRate: Double = 5e-3, steps: Int = 400, seed: UInt64 = 1,
                neurons: Int = 500, update: OverlapUpdate = .map, flowTolerance: Double = 1e-12,
                initialOverlaps: [String: Double]? = nil, optimizer: Optimizer = .gd, initialVectors: String? = nil,
                ntkRank: Int? = nil, damping: Double? = nil,
                theoryBatches: TheoryBatches = .shared, initialization: Initialization = .gaussian) {
        self.task = task; self.taskOptions = taskOptions; self.model = model; self.epochs = epochs
        self.learningRate = learningRate; self.steps = steps; self.seed = seed; self.neurons = neurons
        self.update = update; self.flowTolerance = flowTolerance; self.initialOverlaps = initialOverlaps
        self.optimizer = optimizer; self.initialVectors = initialVectors
        self.ntkRank = ntkRank; self.damping = damping
        self.theoryBatches = theoryBatches; self.initialization = initialization
    }

    /// k of the natural gradient.
    public var modes: Int { ntkRank ?? 1 }

    /// Checks every field; the error names the command-line option and the fix.
    public func validate() throws(InputError) {
        try validateSizes()
        if task == .custom, let b = taskOptions.trials, !optimizer.freshBatchEachEpoch {
            throw InputError(.batch, "with --optimizer \(optimizer.rawValue) every epoch uses all trials of the data; to draw \(b) of them per epoch use --optimizer sgd")
        }
        let task = try makeTask()
        guard task.inputs == model.inputs && task.outputs == model.outputs else {
            throw InputError(.task, "\(task.name) has \(task.inputs) input(s) and \(task.outputs) output(s), the model \(model.inputs) and \(model.outputs)")
        }
        try Self.requireSteps(steps, for: task, dt: model.dt)
        if self.task == .teacher {
            do { try InitialState.checkTeacher(taskOptions.teacher ?? [:], layout: model.layout) }
            catch let error as InputError { throw error }
            catch { throw InputError(.teacher, "the teacher's overlaps could not be checked: \(error)") }
        }
    }

    /// The checks that need no task: the model, epochs, η, T, N and the tolerance.
    /// They come before any allocation (`MemoryEstimate` relies on them).
    public func validateSizes() throws(InputError) {
        try model.validate()
        guard epochs >= 0 else { throw InputError(.epochs, "must be 0 or more (got \(epochs))") }
        guard learningRate.isFinite && learningRate > 0 else {
            throw InputError(.lr, "must be a positive number (got \(learningRate))")
        }
        guard steps >= 1 else { throw InputError(.steps, "must be at least 1 (got \(steps))") }
        guard neurons >= 1 else { throw InputError(.neurons, "must be at least 1 (got \(neurons))") }
        guard flowTolerance.isFinite && flowTolerance > 0 else {
            throw InputError(.tolerance, "must be a positive number (got \(flowTolerance))")
        }
        if initialization == .balanced {
            guard model.rank == 1 && model.inputs == 1 && model.outputs == 1 else {
                throw InputError(.initialization, "balanced vectors are defined for rank 1 with one input and one output (got rank \(model.rank), \(model.inputs) input(s), \(model.outputs) output(s)); use gaussian")
            }
            guard initialOverlaps == nil && initialVectors == nil else {
                throw InputError(.initialization, "balanced draws the vectors itself; remove --overlaps or --vectors, or use gaussian")
            }
        }
        if let s = initialScale {
            guard s.isFinite && s > 0 else { throw InputError(.scale, "must be a positive number (got \(s))") }
            guard initialOverlaps == nil && initialVectors == nil else {
                throw InputError(.scale, "scales the drawn vectors; given overlaps or vectors fix the scale themselves, so remove scale or them")
            }
        }
        try Self.checkNaturalGradient(optimizer: optimizer, ntkRank: ntkRank, damping: damping)
        if optimizer == .natural && update != .map {
            throw InputError(.update, "the natural gradient is a map in overlap space; use --update map with --optimizer natural")
        }
    }

    /// `--ntk-rank` and `--damping` belong to `--optimizer natural`: k ≥ 1, ε > 0.
    public static func checkNaturalGradient(optimizer: Optimizer, ntkRank: Int?, damping: Double?) throws(InputError) {
        if optimizer != .natural {
            if ntkRank != nil { throw InputError(.ntkRank, "only the natural gradient uses sNTK modes; add --optimizer natural or remove it") }
            if damping != nil { throw InputError(.damping, "only the natural gradient is damped; add --optimizer natural or remove it") }
        }
        if let ntkRank, ntkRank < 1 || ntkRank > 16 {
            throw InputError(.ntkRank, "must be between 1 and 16 (got \(ntkRank))")
        }
        if let damping, !(damping.isFinite && damping > 0) {
            throw InputError(.damping, "must be a positive number (got \(damping)); leave it out for ε = λ_{k+1}")
        }
    }

    /// Refuses trials too short for the task's loss mask (`Task.minimumSteps`): on them
    /// every graded output is 0 whatever the network, so the loss cannot change.
    public static func requireSteps(_ steps: Int, for task: any Task, dt: Double) throws(InputError) {
        let minimum = task.minimumSteps(dt: dt)
        guard steps >= minimum else {
            throw InputError(.steps, "the \(task.name) task grades no output after an input before step \(minimum) at dt = \(dt), so the loss could not change; use at least \(minimum) steps (got \(steps))")
        }
    }

    /// K and O of the model from the task (custom data, flipflop --bits, context,
    /// filter-noise --inputs/--outputs), and T from the data of a custom task.
    public mutating func adoptTaskShape() throws(InputError) {
        guard task != .teacher else { return }
        let made = try taskOptions.makeTask(task)
        model.inputs = made.inputs
        model.outputs = made.outputs
        if let data = made as? DataTask { steps = data.steps }
    }

    public func makeTask() throws(InputError) -> any Task {
        guard task == .teacher else { return try taskOptions.makeTask(task) }
        try taskOptions.check(task)
        return try TeacherTask(spec: model, overlaps: taskOptions.teacher ?? [:], trials: taskOptions.trials ?? task.defaultTrials,
                               inputNoise: taskOptions.noise ?? 1.5, pulseAmplitude: taskOptions.pulseAmplitude ?? 0,
                               pulseSchedule: taskOptions.pulseSchedule ?? .gramflow)
    }

    /// The batches of the run, drawn from the seed's batch stream with the task's loss
    /// normalisation: the theory and the network of one configuration see the same trials,
    /// epoch by epoch, unless `theoryBatches` is independent and `theory` asks.
    public func makeBatchSchedule(theory: Bool = false) throws(InputError) -> BatchSchedule {
        BatchSchedule(task: try makeTask(), steps: steps, dt: model.dt, seed: theoryBatches.seed(seed, theory: theory),
                      fresh: optimizer.freshBatchEachEpoch, normalisation: taskOptions.normalisation)
    }

    /// Checks that the theory can follow the optimizer.
    public func requireTheoryCanFollowOptimizer() throws(InputError) {
        guard optimizer.isClosedInOverlapSpace else {
            throw InputError(.optimizer, "\(optimizer.rawValue) acts on each coordinate separately and is not closed in overlap space, so the theory cannot run it. Train the network with `gramflow simulate --optimizer \(optimizer.rawValue)`, or compare it with the GD theory with `gramflow validate --optimizer \(optimizer.rawValue)`")
        }
    }
}

import ArgumentParser
import Foundation
import GramFlowCore
import OverlapTheory
import Studies

/// Options shared by every subcommand: the model, the task, training and output.
struct RunOptions: ParsableArguments {
    @Option(help: "Task: filter, oscillation, filter-noise, flipflop, decision, context, memory-pro, memory-anti, delay-pro, delay-anti (the Pro/Anti tasks, K = 7, O = 3), custom (--data FILE) or teacher.")
    var task: TaskName = .filter
    @OptionGroup var model: ModelOptions
    @Option(parsing: .unconditional, help: "Number of training epochs.")
    var epochs: Int = 2000
    @Option(name: .customLong("lr"), parsing: .unconditional, help: "Learning rate η (the network's step is N·η).")
    var learningRate: Double = 5e-3
    @Option(parsing: .unconditional, help: "Euler time step dt.")
    var dt: Double = 0.05
    @Option(parsing: .unconditional, help: "Time constant τ (α = dt/τ).")
    var tau: Double = 1
    @Option(parsing: .unconditional, help: "Time steps T per trial (default 400; a custom task's T comes from its data).")
    var steps: Int?
    @Option(parsing: .unconditional, help: "Random seed (initial vectors and task batches).")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Task gain a (filter, filter-noise; default 1).")
    var gain: Double?
    @Option(parsing: .unconditional, help: "Task decay rate c (default 0.2 for the filters, 0.3 for oscillation).")
    var decay: Double?
    @Option(parsing: .unconditional, help: "Oscillation angular frequency ω (default 2).")
    var frequency: Double?
    @Option(parsing: .unconditional, help: "Trials per batch (filter-noise 8, flipflop, decision and teacher 10).")
    var batch: Int?
    @Option(parsing: .unconditional, help: "Input noise σ (filter-noise 1, decision 0.05, teacher 1.5).")
    var noise: Double?
    @Option(name: .customLong("pulse-amplitude"), parsing: .unconditional, help: "Teacher task: amplitude of flip-flop pulses added to its input (default 0).")
    var pulseAmplitude: Double?
    @Option(help: ArgumentHelp("Teacher task: JSON file of the teacher's overlaps (its loss-visible ones at least).", valueName: "file"))
    var teacher: String?
    @Option(help: "Optimizer: gd (full batch), sgd (a fresh batch every epoch), adam (network only) or natural (the low-rank natural gradient with the top --ntk-rank sNTK modes; the theory follows it in overlap space).")
    var optimizer: Optimizer = .gd
    @Option(name: .customLong("ntk-rank"), parsing: .unconditional, help: ArgumentHelp("--optimizer natural: the k top sNTK modes it damps (default 1).", valueName: "k"))
    var ntkRank: Int?
    @Option(parsing: .unconditional, help: ArgumentHelp("--optimizer natural: ε in (Θ_k + εI)⁻¹ (default λ_{k+1}, the next sNTK eigenvalue).", valueName: "ε"))
    var damping: Double?
    @Option(help: "Loss normalisation: dt-sum (dt/B)Σ mask·r², masked-mean Σ mask·r²/Σ mask, or mean-times-duration (T·dt)·mean(mask·r²).")
    var loss: LossNormalisation = .dtSum
    @Option(name: .customLong("target-grid"), help: "Filter and oscillation: uniform (target at (t−1)·dt) or stretched ((t−1)·dt·T/(T−1), the paper's grid).")
    var targetGrid: TargetGrid?
    @Option(name: .customLong("pulse-schedule"), help: "Flip-flop (and the teacher task's input pulses): gramflow (gaps from each pulse's end; mask 0 during a pulse and 2 s after) or paper (the overlap paper's code: gaps from the end of that masked window; also masked one step before each pulse and before the first).")
    var pulseSchedule: PulseSchedule?

    @Option(help: "Initial vectors: gaussian (norm √N) or balanced (redrawn until |σ_zu − σ_vm| and |σ_mu − σ_zv| < 1e-3 with equal signs, the paper's flip-flop; rank 1).")
    var initialization: Initialization = .gaussian
    @Option(help: ArgumentHelp("JSON file of initial overlaps, {\"m1.m1\": 1.0, \"m1.u1\": 0.1, …}, all D(D+1)/2 of them.",
                               valueName: "file"))
    var overlaps: String?
    @Option(name: .customLong("record-every"), help: ArgumentHelp("Write every K-th epoch's row to trajectory.csv (and the last); the invariant drift is still taken over every epoch.", valueName: "K"))
    var recordEvery: Int = 1
    @Option(name: .customLong("track-ntk-every"), help: ArgumentHelp("Every E epochs (and at the last) record the effective ranks of K, P and Θ = PKP* (network: ntk-ranks.csv) and of the reduced sNTK (theory: reduced-ntk-ranks.csv).", valueName: "E"))
    var trackNTKEvery: Int?
    @OptionGroup var output: OutputOptions
    @OptionGroup var dataOptions: DataOptions

    /// The resolved configuration; without theory options (simulate), the map and its defaults.
    func configuration(neurons: Int, theory: TheoryOptions?, network: Bool = true) throws -> RunConfiguration {
        var config = draft(neurons: neurons, theory: theory)
        do {
            if let teacher { config.taskOptions.teacher = try JSONNumbersFile.read(teacher, field: .teacher) }
            dataOptions.apply(to: &config.taskOptions)
            if task == .custom && steps != nil {
                throw InputError(.steps, "a custom task's T comes from its data (inputs is B×T×K); remove --steps")
            }
            try config.adoptTaskShape()
            try config.validate()
            if let overlaps { config.initialOverlaps = try readOverlaps(overlaps, layout: config.model.layout) }
            try dataOptions.apply(to: &config, network: network, overlapsGiven: overlaps != nil)
        } catch let error as InputError {
            throw ValidationError(usageMessage(error))
        }
        return config
    }

    /// Refuses, before anything is allocated, sizes this machine cannot hold
    /// (`MemoryEstimate`; `concurrent` runs at once): exit 64 naming the option to lower.
    func requireMemory(neurons: [Int], theory: TheoryOptions?, run: MemoryEstimate.Run, concurrent: Int = 1) throws {
        for n in neurons {
            let config = draft(neurons: n, theory: theory)
            do {
                try config.validateSizes()
                try MemoryEstimate(config, run: run).times(concurrent).check()
            } catch { throw ValidationError(usageMessage(error)) }
        }
    }

    /// The configuration as given, unchecked.
    private func draft(neurons: Int, theory: TheoryOptions?) -> RunConfiguration {
        RunConfiguration(
            task: task,
            taskOptions: TaskOptions(gain: gain, decay: decay, frequency: frequency, trials: batch, noise: noise,
                                     pulseAmplitude: pulseAmplitude, loss: loss == .dtSum ? nil : loss, targetGrid: targetGrid,
                                     pulseSchedule: pulseSchedule),
            model: ModelSpec(inputs: 1, rank: model.rank, outputs: 1, dt: dt, tau: tau, nonlinearity: model.phi),
            epochs: epochs, learningRate: learningRate, steps: steps ?? 400, seed: seed, neurons: neurons,
            update: theory?.update ?? .map, flowTolerance: theory?.tolerance ?? 1e-12, optimizer: optimizer,
            ntkRank: ntkRank, damping: damping,
            theoryBatches: theory?.theoryBatches ?? .shared, initialization: initialization)
    }

    /// The configuration and the output path, both checked (exit 64 on a bad value).
    func resolved(neurons: Int, theory: TheoryOptions? = nil, network: Bool = true, defaultOut: String) throws
        -> (config: RunConfiguration, out: String) {
        (try configuration(neurons: neurons, theory: theory, network: network), try checkOutput(default: defaultOut))
    }

    /// Checks the output folder can be written, before any work.
    func checkOutput(default name: String) throws -> String {
        guard recordEvery >= 1 else { throw ValidationError("--record-every: must be at least 1 (got \(recordEvery))") }
        if let every = trackNTKEvery, every < 1 { throw ValidationError("--track-ntk-every: must be at least 1 (got \(every))") }
        return try output.checked(default: name)
    }

    /// The `--track-ntk-every` recorder of one run side into `folder` (nil without the option).
    func tracker(_ config: RunConfiguration, in folder: OutputFolder, theory: Bool) throws -> EffectiveRankTracker? {
        guard let every = trackNTKEvery else { return nil }
        let schedule = try config.makeBatchSchedule()
        return try EffectiveRankTracker(file: folder.path(theory ? "reduced-ntk-ranks.csv" : "ntk-ranks.csv"), every: every,
                                        theory: theory, batches: schedule.batch(epoch:))
    }

    private func readOverlaps(_ path: String, layout: VectorLayout) throws -> [String: Double] {
        let values = try JSONNumbersFile.read(path, field: .overlaps)
        _ = try InitialState.parse(values, layout: layout)  // names, completeness, PSD
        return values
    }
}

/// How the theory advances (integrate, validate).
struct TheoryOptions: ParsableArguments {
    @Option(help: "map: exact discrete-GD map S ← (I−2ηG)S(I−2ηG); flow: gradient-flow ODE dS/dτ = −2η(GS+SG); direct: plain GD on the overlaps, σ ← σ − η∂L/∂σ (no Gram metric; the paper's Fig. 1 baseline).")
    var update: OverlapUpdate = .map
    @Option(name: .customLong("theory-batches"), help: "shared: the theory learns from the network's batches; independent: it draws its own (the paper's code).")
    var theoryBatches: TheoryBatches = .shared
    @Option(parsing: .unconditional, help: "Local error tolerance of the flow's ODE solver (absolute and relative).")
    var tolerance: Double = 1e-12
}

/// "--option: message": the parameter spelled as the command line spells it.
func usageMessage(_ error: InputError) -> String {
    "--\(error.key.option): \(error.message)"
}

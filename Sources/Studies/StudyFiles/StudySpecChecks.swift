import GramFlowCore
import OverlapTheory

extension StudySpec {
    /// The first value that cannot be run, as (path in the file, message), or nil.
    /// Each phase is checked as the `RunConfiguration` it becomes.
    public func problem() -> ([String], String)? {
        if kind == .multitask { return multiTaskProblem() }
        do throws(InputError) { try model.spec.validate() } catch { return (place(of: error.key, phase: 0), error.message) }
        if let steps = model.steps, steps < 1 { return (["model", "steps"], "must be at least 1 (got \(steps))") }
        if start.size < model.spec.layout.dimension {
            return (["initial", "neurons"], "must be at least D = \(model.spec.layout.dimension) (got \(start.size))")
        }
        do throws(InputError) { try MemoryEstimate(study: self).check(spelling: \.rawValue) } catch {
            let largest = phases.indices.max { (phases[$0].options?.taskOptions.trials ?? 0) < (phases[$1].options?.taskOptions.trials ?? 0) }
            let at = place(of: error.key, phase: largest ?? 0)
            return (error.key == .batch ? at + ["batch"] : at, error.message)
        }
        do throws(InputError) { try initialConfiguration.validateSizes() } catch where error.key == .initialization || error.key == .scale {
            return (["initial", error.key.rawValue], error.message)
        } catch {}
        if let given = start.overlaps {
            do { _ = try InitialState.parse(given, layout: model.spec.layout) } catch {
                return (["initial", "overlaps"], "\(error)")
            }
        }
        guard !phases.isEmpty else { return (["phases"], "give at least one phase") }
        for (i, phase) in phases.enumerated() {
            let at = ["phases", "\(i + 1)"]
            guard phase.epochs >= 0 else { return (at + ["epochs"], "must be 0 or more (got \(phase.epochs))") }
            guard phase.noise.isFinite && phase.noise >= 0 else {
                return (at + ["targetNoise"], "must be a non-negative number (got \(phase.noise))")
            }
            if phase.trainer == .natural && phase.update == .flow && runners.theory {
                return (at + ["update"], "the natural gradient is a map in overlap space; use update: map with optimizer: natural")
            }
            guard phase.trainer != .adam || !runners.theory else {
                return (at + ["optimizer"], "adam is not closed in overlap space, so the theory cannot run it; use gd or sgd, or train the network alone with `run: network`")
            }
            for (j, rule) in phase.rules.enumerated() where !(rule.divideBy.isFinite && rule.divideBy > 0 && rule.below.isFinite) {
                return (at + ["lrRules", "\(j + 1)"], "below must be a number and divideBy a positive number")
            }
            if let range = phase.options?.pulseDuration,
               !(range.count == 2 && range[0] > 0 && range[0] <= range[1]) {
                return (at + ["options", "pulseDuration"], "give [min, max] seconds with 0 < min ≤ max")
            }
            if let range = phase.options?.pulseGap, !(range.count == 2 && range[0] >= 0 && range[0] <= range[1]) {
                return (at + ["options", "pulseGap"], "give [min, max] seconds with 0 ≤ min ≤ max")
            }
            if phase.options?.hasFlipFlopShape == true && phase.task != .flipflop {
                return (at + ["options"], "pulseDuration, pulseGap, amplitude and level are flip-flop options")
            }
            do throws(InputError) {
                // T is checked against the phase's own task (the flip-flop variant has its own pulses):
                do throws(InputError) { try configuration(phase: i).validate() } catch where error.key == .steps {}
                try RunConfiguration.requireSteps(model.trialSteps, for: task(phase: i), dt: model.spec.dt)
            } catch {
                if error.key == .steps { return (["model", "steps"], "\(name(phase: i)) (\(phase.task.rawValue)): \(error.message)") }
                return (place(of: error.key, phase: i), error.description)
            }
            // Every phase of a study shares T (model.steps); data brings its own.
            if phase.task == .custom, let data = try? configuration(phase: i).makeTask() as? DataTask,
               data.steps != model.trialSteps {
                return (at + ["options", "data"], "the data has T = \(data.steps) steps but the study's model.steps is \(model.trialSteps); every phase shares T, so set model: {steps: \(data.steps)} (or cut the data to T = \(model.trialSteps))")
            }
        }
        switch kind {
        case .phases: break
        case .multitask: break  // checked above
        case .equivalence:
            guard let e = equivalence else { return (["equivalence"], "an equivalence study needs normU and sigmaMU") }
            guard model.spec.nonlinearity.isLinear else {
                return (["model", "phi"], "the equivalence construction keeps the function only for linear φ")
            }
            guard e.normU > 0 && e.normU.isFinite && e.sigmaMU.isFinite else {
                return (["equivalence"], "normU must be positive and sigmaMU finite")
            }
        case .twins:
            guard let t = twins else { return (["twins"], "a twins study needs a twins block") }
            guard phases.count == 3 else { return (["phases"], "twins need exactly three phases: A, B, C") }
            guard t.pairs >= 2 else { return (["twins", "pairs"], "must be at least 2 (got \(t.pairs))") }
            if let range = t.normRange, !(range.count == 2 && range[0] > 0 && range[0] <= range[1]) {
                return (["twins", "normRange"], "give [min, max] with 0 < min ≤ max")
            }
            if let n = t.networkPairs, n < 0 { return (["twins", "networkPairs"], "must be 0 or more") }
        }
        return nil
    }

    /// A `study: multitask` file: its block, and nothing of the low-rank studies beside it.
    private func multiTaskProblem() -> ([String], String)? {
        if let other = givenKeys.subtracting(["study", "title", "multitask"]).sorted().first {
            return ([other], "a multitask study takes everything from its multitask block; remove \(other)")
        }
        guard let config = multitask else {
            return (["multitask"], "a multitask study needs a multitask block (model: dense or gru, neurons, epochs, lr, …)")
        }
        do throws(InputError) { try config.check() } catch {
            let names: [ParameterKey: String] = [.trackEvery: "trackEvery", .seed: "seeds"]
            return (["multitask", names[error.key] ?? error.key.rawValue], error.message)
        }
        return nil
    }

    /// Where a parameter lives in a study file: the model, the initial state, phase i's own
    /// keys, or phase i's task options.
    func place(of key: ParameterKey, phase i: Int) -> [String] {
        switch key {
        case .rank, .phi, .dt, .tau, .inputs, .outputs, .steps: return ["model", key.rawValue]
        case .neurons, .seed, .overlaps, .initialization, .scale: return ["initial", key.rawValue]
        case .networkNeurons: return ["twins", key.rawValue]
        case .task, .epochs, .lr, .optimizer, .update, .tolerance, .ntkRank, .damping, .theoryBatches: return ["phases", "\(i + 1)", key.rawValue]
        case .gain, .decay, .frequency, .batch, .noise, .pulseAmplitude, .teacher, .bits, .data, .loss, .targetGrid, .pulseSchedule:
            return ["phases", "\(i + 1)", "options"]
        case .equivalence: return ["equivalence"]
        case .out, .resume, .vectors, .saveVectors, .saveVectorsEvery: return []
        case .model, .trackEvery: return ["multitask", key.rawValue]
        }
    }

    /// The study's initial state as a run configuration: the model, the seed, N, the given
    /// overlaps and how vectors are drawn.
    public var initialConfiguration: RunConfiguration {
        var initial = RunConfiguration(model: model.spec, seed: start.randomSeed, neurons: start.size,
                                       initialization: start.initialization ?? .gaussian)
        initial.initialOverlaps = start.overlaps
        initial.initialScale = start.scale
        return initial
    }

    /// Phase i as a run configuration (theory map, the phase's own batch seed).
    public func configuration(phase i: Int) -> RunConfiguration {
        let phase = phases[i]
        return RunConfiguration(task: phase.task, taskOptions: phase.options?.taskOptions ?? TaskOptions(),
                                model: model.spec, epochs: phase.epochs, learningRate: phase.lr,
                                steps: model.trialSteps, seed: phaseSeed(i), neurons: start.size,
                                optimizer: phase.trainer, ntkRank: phase.ntkRank, damping: phase.damping,
                                theoryBatches: phase.theoryBatches ?? .shared)
    }

    /// The seed of phase i's batches and target noise: distinct per phase, fixed by the
    /// study seed, so a resumed phase draws what the uninterrupted run drew.
    public func phaseSeed(_ i: Int) -> UInt64 { start.randomSeed &* 1_000_003 &+ UInt64(i + 1) }

    /// The label that identifies visits to the same task.
    public func label(phase i: Int) -> String {
        if let label = phases[i].label { return label }
        let o = phases[i].options?.taskOptions
        let parts: [String] = [o?.gain.map { "gain \($0)" }, o?.decay.map { "decay \($0)" },
                               o?.frequency.map { "frequency \($0)" }].compactMap { $0 }
        return phases[i].task.rawValue + (parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")")
    }

    public func name(phase i: Int) -> String { phases[i].name ?? "phase \(i + 1)" }
}

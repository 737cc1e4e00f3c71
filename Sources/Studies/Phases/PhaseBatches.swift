import GramFlowCore
import GramFlowNumerics
import OverlapTheory

/// The batches of one phase, epoch by epoch: the task's batch (one per phase for
/// gd, a fresh one per epoch for sgd) with Gaussian noise of σ = targetNoise added
/// to every target entry, drawn fresh each epoch. Everything comes from the
/// phase's seed, so the theory and the network (each with its own instance), and
/// a resumed run, see the same numbers.
final class PhaseBatches {
    private let schedule: BatchSchedule
    private let noise: Double
    private let random: RandomSource

    /// - Parameter theory: the batches of the theory side (its own under `theoryBatches: independent`).
    init(spec: StudySpec, phase i: Int, theory: Bool = false) throws(InputError) {
        let config = spec.configuration(phase: i)
        let seed = config.theoryBatches.seed(config.seed, theory: theory)
        schedule = BatchSchedule(task: try spec.task(phase: i), steps: config.steps, dt: config.model.dt,
                                 seed: seed, fresh: config.optimizer.freshBatchEachEpoch,
                                 normalisation: config.taskOptions.normalisation)
        noise = spec.phases[i].noise
        random = SeedStreams.initialization(seed)
    }

    /// Epoch e's batch; epochs in increasing order, each once.
    func batch(epoch: Int) -> TaskBatch {
        var batch = schedule.batch(epoch: epoch)
        if noise > 0 { for i in batch.target.indices { batch.target[i] += noise * random.gaussian() } }
        return batch
    }
}

extension StudySpec {
    /// Phase i's task; the flip-flop variant when its shape is given.
    public func task(phase i: Int) throws(InputError) -> any Task {
        let phase = phases[i]
        if let o = phase.options, o.hasFlipFlopShape {
            let range = o.pulseDuration ?? [0.5, 0.5], gap = o.pulseGap ?? [4, 10]
            return FlipFlopTask(trials: o.taskOptions.trials ?? TaskName.flipflop.defaultTrials, pulseDuration: range[0]...range[1],
                                gap: gap[0]...gap[1],
                                amplitude: o.amplitude ?? 1, level: o.level ?? 0.5,
                                schedule: o.taskOptions.pulseSchedule ?? .gramflow)
        }
        return try configuration(phase: i).makeTask()
    }
}

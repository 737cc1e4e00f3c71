import Foundation
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import NumPyFiles

/// One seed of a multi-task run: the model trained on the four Pro/Anti tasks through
/// the engine (`train`), with an observer that records, every `trackEvery` epochs and at
/// the last one, each task's loss, the interference matrix C, its running mean C̄ over
/// the records so far (the poster's cumulative alignment) and the hidden-state
/// similarity S (`MultiTaskSnapshot`), streamed to `tracking.csv`.
public enum MultiTaskStudy {
    /// What one record holds.
    public struct Record: Sendable {
        public let epoch: Int
        public let loss: Double
        public let snapshot: MultiTaskSnapshot
        public let cumulative: Matrix
    }

    /// A seed's result: the grouping onsets and whether C's came first.
    public struct SeedResult: Codable, Sendable {
        public var seed: UInt64
        public var status: String
        public var initialLoss: Double, finalLoss: Double
        public var finalTaskLosses: [Double]
        /// π of C̄, C and S at the first and the last record.
        public var initialInterferencePreference: Double, finalInterferencePreference: Double
        public var initialCumulativePreference: Double, finalCumulativePreference: Double
        public var initialSimilarityPreference: Double, finalSimilarityPreference: Double
        /// `ProAntiGrouping.onset` of π(C̄) and of π(S) (nil: never for good).
        public var interferenceOnset: Int?, similarityOnset: Int?
        /// The poster's claim for this seed: the Pro/Anti grouping appears in S (after
        /// the start) and π(C̄) turned positive for good strictly earlier.
        public var predictedBefore: Bool
    }

    /// Task order of every matrix and column: MP, MA, DP, DA.
    public static let taskNames = ProAntiTask.Variant.allCases.map(\.abbreviation)
    static let pairs = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]

    /// tracking.csv's header.
    public static var csvHeader: String {
        let pairNames = pairs.map { "\(taskNames[$0.0])_\(taskNames[$0.1])" }
        return (["epoch", "loss"] + taskNames.map { "loss_\($0)" } + pairNames.map { "C_\($0)" } + pairNames.map { "S_\($0)" }
                + ["pref_C", "pref_Cbar", "pref_S"]).joined(separator: ",") + "\n"
    }

    static func csvRow(_ r: Record) -> String {
        func g(_ x: Double) -> String { String(format: "%.10g", x) }
        let c = r.snapshot.interference.normalized, s = r.snapshot.similarity
        let cells = [String(r.epoch), g(r.loss)] + r.snapshot.losses.map(g) + pairs.map { g(c[$0.0, $0.1]) }
            + pairs.map { g(s[$0.0, $0.1]) }
            + [g(ProAntiGrouping.preference(c)), g(ProAntiGrouping.preference(r.cumulative)), g(ProAntiGrouping.preference(s))]
        return cells.joined(separator: ",") + "\n"
    }

    /// Trains seed `seed` and writes tracking.csv, multitask.npz and the heat-map tables into `folder`.
    public static func run(_ config: MultiTaskConfiguration, seed: UInt64, in folder: URL,
                           progress: Bool) throws -> (result: SeedResult, outcome: TrainingOutcome) {
        let K = 7, O = 3, N = config.neurons
        let parts = config.tasks.map { $0.batch(steps: config.steps, dt: config.dt, random: SeedStreams.batches(seed)) }
        let random = SeedStreams.initialization(seed)
        switch config.model {
        case .dense:
            let model = DenseRNN.gaussian(neurons: N, inputs: K, outputs: O, dt: config.dt, nonlinearity: config.phi,
                                          gain: config.gain, random: random)
            return try run(model, config: config, parts: parts, seed: seed, in: folder, progress: progress)
        case .gru:
            let model = GRUNetwork.gaussian(neurons: N, inputs: K, outputs: O, dt: config.dt, gain: config.gain, random: random)
            return try run(model, config: config, parts: parts, seed: seed, in: folder, progress: progress)
        }
    }

    static func run<M: RecurrentModel>(_ model: M, config: MultiTaskConfiguration, parts: [TaskBatch], seed: UInt64,
                                        in folder: URL, progress: Bool) throws -> (result: SeedResult, outcome: TrainingOutcome) {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let csv = try StreamingFile(folder.appendingPathComponent("tracking.csv"))
        try csv.write(csvHeader)
        let batch = TaskBatch(concatenating: parts)
        var records: [Record] = []
        var sum = Matrix(rows: 4, cols: 4)
        let bar = Progress(label: "\(config.model.rawValue) seed \(seed)", total: config.epochs, enabled: progress)
        let tracker = TrainingObserver<M> { epoch, _ in
            bar.update(epoch: epoch.epoch, loss: epoch.loss)
            guard epoch.epoch % config.trackEvery == 0 || epoch.epoch == config.epochs else { return }
            let snapshot = MultiTaskSnapshot(epoch.state, parts: parts)
            sum = sum + snapshot.interference.normalized
            let record = Record(epoch: epoch.epoch, loss: epoch.loss, snapshot: snapshot,
                                cumulative: (1 / Double(records.count + 1)) * sum)
            records.append(record)
            try csv.write(csvRow(record))
        }
        var learner = RecurrentLearner<M>(optimizer: config.optimizer)
        let problem = LearningProblem(model: ModelSpec(), initial: model) { _ in batch }
        let solution = try train(problem, with: &learner, schedule: TrainingSchedule(epochs: config.epochs, learningRate: config.learningRate),
                                 observers: [tracker])
        bar.finish()
        _ = try csv.close()
        try writeArrays(records, final: solution.state, batch: batch, config: config, to: folder)
        return (result(records, seed: seed, outcome: solution.outcome, initialLoss: solution.initialLoss, finalLoss: solution.finalLoss),
                solution.outcome)
    }

    static func result(_ records: [Record], seed: UInt64, outcome: TrainingOutcome, initialLoss: Double, finalLoss: Double) -> SeedResult {
        let epochs = records.map(\.epoch)
        let piC = records.map { ProAntiGrouping.preference($0.snapshot.interference.normalized) }
        let piBar = records.map { ProAntiGrouping.preference($0.cumulative) }
        let piS = records.map { ProAntiGrouping.preference($0.snapshot.similarity) }
        let cOnset = ProAntiGrouping.onset(epochs: epochs, preferences: piBar)
        let sOnset = ProAntiGrouping.onset(epochs: epochs, preferences: piS)
        var predicted = false
        if let sOnset, sOnset > 0, let cOnset { predicted = cOnset < sOnset }
        return SeedResult(seed: seed, status: outcome.status, initialLoss: initialLoss, finalLoss: finalLoss,
                          finalTaskLosses: records.last?.snapshot.losses ?? [],
                          initialInterferencePreference: piC.first ?? .nan, finalInterferencePreference: piC.last ?? .nan,
                          initialCumulativePreference: piBar.first ?? .nan, finalCumulativePreference: piBar.last ?? .nan,
                          initialSimilarityPreference: piS.first ?? .nan, finalSimilarityPreference: piS.last ?? .nan,
                          interferenceOnset: cOnset, similarityOnset: sOnset, predictedBefore: predicted)
    }

    /// multitask.npz (epochs, losses R×4, interference / cumulative / similarity R×4×4,
    /// hidden 4×B×T×N of the final model) and the four 4×4 tables the heat maps draw.
    static func writeArrays<M: RecurrentModel>(_ records: [Record], final model: M, batch: TaskBatch,
                                               config: MultiTaskConfiguration, to folder: URL) throws {
        let R = records.count
        func stack(_ m: (Record) -> Matrix) -> NumPyArray { NumPyArray(shape: [R, 4, 4], values: records.flatMap { m($0).storage }) }
        let hidden = model.forward(batch).hidden
        try NPZArchive.write([
            ("epochs", NumPyArray(shape: [R], values: records.map { Double($0.epoch) })),
            ("losses", NumPyArray(shape: [R, 4], values: records.flatMap(\.snapshot.losses))),
            ("interference", stack { $0.snapshot.interference.normalized }),
            ("cumulative_interference", stack(\.cumulative)),
            ("similarity", stack(\.snapshot.similarity)),
            ("hidden", NumPyArray(shape: [4, config.trialsPerTask, config.steps, config.neurons], values: hidden)),
        ], to: folder.appendingPathComponent("multitask.npz"))
        guard let first = records.first, let last = records.last else { return }
        func table(_ m: Matrix) -> String {
            (0..<4).map { i in (0..<4).map { String(format: "%.6f", m[i, $0]) }.joined(separator: ",") }.joined(separator: "\n") + "\n"
        }
        for (name, m) in [("interference-first", first.cumulative), ("interference-last", last.cumulative),
                          ("similarity-first", first.snapshot.similarity), ("similarity-last", last.snapshot.similarity)] {
            try Data(table(m).utf8).write(to: folder.appendingPathComponent(name + ".csv"))
        }
    }
}

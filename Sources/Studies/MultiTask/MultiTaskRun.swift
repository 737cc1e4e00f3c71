import Foundation
import GramFlowCore

/// A whole multi-task run, the one path of `gramflow multitask` and of `study: multitask`:
/// every seed into DIR/seed-S/, then DIR/report.json and report.md.
public enum MultiTaskRun {
    public struct Outcome {
        public let report: MultiTaskReport
        public let outcomes: [TrainingOutcome]

        /// A few lines for the terminal: per seed the loss and the onsets, then the fractions.
        public func summary(out: String, plot: Bool) -> String {
            func g(_ x: Double) -> String { String(format: "%.4g", x) }
            var lines = report.seeds.map { s in
                "seed \(s.seed): loss \(g(s.initialLoss)) → \(g(s.finalLoss)); π(C) at 0 = \(g(s.initialInterferencePreference)), π(S) \(g(s.initialSimilarityPreference)) → \(g(s.finalSimilarityPreference)); onset C̄ \(s.interferenceOnset.map(String.init) ?? "never"), S \(s.similarityOnset.map(String.init) ?? "never")"
            }
            lines.append("C̄ turned Pro/Anti before S in \(report.seeds.filter(\.predictedBefore).count) of \(report.seeds.count) seeds; S ends Pro/Anti in \(report.seeds.filter { $0.finalSimilarityPreference > 0 }.count)")
            lines.append("wrote \(out)/report.md, report.json, seed-*/tracking.csv, multitask.npz\(plot ? ", heatmaps.png, grouping.png" : "")")
            return lines.joined(separator: "\n")
        }
    }

    public static func run(_ config: MultiTaskConfiguration, in folder: URL, plot: Bool, progress: Bool) throws -> Outcome {
        var results: [MultiTaskStudy.SeedResult] = []
        var outcomes: [TrainingOutcome] = []
        for seed in config.seeds {
            let sub = folder.appendingPathComponent("seed-\(seed)")
            let (result, outcome) = try MultiTaskStudy.run(config, seed: seed, in: sub, progress: progress)
            results.append(result)
            outcomes.append(outcome)
            if plot {
                try Plotting.plotMultiTask(in: sub, title: "\(config.model == .gru ? "GRU" : "dense RNN"), N = \(config.neurons), seed \(seed)")
            }
        }
        let report = MultiTaskReport(configuration: config, seeds: results)
        try Data(report.json.utf8).write(to: folder.appendingPathComponent("report.json"))
        try Data(report.markdown.utf8).write(to: folder.appendingPathComponent("report.md"))
        return Outcome(report: report, outcomes: outcomes)
    }
}

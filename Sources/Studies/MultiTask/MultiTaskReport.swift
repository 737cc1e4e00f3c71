import Foundation
import GramFlowCore

/// report.json of a multi-task run: the configuration, each seed's result, and the
/// numbers the validation's claims read (fractions over seeds, means with their sd).
public struct MultiTaskReport: Codable, Sendable {
    public var tool = "gramflow"
    public var version = GramFlowVersion.current
    public var configuration: MultiTaskConfiguration
    public var steps: Int
    public var seeds: [MultiTaskStudy.SeedResult]
    /// Fraction of seeds where π(C̄) turned positive for good strictly before π(S) did (`SeedResult.predictedBefore`).
    public var predictedBeforeFraction: Double
    /// Fraction of seeds whose hidden-state similarity ends in the Pro/Anti grouping (π(S) > 0 at the last record).
    public var proAntiAppearedFraction: Double
    /// Fraction of seeds whose interference matrix prefers Pro/Anti at initialisation (π(C) > 0 at epoch 0).
    public var initialInterferenceProAntiFraction: Double
    /// final/initial loss, mean and sd over seeds.
    public var lossRatioMean: Double, lossRatioSd: Double
    /// Onsets over the seeds that have one (mean, sd; nil when none has).
    public var interferenceOnsetMean: Double?, similarityOnsetMean: Double?, similarityOnsetSd: Double?
    public var completedFraction: Double

    public init(configuration: MultiTaskConfiguration, seeds: [MultiTaskStudy.SeedResult]) {
        self.configuration = configuration; steps = configuration.steps; self.seeds = seeds
        let n = Double(seeds.count)
        func fraction(_ p: (MultiTaskStudy.SeedResult) -> Bool) -> Double { Double(seeds.filter(p).count) / n }
        func meanSd(_ xs: [Double]) -> (Double, Double)? {
            guard !xs.isEmpty else { return nil }
            let m = xs.reduce(0, +) / Double(xs.count)
            let v = xs.count > 1 ? xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1) : 0
            return (m, v.squareRoot())
        }
        predictedBeforeFraction = fraction(\.predictedBefore)
        proAntiAppearedFraction = fraction { $0.finalSimilarityPreference > 0 }
        initialInterferenceProAntiFraction = fraction { $0.initialInterferencePreference > 0 }
        completedFraction = fraction { $0.status == "completed" }
        let ratio = meanSd(seeds.map { $0.finalLoss / $0.initialLoss }) ?? (.nan, .nan)
        lossRatioMean = ratio.0; lossRatioSd = ratio.1
        interferenceOnsetMean = meanSd(seeds.compactMap { $0.interferenceOnset.map(Double.init) })?.0
        let s = meanSd(seeds.compactMap { $0.similarityOnset.map(Double.init) })
        similarityOnsetMean = s?.0; similarityOnsetSd = s?.1
    }

    public var json: String { encodeJSON(self) }

    public var markdown: String {
        let c = configuration
        func g(_ x: Double?) -> String { x.map { String(format: "%.4g", $0) } ?? "never" }
        func onset(_ x: Int?) -> String { x.map(String.init) ?? "never" }
        var text = """
        # Multi-task interference: \(c.model == .gru ? "GRU" : "dense RNN") on Memory/Delay Pro/Anti

        N = \(c.neurons), \(c.trialsPerTask) trials per task (4 tasks), T = \(steps) steps of dt = \(c.dt), \(c.optimizer.rawValue) with η = \(c.learningRate), \(c.epochs) epochs, recorded every \(c.trackEvery); seeds \(seeds.map { String($0.seed) }.joined(separator: ", ")).

        π(M) = ½(M_MP,DP + M_MA,DA) − ½(M_MP,MA + M_DP,DA): > 0 is the Pro/Anti grouping, < 0 the Memory/Delay one.
        C is the interference matrix ⟨e_i, Θ e_j⟩/√(⟨e_i,Θe_i⟩⟨e_j,Θe_j⟩), C̄ its running mean over the records, S the hidden-state cosine similarity.
        An onset is the first record from which π stays > 0 to the end.

        | seed | loss first → last | π(C) at 0 | π(C̄) last | π(S) at 0 → last | onset C̄ | onset S | C̄ first |
        | --- | --- | --- | --- | --- | --- | --- | --- |

        """
        for s in seeds {
            text += "| \(s.seed) | \(g(s.initialLoss)) → \(g(s.finalLoss)) | \(g(s.initialInterferencePreference)) | \(g(s.finalCumulativePreference)) | \(g(s.initialSimilarityPreference)) → \(g(s.finalSimilarityPreference)) | \(onset(s.interferenceOnset)) | \(onset(s.similarityOnset)) | \(s.predictedBefore ? "yes" : "no") |\n"
        }
        text += """

        Over \(seeds.count) seeds: C̄ turned Pro/Anti before S in \(g(predictedBeforeFraction * 100))%; S ends Pro/Anti in \(g(proAntiAppearedFraction * 100))%; C prefers Pro/Anti at initialisation in \(g(initialInterferenceProAntiFraction * 100))%; final/initial loss \(g(lossRatioMean)) ± \(g(lossRatioSd)); S onset \(g(similarityOnsetMean)) ± \(g(similarityOnsetSd)) epochs.

        """
        return text
    }
}

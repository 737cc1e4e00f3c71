import Foundation
import GramFlowCore

/// Deviation of theory from network against N (and η): per-N mean ± sd over
/// seeds, and the fitted exponent b of deviation ∝ N^b, fitted seed by seed so
/// that its spread over seeds can be reported.
public struct ScalingReport: Codable, Sendable {
    public struct Row: Codable, Sendable {
        public var learningRate: Double
        public var neurons: Int
        public var overlap: Spread
        public var loss: Spread
    }

    public struct Exponent: Codable, Sendable {
        public var learningRate: Double
        /// "overlap" (max |Δσ|) or "loss" (max |ΔL|).
        public var metric: String
        /// One fitted exponent per seed.
        public var perSeed: [Double]
        public var spread: Spread
    }

    public var version = GramFlowVersion.current
    public var parameters: RunConfiguration
    public var points: [SweepPoint]
    public var rows: [Row]
    public var exponents: [Exponent]
    public var excluded: Int

    public init(base: RunConfiguration, points: [SweepPoint]) {
        parameters = base
        self.points = points
        let good = points.filter(\.completed)
        excluded = points.count - good.count
        let rates = Array(Set(points.map(\.learningRate))).sorted()
        let sizes = Array(Set(points.map(\.neurons))).sorted()
        let seeds = Array(Set(points.map(\.seed))).sorted()
        rows = rates.flatMap { eta in sizes.map { n in
            let at = good.filter { $0.learningRate == eta && $0.neurons == n }
            return Row(learningRate: eta, neurons: n, overlap: Spread(at.map(\.maxOverlapDeviation)),
                       loss: Spread(at.map(\.maxLossDeviation)))
        } }
        exponents = rates.flatMap { eta -> [Exponent] in
            [("overlap", \SweepPoint.maxOverlapDeviation), ("loss", \SweepPoint.maxLossDeviation)].compactMap { metric, value in
                let slopes = seeds.compactMap { seed -> Double? in
                    let series = good.filter { $0.learningRate == eta && $0.seed == seed }.sorted { $0.neurons < $1.neurons }
                    return LogLogFit(x: series.map { Double($0.neurons) }, y: series.map { $0[keyPath: value] })?.slope
                }
                return slopes.isEmpty ? nil : Exponent(learningRate: eta, metric: metric, perSeed: slopes, spread: Spread(slopes))
            }
        }
    }

    /// sweep.csv: one row per point.
    public var pointsCSV: String {
        "learning_rate,neurons,seed,optimizer,max_overlap_deviation,max_loss_deviation,final_loss_theory,final_loss_network,theory_status,network_status\n"
            + points.map { p in
                "\(p.learningRate),\(p.neurons),\(p.seed),\(p.optimizer.rawValue),\(p.maxOverlapDeviation),\(p.maxLossDeviation),\(p.finalLossTheory),\(p.finalLossNetwork),\(p.theoryStatus),\(p.networkStatus)"
            }.joined(separator: "\n") + "\n"
    }

    /// scaling.csv: per (η, N), mean and sd over seeds.
    public var rowsCSV: String {
        "learning_rate,neurons,mean_overlap_deviation,sd_overlap_deviation,mean_loss_deviation,sd_loss_deviation,seeds\n"
            + rows.map { r in
                "\(r.learningRate),\(r.neurons),\(r.overlap.mean),\(r.overlap.standardDeviation),\(r.loss.mean),\(r.loss.standardDeviation),\(r.overlap.count)"
            }.joined(separator: "\n") + "\n"
    }

    public var json: String { encodeJSON(self) }

    public var markdown: String {
        let c = parameters
        var md = """
        # Theory against finite networks: deviation against N

        Task `\(c.task.rawValue)`, rank \(c.model.rank), φ = \(c.model.nonlinearity.rawValue), dt = \(c.model.dt), T = \(c.steps), \
        \(c.epochs) epochs, optimizer `\(c.optimizer.rawValue)` on the network, theory update `\(c.update.rawValue)`, \
        seeds \(c.seed)…\(c.seed + UInt64(Set(points.map(\.seed)).count) - 1). GramFlow \(version).
        Deviation = max over epochs (and overlaps) of |theory − network|, both started from the network's initial overlaps.

        | η | N | max \\|Δσ\\| (mean ± sd) | max \\|ΔL\\| (mean ± sd) | seeds |
        | --- | --- | --- | --- | --- |

        """
        for r in rows {
            md += "| \(r.learningRate) | \(r.neurons) | \(format(r.overlap.mean)) ± \(format(r.overlap.standardDeviation)) | \(format(r.loss.mean)) ± \(format(r.loss.standardDeviation)) | \(r.overlap.count) |\n"
        }
        md += "\n## Fitted exponent b of deviation ∝ N^b (one fit per seed)\n\n| η | metric | b (mean ± sd over seeds) | per seed |\n| --- | --- | --- | --- |\n"
        for e in exponents {
            md += "| \(e.learningRate) | \(e.metric) | \(format(e.spread.mean)) ± \(format(e.spread.standardDeviation)) | \(e.perSeed.map(format).joined(separator: ", ")) |\n"
        }
        if excluded > 0 { md += "\n\(excluded) point(s) did not complete (diverged or solver failure) and are excluded from the fits; see sweep.csv.\n" }
        if !c.optimizer.isClosedInOverlapSpace {
            md += "\nThe network trains with \(c.optimizer.rawValue), which is not closed in overlap space; the theory follows GD at the same η, so these deviations measure how far \(c.optimizer.rawValue) departs from the GD theory.\n"
        }
        return md
    }
}

import Foundation
import GramFlowCore
import OverlapTheory

/// The twins study's outputs: summary.md, report.json, twins.csv (every twin's
/// overlaps after its first task and after C), distances.csv, and the first
/// pair's trajectories with figures.
extension TwinsStudy {
    /// The claim is read as: invisible accuracy ≥ 0.75 and visible accuracy ≤ 0.65
    /// (leave-one-pair-out; chance is 0.5).
    static let decodable = 0.75, notDecodable = 0.65

    /// Per pair, ‖twin 1 − twin 2‖ over one class of overlaps.
    func distances(_ g: Group, after: [([Double], [Double])], visible cls: Bool) -> [Double] {
        let visibility = Visibility(spec: spec.model.spec)
        return after.map { a, b in let n = visibility.norms(zip(a, b).map { $0 - $1 }); return cls ? n.visible : n.invisible }
    }

    public var headline: String {
        groups.map { g in
            "twins (\(g.kind), \(g.afterC.count) pairs): decoding from visible \(acc(g.visibleDecoding)), from invisible \(acc(g.invisibleDecoding))"
        }.joined(separator: "\n")
    }

    private func acc(_ d: DecodingAccuracy?) -> String {
        d.map { "\(fmt($0.leaveOneOut)) ± \(fmt($0.leaveOneOutSD)) (leave-one-pair-out), \(fmt($0.splitHalf)) ± \(fmt($0.splitHalfSD)) (\($0.repeats) random half splits)" } ?? "n/a"
    }

    public var markdown: String {
        let t = spec.twins!, model = spec.model.spec
        let visibility = Visibility(spec: model)
        var md = "# \(spec.title ?? "A/B→C twins")\n\n"
        md += "Rank \(model.rank), φ = \(model.nonlinearity.rawValue), dt = \(model.dt), T = \(spec.model.trialSteps). \(t.pairs) pairs in overlap space (theory, exact discrete-GD map); "
        md += "initial overlaps |N(0, \(t.offDiagonalScale ?? 0.4)²)|, squared norms U(\((t.normRange ?? [0.5, 2]).map { "\($0)" }.joined(separator: ", "))), seed \(t.seed ?? 1).\n\n"
        md += "| phase | task | epochs | batch | η | rules |\n| --- | --- | --- | --- | --- | --- |\n"
        for (i, p) in spec.phases.enumerated() {
            md += "| \(["A (twin 1)", "B (twin 2)", "C (both)"][i]) | \(p.task.rawValue) | \(p.epochs) | \(p.options?.taskOptions.trials.map(String.init) ?? "default") | \(p.lr) | \(p.rules.map { "÷\($0.divideBy) once loss < \($0.below)" }.joined(separator: "; ")) |\n"
        }
        md += "\nThe paper's protocol trains 30,000 epochs a phase with batch 128; the epochs and batches above are what this run used. "
        md += "The theory of a nonlinear φ is the Gaussian closure (exact as N → ∞); the network pairs start from the same S₀ realised at finite N.\n"
        md += "\nVisible overlaps: \(visibility.visibleNames.joined(separator: ", ")); invisible: \(visibility.invisibleNames.joined(separator: ", ")).\n"
        for g in groups {
            md += "\n## \(g.kind == "theory" ? "Overlap space" : "Networks at N = \(g.neurons ?? 0)") (\(g.afterC.count) pairs)\n\n"
            let losses = Spread(g.finalLosses.flatMap { [$0.0, $0.1] })
            md += "Final C loss over twins: \(fmt(losses.mean)) ± \(fmt(losses.standardDeviation)).\n\n"
            md += "| twin distance ‖twin 1 − twin 2‖ | after A/B | after C |\n| --- | --- | --- |\n"
            for cls in [true, false] {
                let a = Spread(distances(g, after: g.afterFirst, visible: cls)), c = Spread(distances(g, after: g.afterC, visible: cls))
                md += "| \(cls ? "visible" : "invisible") | \(fmt(a.mean)) ± \(fmt(a.standardDeviation)) | \(fmt(c.mean)) ± \(fmt(c.standardDeviation)) |\n"
            }
            md += "\n| decoding A vs B after C from | accuracy |\n| --- | --- |\n"
            md += "| visible overlaps | \(acc(g.visibleDecoding)) |\n| invisible overlaps | \(acc(g.invisibleDecoding)) |\n"
            if let d = g.stages.first?.visible {
                md += "\nThe paper's decoder (\(d.splits) random splits, \(d.testPairs) pairs held out, noise of s.d. \(fmt(d.trainingNoise)) on the training features), mean ± s.d. over splits:\n\n"
                md += "| stage | epoch | visible | invisible |\n| --- | --- | --- | --- |\n"
                for s in g.stages {
                    func split(_ d: DecodingAccuracy?) -> String { d.map { "\(fmt($0.randomSplits)) ± \(fmt($0.randomSplitsSD))" } ?? "n/a" }
                    md += "| \(s.stage) | \(s.epoch) | \(split(s.visible)) | \(split(s.invisible)) |\n"
                }
            }
            if let v = g.visibleDecoding, let i = g.invisibleDecoding {
                let held = Self.historyDecodable(invisible: i, visible: v)
                md += "\n**Claim** (docs/theory.md §8, \(g.kind == "theory" ? "overlap space" : "networks at N = \(g.neurons ?? 0)")): the history is decodable from the invisible overlaps after C, not from the visible ones. "
                md += "Measured: invisible \(fmt(i.leaveOneOut)) ± \(fmt(i.leaveOneOutSD)), visible \(fmt(v.leaveOneOut)) ± \(fmt(v.leaveOneOutSD)). "
                md += "Criterion: invisible accuracy ≥ \(Self.decodable), visible ≤ \(Self.notDecodable) (leave-one-pair-out) → **\(held ? "held" : "did not hold")**"
                md += g.afterC.count < 10 ? " (few pairs: indicative only).\n" : ".\n"
            }
        }
        md += "\nRun time \(fmt(seconds)) s.\n"
        return md
    }

    public var twinsCSV: String {
        var text = "learner,pair,twin,history,stage," + spec.model.spec.layout.overlapNames.joined(separator: ",") + "\n"
        for g in groups {
            for (p, (first, c)) in zip(g.afterFirst, g.afterC).enumerated() {
                for (twin, history) in [(0, "A"), (1, "B")] {
                    text += "\(g.kind),\(p + 1),\(twin + 1),\(history),after-\(history),\((twin == 0 ? first.0 : first.1).map { "\($0)" }.joined(separator: ","))\n"
                    text += "\(g.kind),\(p + 1),\(twin + 1),\(history),after-C,\((twin == 0 ? c.0 : c.1).map { "\($0)" }.joined(separator: ","))\n"
                }
            }
        }
        return text
    }

    /// The twins criterion: the history decodable from the invisible overlaps, not from the visible.
    static func historyDecodable(invisible i: DecodingAccuracy, visible v: DecodingAccuracy) -> Bool {
        i.leaveOneOut >= decodable && v.leaveOneOut <= notDecodable
    }

    /// The claim of docs/theory.md §8 per group (overlap space, networks).
    public var claims: [Claim] {
        groups.compactMap { g in
            guard let v = g.visibleDecoding, let i = g.invisibleDecoding else { return nil }
            let name = g.kind == "theory" ? "overlap space" : "networks at N = \(g.neurons ?? 0)"
            return .finding("twins (\(name), \(g.afterC.count) pairs): the history is decodable from the invisible overlaps after C, not from the visible ones",
                            criterion: "leave-one-pair-out accuracy from the invisible ≥ \(Self.decodable), from the visible ≤ \(Self.notDecodable)",
                            measured: "invisible \(fmt(i.leaveOneOut)) ± \(fmt(i.leaveOneOutSD)), visible \(fmt(v.leaveOneOut)) ± \(fmt(v.leaveOneOutSD))",
                            held: Self.historyDecodable(invisible: i, visible: v))
        }
    }

    public func write(into folder: OutputFolder, plot: Bool) throws {
        try folder.write(ClaimsRecord(title: spec.title ?? "Twins", claims: claims).json, to: "claims.json")
        try folder.write(markdown, to: "summary.md")
        try folder.write(twinsCSV, to: "twins.csv")
        struct Report: Encodable {
            var learner: String; var pairs: Int; var visible: DecodingAccuracy?; var invisible: DecodingAccuracy?
            var stages: [StageDecoding]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let report = groups.map { Report(learner: $0.kind, pairs: $0.afterC.count, visible: $0.visibleDecoding, invisible: $0.invisibleDecoding,
                                         stages: $0.stages) }
        try folder.write(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n", to: "report.json")
        let header = "epoch,phase,loss," + spec.model.spec.layout.overlapNames.joined(separator: ",") + "\n"
        for g in groups {
            for (twin, text) in g.firstPairTrajectories.enumerated() {
                let sub = "\(g.kind)-pair1-twin\(twin + 1)"
                try folder.write(header + text, to: "\(sub)/trajectory.csv")
                if plot {
                    try Plotting.plotPhases(in: folder.path(sub), layout: spec.model.spec.layout, visibility: Visibility(spec: spec.model.spec),
                                            boundaries: [spec.phases[twin].epochs],
                                            labels: Plotting.phaseLabels(lengths: [spec.phases[twin].epochs, spec.phases[2].epochs],
                                                                         texts: [twin == 0 ? "A" : "B", "C"]),
                                            title: "twins (\(g.kind)) pair 1, twin \(twin + 1): \(twin == 0 ? "A" : "B") then C")
                }
            }
        }
    }
}

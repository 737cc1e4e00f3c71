import Foundation
import GramFlowCore
import OverlapTheory

/// summary.md and memory.csv of a `phases` study: the phases, how each ended,
/// and the memory at every return to a task (`MemoryMetrics`).
public struct PhaseStudyReport {
    public let spec: StudySpec
    public let outcome: PhaseStudy.Outcome
    /// Per learner, the memory at the first return to the first task against every epoch of the
    /// excursion (`ReturnMemory`; measured from the joined trajectories by `writeResults`).
    public var memory: [String: ReturnMemory]
    /// With `run: both`, the theory against the network over every epoch of every phase.
    public var deviation: TheoryNetworkDeviation?

    public init(spec: StudySpec, outcome: PhaseStudy.Outcome, memory: [String: ReturnMemory] = [:],
                deviation: TheoryNetworkDeviation? = nil) {
        self.spec = spec; self.outcome = outcome; self.memory = memory; self.deviation = deviation
    }

    var labels: [String] { spec.phases.indices.map { spec.label(phase: $0) } }
    var visibility: Visibility { Visibility(spec: spec.model.spec) }

    public func returns(_ kind: String) -> [MemoryReturn] {
        MemoryMetrics.returns(ends: outcome.ends[kind] ?? [], labels: labels, visibility: visibility)
    }

    /// memory.csv: one row per (learner, return, overlap).
    public var memoryCSV: String {
        var text = "learner,phase,label,previous_visit,first_visit,overlap,visible,delta_since_previous,delta_since_first\n"
        let names = spec.model.spec.layout.overlapNames
        for kind in outcome.ends.keys.sorted() {
            for r in returns(kind) {
                for (o, name) in names.enumerated() {
                    text += "\(kind),\(r.phase + 1),\(r.label),\(r.previous + 1),\(r.first + 1),\(name),\(visibility.isVisible[o]),\(r.sincePrevious[o]),\(r.sinceFirst[o])\n"
                }
            }
        }
        return text
    }

    /// The A-B-A claim of docs/theory.md §8 per learner: at the last return to the first
    /// phase's label, the visible σ_vu has returned and the invisible σ_uu has not.
    public var claims: [Claim] {
        let names = spec.model.spec.layout.overlapNames
        guard let vu = names.firstIndex(of: "u1.v1"), let uu = names.firstIndex(of: "u1.u1") else { return [] }
        return outcome.ends.keys.sorted().compactMap { kind in
            guard let last = returns(kind).last(where: { $0.label == labels[0] }) else { return nil }
            return .finding("\(kind): when \(last.label) returns, the visible σ_vu returns and the invisible σ_uu does not",
                            criterion: "return ratio (|Δ since the first visit| / largest excursion in between) of σ_vu < 0.25 and of σ_uu > 0.5",
                            measured: "σ_vu \(fmt(last.returnRatio(vu))), σ_uu \(fmt(last.returnRatio(uu))) (phase \(last.phase + 1) against phase \(last.first + 1))",
                            held: MemoryMetrics.visibleReturnedInvisibleDidNot(last, visible: vu, invisible: uu))
        }
    }

    /// report.json: the tool, the study as resolved, how every phase ended, every return.
    public var json: String {
        struct Report: Encodable {
            var tool = "gramflow", version = GramFlowVersion.current
            var study: StudySpec
            var phaseEnds: [String: [PhaseEnd]]
            var returns: [String: [MemoryReturn]]
            var memory: [String: ReturnMemory]
            var deviation: TheoryNetworkDeviation?
        }
        let kinds = outcome.ends.keys.sorted()
        let report = Report(study: spec, phaseEnds: outcome.ends,
                            returns: Dictionary(uniqueKeysWithValues: kinds.map { ($0, returns($0)) }), memory: memory,
                            deviation: deviation)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: (try? encoder.encode(report)) ?? Data(), as: UTF8.self) + "\n"
    }

    public var markdown: String {
        let layout = spec.model.spec.layout
        var md = "# \(spec.title ?? "Study")\n\n"
        md += "Model: rank \(spec.model.rank), φ = \(spec.model.spec.nonlinearity.rawValue), dt = \(spec.model.spec.dt), τ = \(spec.model.spec.tau), T = \(spec.model.trialSteps); "
        md += "N = \(spec.start.size), seed \(spec.start.randomSeed); theory: exact discrete-GD map; network: GD at N·η.\n\n"
        md += "## Phases\n\n| # | name | label | task | epochs | η | target noise | learner | loss start → end | final η |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
        for i in 0..<outcome.phasesRun {
            for kind in outcome.ends.keys.sorted() {
                guard let e = outcome.ends[kind]?[safe: i] else { continue }
                let p = spec.phases[i]
                md += "| \(i + 1) | \(spec.name(phase: i)) | \(labels[i]) | \(p.task.rawValue) | \(p.epochs) | \(p.lr) | \(p.noise) | \(kind) | \(fmt(e.startLoss)) → \(fmt(e.endLoss))\(e.completed ? "" : " (diverged)") | \(p.lr == e.finalLearningRate ? "–" : fmt(e.finalLearningRate)) |\n"
            }
        }
        if let d = deviation {
            md += "\nTheory against network over all \(d.epochsCompared) epochs: max |S_theory − S_network| = \(fmt(d.maxOverlapDeviation)), max |L_theory − L_network| = \(fmt(d.maxLossDeviation)) (deviation.csv).\n"
        }
        md += "\nVisible overlaps: \(visibility.visibleNames.joined(separator: ", ")); invisible: \(visibility.invisibleNames.joined(separator: ", ")).\n"
        if !memory.isEmpty {
            md += "\n## Memory at the first return, against every epoch in between (docs/theory.md §8.6)\n\n"
            md += "ratio = ‖σ(end of A₂) − σ(end of A₁)‖ / max over every epoch in between of ‖σ − σ(end of A₁)‖, per class; invariant drift = max_k |Δ tr(M^k)| / tr(S^k).\n\n"
            md += "| learner | phases | visible ratio | invisible ratio | ‖Δvis‖ | ‖Δinv‖ | vis excursion | inv excursion | invariant drift | loss at return |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
            for (kind, m) in memory.sorted(by: { $0.key < $1.key }) {
                md += "| \(kind) | \(m.firstVisit) → \(m.returnVisit) | \(fmt(m.visibleRatio)) | \(fmt(m.invisibleRatio)) | \(fmt(m.visibleChange)) | \(fmt(m.invisibleChange)) | \(fmt(m.visibleExcursion)) | \(fmt(m.invisibleExcursion)) | \(fmt(m.invariantDrift)) | \(fmt(m.lossAtReturn)) |\n"
            }
        }
        for kind in outcome.ends.keys.sorted() {
            let rs = returns(kind)
            guard !rs.isEmpty else { continue }
            md += "\n## Memory at each return (\(kind))\n\n"
            md += "Δ since the previous visit and since the first, Euclidean norms over each class; return ratio = ‖Δ since first‖ / (largest distance from the first visit's end reached by the phases in between).\n\n"
            md += "| phase | label | ‖Δvis‖ prev | ‖Δinv‖ prev | ‖Δvis‖ first | ‖Δinv‖ first | vis return ratio | inv return ratio |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n"
            for r in rs {
                md += "| \(r.phase + 1) | \(r.label) | \(fmt(r.visibleSincePrevious)) | \(fmt(r.invisibleSincePrevious)) | \(fmt(r.visibleSinceFirst)) | \(fmt(r.invisibleSinceFirst)) | \(fmt(r.visibleReturnRatio)) | \(fmt(r.invisibleReturnRatio)) |\n"
            }
            if let last = rs.last(where: { $0.label == labels[0] }) {
                let names = layout.overlapNames
                md += "\n### Last return to \(last.label) (phase \(last.phase + 1)) against the first visit (phase \(last.first + 1))\n\n"
                md += "| overlap | class | Δ since first visit | largest excursion in between | return ratio |\n| --- | --- | --- | --- | --- |\n"
                for (o, name) in names.enumerated() {
                    md += "| \(name) | \(visibility.isVisible[o] ? "visible" : "invisible") | \(fmt(last.sinceFirst[o])) | \(fmt(last.excursion[o])) | \(fmt(last.returnRatio(o))) |\n"
                }
                if let vu = names.firstIndex(of: "u1.v1"), let uu = names.firstIndex(of: "u1.u1") {
                    let held = MemoryMetrics.visibleReturnedInvisibleDidNot(last, visible: vu, invisible: uu)
                    md += "\n**Claim** (docs/theory.md §8, \(kind)): when A returns, the visible σ_vu returns and the invisible ‖u‖²/N = σ_uu does not. "
                    md += "Measured at the last return (phase \(last.phase + 1)) against the end of the first A phase: |Δσ_vu| = \(fmt(abs(last.sinceFirst[vu]))) "
                    md += "(return ratio \(fmt(last.returnRatio(vu)))), |Δσ_uu| = \(fmt(abs(last.sinceFirst[uu]))) (return ratio \(fmt(last.returnRatio(uu)))). "
                    md += "Criterion: σ_vu ratio < 0.25 and σ_uu ratio > 0.5 (ratio = |Δ since first| / largest excursion during the phases in between) → **\(held ? "held" : "did not hold")**. "
                    md += "Class norms: visible return ratio \(fmt(last.visibleReturnRatio)), invisible \(fmt(last.invisibleReturnRatio)).\n"
                }
            }
        }
        return md
    }
}

/// The theory against the network over the joined trajectories of a `phases` study (`TrajectoryDeviation`):
/// for linear φ and gd/sgd the exact map equals the network to rounding across every phase.
public struct TheoryNetworkDeviation: Codable, Sendable {
    public var epochsCompared: Int
    public var maxOverlapDeviation: Double
    public var maxLossDeviation: Double
}

func fmt(_ x: Double) -> String { String(format: "%.4g", x) }

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}

extension PhaseStudy {
    /// Writes a completed study's outputs into `folder`: the joined trajectories, summary.md,
    /// memory.csv, report.json, claims.json and (with `plot`) a figure per learner.
    /// `gramflow study` and the points of a `sweep: study` both write through here.
    public func writeResults(_ outcome: Outcome, into folder: OutputFolder, plot: Bool) throws {
        try joinTrajectories(outcome)
        var memory: [String: ReturnMemory] = [:]
        for kind in outcome.ends.keys.sorted() {
            memory[kind] = try ReturnMemory.measure(trajectory: self.folder.appendingPathComponent("\(kind)/trajectory.csv"), ends: outcome.ends[kind] ?? [],
                                                    labels: spec.phases.indices.map { spec.label(phase: $0) }, model: spec.model.spec)
        }
        var report = PhaseStudyReport(spec: spec, outcome: outcome, memory: memory)
        if outcome.ends["theory"] != nil && outcome.ends["network"] != nil {
            let d = try TrajectoryDeviation(folder.path("theory").appendingPathComponent("trajectory.csv"),
                                            folder.path("network").appendingPathComponent("trajectory.csv"),
                                            deviationFile: folder.path("deviation.csv"), labelColumns: 1)
            report.deviation = TheoryNetworkDeviation(epochsCompared: d.count, maxOverlapDeviation: d.maxOverlap, maxLossDeviation: d.maxLoss)
        }
        try folder.write(report.markdown, to: "summary.md")
        try folder.write(report.memoryCSV, to: "memory.csv")
        try folder.write(report.json, to: "report.json")
        try folder.write(ClaimsRecord(title: spec.title ?? "Study", claims: report.claims).json, to: "claims.json")
        guard plot else { return }
        for kind in outcome.ends.keys.sorted() {
            try Plotting.plotPhases(in: folder.path(kind), layout: spec.model.spec.layout,
                                    visibility: Visibility(spec: spec.model.spec), boundaries: Array(outcome.boundaries.dropFirst().dropLast()),
                                    labels: Plotting.phaseLabels(lengths: spec.phases.map(\.epochs),
                                                                 texts: spec.phases.indices.map { spec.label(phase: $0) }),
                                    title: "\(spec.title ?? "study"): \(kind)")
        }
    }
}

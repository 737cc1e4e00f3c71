import Foundation
import GramFlowCore
import OverlapTheory

/// The equivalence study's outputs: summary.md, report.json, separation.csv and
/// each learner's two trajectories (`<kind>-1/`, `<kind>-2/trajectory.csv`).
extension EquivalenceStudy {
    /// Tolerances of the acceptance: same function, same visible overlaps, at finite N.
    static let functionTolerance = 1e-10, visibleTolerance = 1e-12

    public var sameFunction: Bool { outputDifference <= Self.functionTolerance && lossDifference <= Self.functionTolerance }
    public var sameVisible: Bool { visibleDifference <= Self.visibleTolerance }
    /// Learning separates them: the visible overlaps end further apart than 1e-6 (far above rounding).
    public func separated(_ kind: String) -> Bool { (separation[kind]?.last?.0 ?? 0) > 1e-6 }

    public var headline: String {
        "equivalence: N = \(spec.start.size), max|Δy| = \(fmt(outputDifference)), |ΔL| = \(fmt(lossDifference)), max|Δ visible| = \(fmt(visibleDifference)); "
            + separation.keys.sorted().map { "\($0) final visible distance \(fmt(separation[$0]!.last!.0))" }.joined(separator: ", ")
    }

    public var separationCSV: String {
        let kinds = separation.keys.sorted()
        var text = "epoch," + kinds.flatMap { ["\($0)_visible_distance", "\($0)_loss_difference"] }.joined(separator: ",") + "\n"
        for e in 0..<(separation.values.map(\.count).min() ?? 0) {
            text += "\(e)," + kinds.map { "\(separation[$0]![e].0),\(separation[$0]![e].1)" }.joined(separator: ",") + "\n"
        }
        return text
    }

    public var markdown: String {
        let e = spec.equivalence!
        var md = "# \(spec.title ?? "Functionally equivalent networks")\n\n"
        md += "Linear rank \(spec.model.rank), N = \(spec.start.size), seed \(spec.start.randomSeed), dt = \(spec.model.spec.dt), T = \(spec.model.trialSteps). "
        md += "Network 2 realises exactly the overlaps of network 1 with σ_u1u1 = \(e.normU) and σ_m1u1 = \(e.sigmaMU) (invisible for linear φ); "
        md += "outputs by a direct N-neuron forward pass, losses by the BPTT pass, on phase 1's batch (\(spec.phases[0].task.rawValue)).\n\n"
        md += "| quantity | measured | tolerance | held |\n| --- | --- | --- | --- |\n"
        md += "| max over trials and steps \\|y₁ − y₂\\| | \(fmt(outputDifference)) | 1e-10 | \(outputDifference <= Self.functionTolerance ? "yes" : "no") |\n"
        md += "| \\|L₁ − L₂\\| (L₁ = \(fmt(lossNetwork1))) | \(fmt(lossDifference)) | 1e-10 | \(lossDifference <= Self.functionTolerance ? "yes" : "no") |\n"
        md += "| max \\|Δ visible overlap\\| | \(fmt(visibleDifference)) | 1e-12 | \(sameVisible ? "yes" : "no") |\n"
        md += "| max \\|Δ invisible overlap\\| | \(fmt(invisibleDifference)) | (the change made) | – |\n\n"
        md += "**Comparison, a random perturbation** P₁ + εΞ (ε = \(fmt(perturbationScale)), chosen so that ‖ΔS‖_F equals that of the construction, \(fmt(invisibleDifference)) max entry): "
        md += "max|Δy| = \(fmt(perturbationOutputDifference)), |ΔL| = \(fmt(perturbationLossDifference)), max|Δ visible| = \(fmt(perturbationVisibleDifference)).\n\n"
        md += "## Learning separates them\n\nBoth networks (and the theory from both overlap matrices) trained through the phases: "
        md += spec.phases.indices.map { "\(spec.name(phase: $0)): \(spec.phases[$0].task.rawValue), \(spec.phases[$0].epochs) epochs, η = \(spec.phases[$0].lr)" }.joined(separator: "; ") + ".\n\n"
        md += "| learner | max ‖vis S₁ − vis S₂‖ | final ‖vis S₁ − vis S₂‖ | max \\|L₁ − L₂\\| | separated (> 1e-6) |\n| --- | --- | --- | --- | --- |\n"
        for kind in separation.keys.sorted() {
            let s = separation[kind]!
            md += "| \(kind) | \(fmt(s.map(\.0).max() ?? 0)) | \(fmt(s.last?.0 ?? 0)) | \(fmt(s.map(\.1).max() ?? 0)) | \(separated(kind) ? "yes" : "no") |\n"
        }
        md += "\n**Claim** (docs/theory.md §8): same function and visible overlaps at finite N, different trajectories under learning. "
        md += "Measured: max|y₁ − y₂| = \(fmt(outputDifference)), |L₁ − L₂| = \(fmt(lossDifference)) (≤ 1e-10), max|Δ visible| = \(fmt(visibleDifference)) (≤ 1e-12); "
        md += "final visible distance after learning " + separation.keys.sorted().map { "\($0) \(fmt(separation[$0]!.last!.0))" }.joined(separator: ", ")
        md += " (> 1e-6); a random perturbation of equal ‖ΔS‖ changes the output by \(fmt(perturbationOutputDifference)) → **\(claims[0].held ? "held" : "did not hold")**.\n"
        return md
    }

    /// The claim of docs/theory.md §8: same function and visible overlaps, different trajectories under learning.
    public var claims: [Claim] {
        [.finding("functionally equivalent networks: the same function and visible overlaps at finite N, different trajectories under learning",
                  criterion: "max|y₁ − y₂| ≤ 1e-10, |L₁ − L₂| ≤ 1e-10, max|Δ visible| ≤ 1e-12; final visible distance after learning > 1e-6",
                  measured: "max|Δy| = \(fmt(outputDifference)), |ΔL| = \(fmt(lossDifference)), max|Δ visible| = \(fmt(visibleDifference)); final visible distance "
                      + separation.keys.sorted().map { "\($0) \(fmt(separation[$0]!.last?.0 ?? 0))" }.joined(separator: ", "),
                  held: sameFunction && sameVisible && separation.keys.allSatisfy(separated))]
    }

    public func write(into folder: OutputFolder, plot: Bool) throws {
        try folder.write(ClaimsRecord(title: spec.title ?? "Functionally equivalent networks", claims: claims).json, to: "claims.json")
        let header = "epoch,phase,loss," + spec.model.spec.layout.overlapNames.joined(separator: ",") + "\n"
        for (kind, texts) in trajectories {
            for (i, text) in texts.enumerated() { try folder.write(header + text, to: "\(kind)-\(i + 1)/trajectory.csv") }
        }
        try folder.write(separationCSV, to: "separation.csv")
        try folder.write(markdown, to: "summary.md")
        let json: [String: Double] = ["outputDifference": outputDifference, "lossDifference": lossDifference,
                                      "visibleDifference": visibleDifference, "invisibleDifference": invisibleDifference,
                                      "perturbationOutputDifference": perturbationOutputDifference,
                                      "perturbationLossDifference": perturbationLossDifference,
                                      "perturbationVisibleDifference": perturbationVisibleDifference]
            .merging(separation.mapValues { $0.last?.0 ?? 0 }.reduce(into: [:]) { $0["finalVisibleDistance_\($1.key)"] = $1.value }) { a, _ in a }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try folder.write(String(decoding: try encoder.encode(json), as: UTF8.self) + "\n", to: "report.json")
        guard plot else { return }
        let boundaries = Array(spec.phases.reduce(into: [0]) { $0.append($0.last! + $1.epochs) }.dropFirst().dropLast())
        for (kind, texts) in trajectories {
            for i in texts.indices {
                try Plotting.plotPhases(in: folder.path("\(kind)-\(i + 1)"), layout: spec.model.spec.layout,
                                        visibility: Visibility(spec: spec.model.spec), boundaries: boundaries,
                                        labels: Plotting.phaseLabels(lengths: spec.phases.map(\.epochs),
                                                                     texts: spec.phases.indices.map { spec.label(phase: $0) }),
                                        title: "equivalence: \(kind), network \(i + 1)")
            }
        }
        try Plotting.plotColumns(in: folder.staging, csv: "separation.csv", output: "separation.png", ylabel: "network 1 vs 2",
                                 columns: separation.keys.sorted().enumerated().flatMap { k, kind in
                                     [(2 * k + 2, "\(kind): ‖Δ visible‖"), (2 * k + 3, "\(kind): |ΔL|")] },
                                 title: "equivalent networks under learning")
    }
}

/// A built-in protocol's outputs: a one-line headline and the files it writes.
public protocol BuiltInStudy {
    var headline: String { get }
    func write(into folder: OutputFolder, plot: Bool) throws
}

extension EquivalenceStudy: BuiltInStudy {}
extension TwinsStudy: BuiltInStudy {}

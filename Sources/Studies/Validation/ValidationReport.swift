import Foundation
import GramFlowCore
import OverlapTheory

/// Theory against finite network, epoch by epoch over the epochs both recorded:
/// the largest |S_theory − S_network| per overlap and for the loss.
public struct ValidationReport: Codable, Sendable {
    public struct OverlapRow: Codable, Sendable {
        public var name: String
        public var visible: Bool
        public var maxDeviation: Double
        public var finalTheory: Double
        public var finalNetwork: Double
    }

    public var version = GramFlowVersion.current
    public var parameters: RunConfiguration
    public var epochsCompared: Int
    public var maxOverlapDeviation: Double
    public var maxLossDeviation: Double
    public var overlaps: [OverlapRow]
    public var theoryStatus: String
    public var networkStatus: String
    /// What agreement the theory predicts for this configuration.
    public var expectation: String
    public var theoryInvariants: InvariantReport
    public var networkInvariants: InvariantReport

    /// - Parameter deviation: the two trajectories compared (its per-epoch rows are in deviation.csv).
    public init(config: RunConfiguration, theory: RunResult, network: RunResult, deviation: TrajectoryDeviation,
                theoryManifest: RunManifest, networkManifest: RunManifest) {
        parameters = config
        let count = deviation.count
        epochsCompared = count
        let names = config.model.layout.overlapNames
        let visibility = Visibility(spec: config.model)
        maxOverlapDeviation = deviation.maxOverlap
        maxLossDeviation = deviation.maxLoss
        overlaps = names.indices.map {
            OverlapRow(name: names[$0], visible: visibility.isVisible[$0], maxDeviation: deviation.perOverlap[$0],
                       finalTheory: count > 0 ? deviation.lastA[$0] : .nan,
                       finalNetwork: count > 0 ? deviation.lastB[$0] : .nan)
        }
        theoryStatus = theory.outcome.description
        networkStatus = network.outcome.description
        theoryInvariants = theoryManifest.invariants
        networkInvariants = networkManifest.invariants
        if config.update == .direct {
            expectation = "different: direct descent on the overlaps (no Gram metric) is not what GD does to a network; the paper's Fig. 1 baseline"
        } else if config.optimizer == .natural {
            expectation = config.model.nonlinearity.isLinear
                ? "the overlap-space natural gradient is the linear network's exactly at every N; the network's kept sNTK subspace is accurate to its residual tolerance (1e-2), which bounds the deviation"
                : "asymptotic: the Gaussian closure (and so the overlap-space natural gradient) is exact as N → ∞"
        } else if config.model.nonlinearity.isLinear && config.update == .map {
            expectation = "exact: for linear φ the discrete map is exactly what GD does to the overlaps at every N; only rounding separates them (≤ 1e-9 expected)"
        } else if config.model.nonlinearity.isLinear {
            expectation = "O(η): the gradient flow is the small-step limit of the network's discrete GD"
        } else {
            expectation = "asymptotic: the Gaussian closure is exact as N → ∞"
        }
    }

    public var json: String { encodeJSON(self) }

    public var markdown: String {
        let c = parameters
        var md = """
        # Validation: theory against a finite network

        Task `\(c.task.rawValue)`, rank \(c.model.rank), \(c.model.inputs) input(s), \(c.model.outputs) output(s), φ = \(c.model.nonlinearity.rawValue); \
        N = \(c.neurons), η = \(c.learningRate) (network learning rate N·η), dt = \(c.model.dt), T = \(c.steps), \
        \(c.epochs) epochs, seed \(c.seed), theory update `\(c.update.rawValue)`. GramFlow \(version).

        | quantity | value |
        | --- | --- |
        | epochs compared | \(epochsCompared) |
        | max over epochs and overlaps of \\|S_theory − S_network\\| | \(format(maxOverlapDeviation)) |
        | max over epochs of \\|L_theory − L_network\\| | \(format(maxLossDeviation)) |
        | theory run | \(theoryStatus) |
        | network run | \(networkStatus) |

        Expected agreement: \(expectation).

        ## Per overlap

        | overlap | loss-visible | max \\|Δ\\| | final (theory) | final (network) |
        | --- | --- | --- | --- | --- |

        """
        for row in overlaps {
            md += "| `\(row.name)` | \(row.visible ? "yes" : "no") | \(format(row.maxDeviation)) | \(format(row.finalTheory)) | \(format(row.finalNetwork)) |\n"
        }
        md += "\n## Invariants tr(M^k), k = 1..4 (docs/theory.md §7)\n\n"
        md += "| run | max relative drift (k = 1, 2, 3, 4) | expectation |\n| --- | --- | --- |\n"
        md += "| theory | \(theoryInvariants.maxRelativeDrift.map(format).joined(separator: ", ")) | \(theoryInvariants.expectation) |\n"
        md += "| network | \(networkInvariants.maxRelativeDrift.map(format).joined(separator: ", ")) | \(networkInvariants.expectation) |\n"
        return md
    }
}

/// A number for reports: 4 significant digits, exponent form when small or large.
func format(_ x: Double) -> String { String(format: "%.4g", x) }

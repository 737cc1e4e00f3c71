import Foundation
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation

/// Plain GD beside the low-rank natural gradient at the same η near the pitchfork
/// (docs/theory.md §9). Student: rank-1 network at distance μ (σ_vu = 1 − μ, see
/// `PitchforkCollapse.network`) under a constant input x for T steps; target: the
/// output of the same network at distance μ/2 (reaching it means moving along the
/// stiff, near-bifurcation direction). Both optimisers start from the same student.
public enum OptimizerComparison {
    public struct Result: Sendable {
        /// Loss at the start of each epoch 0..E (GD stops at divergence: non-finite, above 1e10 or above 1e6 × the initial loss).
        public var gd: [Double] = [], natural: [Double] = []
        public var gdSecondsPerEpoch = 0.0, naturalSecondsPerEpoch = 0.0
        /// The top sNTK eigenvalue at the start.
        public var topEigenvalue = 0.0
    }

    public static func problem(neurons: Int, seed: UInt64, mu: Double, input: Double, steps: Int,
                               dt: Double) -> (student: LowRankNetwork, batch: TaskBatch) {
        let spec = ModelSpec(inputs: 1, rank: 1, outputs: 1, dt: dt, tau: 1, nonlinearity: .erf)
        let base = LowRankNetwork.gaussian(spec: spec, neurons: neurons, random: RandomSource(seed: seed))
        let student = PitchforkCollapse.network(mu: mu, base: base)
        let teacher = PitchforkCollapse.network(mu: mu / 2, base: base)
        var batch = TaskBatch(trials: 1, steps: steps, inputs: 1, outputs: 1)
        for i in batch.x.indices { batch.x[i] = input }
        let ops = KPFlowOperators(network: teacher, batch: batch)
        let l = spec.layout
        for t in 1...steps {
            let site = ops.trajectory.siteIndex(0, t)
            batch.target[batch.targetIndex(0, t, 0)] =
                (0..<neurons).reduce(0.0) { $0 + teacher.parameters[$1, l.z(0)] * ops.trajectory.phi[site + $1] } / Double(neurons)
        }
        return (student, batch)
    }

    /// GD and the natural gradient from the same student, each for `epochs` epochs (losses at
    /// epochs 0..E). GD stops at the divergence rule with a growth limit of 1e6 × its initial loss.
    public static func run(student: LowRankNetwork, batch: TaskBatch, eta: Double, epochs: Int,
                           epsilon: Double? = nil, modes: Int = 1) throws -> Result {
        var result = Result()
        result.topEigenvalue = try StateSpaceNTK(network: student, batch: batch).topEigenpairs(1).values[0]
        let problem = LearningProblem(model: student.spec, initial: student, batches: { _ in batch })
        var gd = NetworkLearner()
        var start = Date()
        _ = try train(problem, with: &gd,
                      schedule: TrainingSchedule(epochs: epochs, learningRate: eta, divergence: DivergenceGuard(growthLimit: 1e6)),
                      observers: [.rows { _, loss, _ in result.gd.append(loss) }])
        result.gdSecondsPerEpoch = Date().timeIntervalSince(start) / Double(max(result.gd.count, 1))
        var natural = NaturalGradientLearner(NaturalGradient(epsilon: epsilon, modes: modes))
        start = Date()
        _ = try train(problem, with: &natural, schedule: TrainingSchedule(epochs: epochs, learningRate: eta),
                      observers: [.rows { _, loss, _ in result.natural.append(loss) }])
        result.naturalSecondsPerEpoch = Date().timeIntervalSince(start) / Double(max(result.natural.count, 1))
        return result
    }

    /// The claim of docs/theory.md §9: near the pitchfork, at a step where GD does not converge,
    /// the low-rank natural gradient at the same η does.
    public static func claims(_ r: Result, epochs: Int) -> [Claim] {
        let gdEnd = r.gd.last ?? .nan, ngEnd = r.natural.last ?? .nan
        let gdDiverged = r.gd.count <= epochs || !gdEnd.isFinite || gdEnd > r.gd[0]
        let ngConverged = monotone(r.natural) && ngEnd < 1e-2 * r.natural[0]
        return [.finding("near the pitchfork the low-rank natural gradient converges where GD at the same η does not",
                         criterion: "GD ends above its initial loss or diverges; the natural gradient's loss never increases and ends below 1% of its start",
                         measured: "GD \(String(format: "%.4g", r.gd.first ?? .nan)) → \(String(format: "%.4g", gdEnd)) (\(r.gd.count) epochs); natural gradient \(String(format: "%.4g", r.natural.first ?? .nan)) → \(String(format: "%.4g", ngEnd))",
                         held: gdDiverged && ngConverged)]
    }

    public static func csv(_ r: Result) -> String {
        let n = max(r.gd.count, r.natural.count)
        func cell(_ a: [Double], _ i: Int) -> String { i < a.count ? String(format: "%.10g", a[i]) : "" }
        return "epoch,loss_gd,loss_natural\n" + (0..<n).map { "\($0),\(cell(r.gd, $0)),\(cell(r.natural, $0))" }.joined(separator: "\n") + "\n"
    }

    /// Every loss at most the previous one (to 1e-12 relative): no oscillation.
    public static func monotone(_ losses: [Double]) -> Bool {
        zip(losses, losses.dropFirst()).allSatisfy { $1.isFinite && $1 <= $0 * (1 + 1e-12) }
    }

    public static func markdown(_ r: Result, eta: Double, mu: Double, neurons: Int, epochs: Int) -> String {
        let gdEnd = r.gd.last ?? .nan, ngEnd = r.natural.last ?? .nan
        let held = claims(r, epochs: epochs)[0].held
        return """

        ## GD beside the low-rank natural gradient (same η = \(eta))

        Student at μ = \(mu) (teacher at μ/2), N = \(neurons), top sNTK eigenvalue \(String(format: "%.4g", r.topEigenvalue)) at the start;
        natural gradient with k = 1 mode and ε = λ₂ (the top mode moves h at the rate ηN, as do the others at most).

        | | first loss | last loss | epochs run | seconds / epoch |
        |---|---|---|---|---|
        | GD | \(String(format: "%.4g", r.gd[0])) | \(String(format: "%.4g", gdEnd)) | \(r.gd.count) | \(String(format: "%.3g", r.gdSecondsPerEpoch)) |
        | natural gradient | \(String(format: "%.4g", r.natural[0])) | \(String(format: "%.4g", ngEnd)) | \(r.natural.count) | \(String(format: "%.3g", r.naturalSecondsPerEpoch)) |

        Overhead per epoch: \(String(format: "%.3g", r.naturalSecondsPerEpoch / max(r.gdSecondsPerEpoch, 1e-12)))× GD.
        Held: \(held ? "yes" : "no") (GD ends above its initial loss or stops diverged; the natural gradient's loss never increases and falls below 1% of its initial value).

        """
    }
}

import Foundation
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory

/// Student–teacher across a pitchfork (docs/theory.md §9): the teacher is past it
/// (σ_vu = 1 + μ_T: bistable, its trials settle on the branch their input selects),
/// the student before it (σ_vu = 1 − μ_S); both share m, u and the readout z = u.
/// Trials: constant inputs ±x for T steps. The student is trained by plain GD on the
/// teacher's outputs; per epoch we record
///
/// * the leading eigenvalue λ₀ of the latent Jacobian at κ = 0, x = 0 from the measured
///   overlaps (theory: σ_vu F(0) − 1): the student's crossing is the first epoch with λ₀ > 0;
/// * the participation ratio of the fixed-point sNTK Θ_∞ at input +x (the branch followed
///   by Newton from the previous epoch): the effective-rank drop is the epoch of its minimum.
public enum StudentTeacherBifurcation {
    public struct Epoch: Sendable {
        public let epoch: Int
        public let loss: Double
        public let sigmaVU: Double
        public let latentEigenvalue: Double
        public let participationRatio: Double
    }

    public struct Result: Sendable {
        public var epochs: [Epoch] = []
        /// First epoch with λ₀ > 0, if any.
        public var crossingEpoch: Int? {
            epochs.first { $0.latentEigenvalue > 0 }?.epoch
        }
        /// Epoch of the smallest participation ratio.
        public var rankDropEpoch: Int? {
            epochs.min { $0.participationRatio < $1.participationRatio }?.epoch
        }
    }

    public static func run(neurons: Int, seed: UInt64, teacherMu: Double = 0.3, studentMu: Double = 0.2,
                           input: Double = 0.05, steps: Int = 60, eta: Double, epochs: Int) throws -> Result {
        let spec = ModelSpec(inputs: 1, rank: 1, outputs: 1, dt: 0.5, tau: 1, nonlinearity: .erf)
        let l = spec.layout
        var base = LowRankNetwork.gaussian(spec: spec, neurons: neurons, random: RandomSource(seed: seed))
        for i in 0..<neurons { base.parameters[i, l.z(0)] = base.parameters[i, l.u(0)] }
        let teacher = PitchforkCollapse.network(mu: -teacherMu, base: base)
        let student = PitchforkCollapse.network(mu: studentMu, base: base)
        var batch = TaskBatch(trials: 2, steps: steps, inputs: 1, outputs: 1)
        for t in 0..<steps { batch.x[batch.inputIndex(0, t, 0)] = input; batch.x[batch.inputIndex(1, t, 0)] = -input }
        let traj = StateTrajectory(network: teacher, batch: batch)
        for b in 0..<2 { for t in 1...steps {
            let site = traj.siteIndex(b, t)
            batch.target[batch.targetIndex(b, t, 0)] =
                (0..<neurons).reduce(0.0) { $0 + teacher.parameters[$1, l.z(0)] * traj.phi[site + $1] } / Double(neurons)
        } }
        let gain = try GaussianGain.of(.erf)
        var result = Result()
        var guess: [Double]? = nil
        // Per epoch, the latent eigenvalue at κ = 0 and the participation ratio of Θ_∞ (an observer of the engine).
        let metrics = TrainingObserver<LowRankNetwork> { record, _ in
            let S = record.overlaps
            let field = LatentVectorField(overlaps: S, spec: spec, gain: gain, input: [0])
            let lambda0 = try GeneralEigen(field.jacobian([0])).real.max()!
            let steady = try SteadyStateNTK(network: record.state, input: [input], guess: guess)
            guess = steady.latent
            let spectrum = try SymmetricEigen(try steady.kernel()).values
            result.epochs.append(Epoch(epoch: record.epoch, loss: record.loss, sigmaVU: S[l.v(0), l.u(0)], latentEigenvalue: lambda0,
                                       participationRatio: EffectiveRank(spectrum: spectrum).participationRatio))
        }
        var learner = NetworkLearner()
        let fixed = batch
        _ = try train(LearningProblem(model: spec, initial: student, batches: { _ in fixed }), with: &learner,
                      schedule: TrainingSchedule(epochs: epochs, learningRate: eta), observers: [metrics])
        return result
    }

    public static func csv(_ r: Result) -> String {
        "epoch,loss,sigma_vu,latent_eigenvalue,participation_ratio\n" + r.epochs.map {
            "\($0.epoch)," + [$0.loss, $0.sigmaVU, $0.latentEigenvalue, $0.participationRatio]
                .map { String(format: "%.10g", $0) }.joined(separator: ",")
        }.joined(separator: "\n") + "\n"
    }

    /// The claim of docs/theory.md §9 as a record.
    public static func claims(_ r: Result) -> [Claim] {
        [.finding("a student crossing a bistable teacher's pitchfork: its effective-rank drop coincides with the crossing",
                  criterion: "a crossing, and the epoch of the smallest participation ratio within 20% of the crossing epoch",
                  measured: "crossing at epoch \(r.crossingEpoch.map(String.init) ?? "none"), drop at epoch \(r.rankDropEpoch.map(String.init) ?? "none")",
                  held: coincide(r))]
    }

    /// The claim checked: a crossing, and the rank drop within 20% of its epoch.
    public static func coincide(_ r: Result) -> Bool {
        guard let c = r.crossingEpoch, let d = r.rankDropEpoch else { return false }
        return abs(d - c) <= c / 5
    }

    public static func markdown(_ r: Result, neurons: Int, eta: Double) -> String {
        let crossing = r.crossingEpoch.map(String.init) ?? "none"
        let drop = r.rankDropEpoch.map(String.init) ?? "none"
        let difference = (r.crossingEpoch != nil && r.rankDropEpoch != nil) ? "\(r.rankDropEpoch! - r.crossingEpoch!)" : "n/a"
        let minPR = r.epochs.map(\.participationRatio).min() ?? .nan
        return """

        ## Student–teacher across the pitchfork

        Teacher σ_vu > 1 (bistable), student σ_vu < 1, N = \(neurons), GD at η = \(eta), \(r.epochs.count - 1) epochs.
        Crossing: first epoch where the latent Jacobian at κ = 0 (theory, measured overlaps) has a positive eigenvalue.
        Effective-rank drop: epoch of the smallest participation ratio of the fixed-point sNTK Θ_∞ (input +x).

        | crossing epoch | effective-rank drop epoch | difference (drop − crossing) | smallest PR | PR at epoch 0 | final loss |
        |---|---|---|---|---|---|
        | \(crossing) | \(drop) | \(difference) | \(String(format: "%.4g", minPR)) | \(String(format: "%.4g", r.epochs.first?.participationRatio ?? .nan)) | \(String(format: "%.4g", r.epochs.last?.loss ?? .nan)) |

        Held: \(coincide(r) ? "yes" : "no") (the student crosses and the drop lies within 20% of the crossing epoch of it;
        the constant input unfolds the pitchfork, so the sensitivity peaks slightly before λ₀ = 0).

        """
    }
}

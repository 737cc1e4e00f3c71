import ArgumentParser
import Foundation
import GramFlowCore
import Studies

/// `gramflow bifurcation`: the sNTK collapse as a rank-1 network approaches its pitchfork.
struct BifurcationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bifurcation",
        abstract: "Sweep the distance μ to the pitchfork and report the sNTK's top eigenvalues, effective rank and alignment with w = ∂h/∂μ.",
        discussion: """
        A rank-1 network with σ_vu = 1 − μ under a tiny constant input; for each μ the fixed-point
        sNTK Θ_∞ = J_∞J_∞ᵀ (N×N, full spectrum). Writes DIR/sweep.csv and DIR/report.md
        (and DIR/collapse.png with --plot).
        """)

    @Option(parsing: .unconditional, help: "Number of neurons N.") var neurons: Int = 300
    @Option(parsing: .unconditional, help: "Seed of the Gaussian vectors.") var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "Constant input x (small: it selects a branch and sets h* ≠ 0).") var input: Double = 1e-6
    @Option(parsing: .unconditional, help: ArgumentHelp("Distances μ to the pitchfork (comma-separated, each in (0, 1)).", valueName: "μ[,μ…]"),
            transform: { try parseList($0, option: "mus", Double.init) })
    var mus: [Double] = [0.3, 0.1, 0.03, 0.01, 0.003, 0.001]
    @Option(help: "Nonlinearity φ: erf or tanh (odd, φ'(0) = 1).") var phi: Nonlinearity = .erf
    @Option(name: .customLong("compare-lr"), parsing: .unconditional, help: "Also train a student at --compare-mu by GD and by the low-rank natural gradient at this η (network step N·η).")
    var compareLearningRate: Double?
    @Option(name: .customLong("compare-mu"), parsing: .unconditional, help: "Distance μ of the student in the optimiser comparison (teacher at μ/2).") var compareMu: Double = 0.02
    @Option(name: .customLong("compare-epochs"), parsing: .unconditional, help: "Epochs of the optimiser comparison.") var compareEpochs: Int = 100
    @Option(name: .customLong("compare-input"), parsing: .unconditional, help: "Constant input of the optimiser comparison.") var compareInput: Double = 0.1
    @Option(name: .customLong("compare-steps"), parsing: .unconditional, help: "Time steps T of the optimiser comparison (dt = 0.5, τ = 1).") var compareSteps: Int = 40
    @Option(name: .customLong("student-teacher-lr"), parsing: .unconditional, help: "Also train a student (σ_vu < 1) on a bistable teacher (σ_vu > 1) by GD at this η and report the crossing and effective-rank-drop epochs.")
    var studentTeacherLearningRate: Double?
    @Option(name: .customLong("student-teacher-epochs"), parsing: .unconditional, help: "Epochs of the student–teacher run.") var studentTeacherEpochs: Int = 200
    @Option(help: "Output folder.") var out: String = "gramflow-bifurcation"
    @Flag(help: "Draw collapse.png with gnuplot.") var plot = false
    @Flag(help: "Print nothing but errors.") var quiet = false

    func validate() throws {
        guard neurons >= 3 else { throw ValidationError("--neurons: must be at least 3 (got \(neurons))") }
        guard compareSteps >= 1 else { throw ValidationError("--compare-steps: must be at least 1 (got \(compareSteps))") }
        do {
            try MemoryEstimate(bifurcationNeurons: neurons, compareSteps: compareLearningRate == nil ? nil : compareSteps,
                               studentTeacher: studentTeacherLearningRate != nil).check()
        } catch { throw ValidationError(usageMessage(error)) }
        guard input.isFinite && input != 0 else { throw ValidationError("--input: must be a non-zero number (got \(input))") }
        if let bad = mus.first(where: { !($0 > 0 && $0 < 1) }) {
            throw ValidationError("--mus: every μ must lie in (0, 1) (got \(bad))")
        }
        guard phi == .erf || phi == .tanh else {
            throw ValidationError("--phi: the pitchfork needs an odd φ with φ'(0) = 1; use erf or tanh (got \(phi.rawValue))")
        }
        if let eta = compareLearningRate, !(eta.isFinite && eta > 0) {
            throw ValidationError("--compare-lr: must be a positive number (got \(eta))")
        }
        if let eta = studentTeacherLearningRate, !(eta.isFinite && eta > 0) {
            throw ValidationError("--student-teacher-lr: must be a positive number (got \(eta))")
        }
        guard studentTeacherEpochs >= 1 else { throw ValidationError("--student-teacher-epochs: must be at least 1 (got \(studentTeacherEpochs))") }
        guard compareMu > 0 && compareMu < 1 else { throw ValidationError("--compare-mu: must lie in (0, 1) (got \(compareMu))") }
        guard compareEpochs >= 1 else { throw ValidationError("--compare-epochs: must be at least 1 (got \(compareEpochs))") }
        do { try OutputFolder.check(out) } catch { throw ValidationError(usageMessage(error)) }
    }

    func run() throws {
        try withOutputFolder(out) { folder in
            let points = try PitchforkCollapse.run(neurons: neurons, seed: seed, input: input, mus: mus, nonlinearity: phi)
            try folder.write(PitchforkCollapse.csv(points), to: "sweep.csv")
            let report = PitchforkCollapse.markdown(points, neurons: neurons, seed: seed, input: input, nonlinearity: phi)
            var text = report
            if let eta = compareLearningRate {
                let (student, batch) = OptimizerComparison.problem(neurons: neurons, seed: seed, mu: compareMu, input: compareInput,
                                                                   steps: compareSteps, dt: 0.5)
                let r = try OptimizerComparison.run(student: student, batch: batch, eta: eta, epochs: compareEpochs)
                try folder.write(OptimizerComparison.csv(r), to: "optimizers.csv")
                text += OptimizerComparison.markdown(r, eta: eta, mu: compareMu, neurons: neurons, epochs: compareEpochs)
                if plot { try Plotting.plotOptimizers(in: folder.staging, title: "GD and low-rank natural gradient, η = \(eta), μ = \(compareMu)") }
                if !quiet {
                    print("GD: loss \(short(r.gd.first)) → \(short(r.gd.last)) (\(r.gd.count) epochs); natural gradient: \(short(r.natural.first)) → \(short(r.natural.last)); seconds/epoch GD \(short(r.gdSecondsPerEpoch)), NG \(short(r.naturalSecondsPerEpoch))")
                }
            }
            if let eta = studentTeacherLearningRate {
                let r = try StudentTeacherBifurcation.run(neurons: neurons, seed: seed, eta: eta, epochs: studentTeacherEpochs)
                try folder.write(StudentTeacherBifurcation.csv(r), to: "student-teacher.csv")
                text += StudentTeacherBifurcation.markdown(r, neurons: neurons, eta: eta)
                if plot { try Plotting.plotStudentTeacher(in: folder.staging, title: "student crossing the pitchfork, N = \(neurons), η = \(eta)") }
                if !quiet {
                    print("student–teacher: crossing at epoch \(r.crossingEpoch.map(String.init) ?? "none"), effective-rank drop at epoch \(r.rankDropEpoch.map(String.init) ?? "none")")
                }
            }
            try folder.write(text, to: "report.md")
            if plot { try Plotting.plotCollapse(in: folder.staging, title: "sNTK collapse at the pitchfork, N = \(neurons)") }
            if !quiet {
                for p in points {
                    print("μ = \(short(p.mu)): λ₁ = \(short(p.top[0])), λ₂ = \(short(p.top[1])), PR = \(short(p.rank.participationRatio)), modes95 = \(p.rank.modes95), |⟨e₁,w⟩| = \(String(format: "%.8f", p.alignment))")
                }
                print("wrote \(out)/sweep.csv, report.md\(plot ? ", collapse.png" : "")")
            }
            return []
        }
    }
}

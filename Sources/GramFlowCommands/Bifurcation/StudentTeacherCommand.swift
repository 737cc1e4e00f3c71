import ArgumentParser
import Foundation
import Studies

/// `gramflow bifurcation student-teacher`: a student crossing a bistable teacher's pitchfork.
struct StudentTeacherCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "student-teacher",
        abstract: "Train a student (σ_vu < 1) on a bistable teacher (σ_vu > 1) by GD; report the crossing and effective-rank-drop epochs.",
        discussion: "Per epoch: the latent eigenvalue at κ = 0 (theory, measured overlaps) and the participation ratio of the fixed-point sNTK. Writes DIR/student-teacher.csv and DIR/report.md (and DIR/student-teacher.png with --plot).")

    @OptionGroup var network: PitchforkOptions
    @Option(name: .customLong("lr"), parsing: .unconditional, help: "Learning rate η of GD (network step N·η).") var learningRate: Double = 5e-4
    @Option(parsing: .unconditional, help: "Epochs.") var epochs: Int = 200
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try network.check()
        try requireBifurcationMemory(neurons: network.neurons, studentTeacher: true)
        guard learningRate.isFinite && learningRate > 0 else { throw ValidationError("--lr: must be a positive number (got \(learningRate))") }
        guard epochs >= 1 else { throw ValidationError("--epochs: must be at least 1 (got \(epochs))") }
        _ = try output.checked(default: "gramflow-student-teacher")
    }

    func run() throws {
        let out = try output.checked(default: "gramflow-student-teacher")
        try withOutputFolder(out) { folder in
            let r = try StudentTeacherBifurcation.run(neurons: network.neurons, seed: network.seed, eta: learningRate, epochs: epochs)
            try folder.write(StudentTeacherBifurcation.csv(r), to: "student-teacher.csv")
            try folder.write("# Student–teacher across the pitchfork\n" + StudentTeacherBifurcation.markdown(r, neurons: network.neurons, eta: learningRate),
                             to: "report.md")
            try folder.write(ClaimsRecord(title: "Student–teacher across the pitchfork", claims: StudentTeacherBifurcation.claims(r)).json,
                             to: "claims.json")
            if output.plot { try Plotting.plotStudentTeacher(in: folder.staging, title: "student crossing the pitchfork, N = \(network.neurons), η = \(learningRate)") }
            guard !output.quiet else { return Finished() }
            return Finished(summary: """
            student–teacher: crossing at epoch \(r.crossingEpoch.map(String.init) ?? "none"), effective-rank drop at epoch \(r.rankDropEpoch.map(String.init) ?? "none")
            wrote \(out)/student-teacher.csv, report.md\(output.plot ? ", student-teacher.png" : "")
            """)
        }
    }
}

import ArgumentParser
import Studies

/// `gramflow bifurcation`: the state-space NTK of a rank-1 network near its pitchfork.
struct BifurcationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bifurcation",
        abstract: "The sNTK of a rank-1 network near its pitchfork: collapse, optimisers, student–teacher.",
        discussion: "A rank-1 network with σ_vu = 1 − μ is a distance μ before its pitchfork (docs/theory.md §9). Each subcommand writes tables (CSV), report.md and, with --plot, figures. Without a subcommand, `collapse` runs.",
        subcommands: [CollapseCommand.self, ScanCommand.self, CompareOptimizersCommand.self, StudentTeacherCommand.self],
        defaultSubcommand: CollapseCommand.self)
}

/// The network every bifurcation subcommand builds.
struct PitchforkOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Number of neurons N (≥ 3).") var neurons: Int = 300
    @Option(parsing: .unconditional, help: "Seed of the Gaussian vectors.") var seed: UInt64 = 1

    func check() throws {
        guard neurons >= 3 else { throw ValidationError("--neurons: must be at least 3 (got \(neurons))") }
    }
}

/// Refuses what will not fit before anything is allocated (exit 64).
func requireBifurcationMemory(neurons: Int, compareSteps: Int? = nil, studentTeacher: Bool = false) throws {
    do {
        try MemoryEstimate(bifurcationNeurons: neurons, compareSteps: compareSteps, studentTeacher: studentTeacher).check()
    } catch { throw ValidationError(usageMessage(error)) }
}

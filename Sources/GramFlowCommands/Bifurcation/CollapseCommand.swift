import ArgumentParser
import Foundation
import GramFlowCore
import Studies

/// `gramflow bifurcation collapse`: the fixed-point sNTK as μ → 0.
struct CollapseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collapse",
        abstract: "Sweep the distance μ to the pitchfork: the sNTK's top eigenvalues, effective rank and alignment with w = ∂h/∂μ.",
        discussion: "Under a tiny constant input, for each μ the fixed-point sNTK Θ_∞ = J_∞J_∞ᵀ (N×N, full spectrum). Writes DIR/sweep.csv and DIR/report.md (and DIR/collapse.png with --plot).")

    @OptionGroup var network: PitchforkOptions
    @Option(parsing: .unconditional, help: "Constant input x (small: it selects a branch and sets h* ≠ 0).") var input: Double = 1e-6
    @Option(parsing: .unconditional, help: ArgumentHelp("Distances μ to the pitchfork (comma-separated, each in (0, 1)).", valueName: "μ[,μ…]"),
            transform: { try parseList($0, option: "mus", Double.init) })
    var mus: [Double] = [0.3, 0.1, 0.03, 0.01, 0.003, 0.001]
    @Option(help: "Nonlinearity φ: erf or tanh (odd, φ'(0) = 1).") var phi: Nonlinearity = .erf
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try network.check()
        try requireBifurcationMemory(neurons: network.neurons)
        guard input.isFinite && input != 0 else { throw ValidationError("--input: must be a non-zero number (got \(input))") }
        if let bad = mus.first(where: { !($0 > 0 && $0 < 1) }) {
            throw ValidationError("--mus: every μ must lie in (0, 1) (got \(bad))")
        }
        guard phi == .erf || phi == .tanh else {
            throw ValidationError("--phi: the pitchfork needs an odd φ with φ'(0) = 1; use erf or tanh (got \(phi.rawValue))")
        }
        _ = try output.checked(default: "gramflow-bifurcation")
    }

    func run() throws {
        let out = try output.checked(default: "gramflow-bifurcation")
        let (neurons, seed) = (network.neurons, network.seed)
        try withOutputFolder(out) { folder in
            let points = try PitchforkCollapse.run(neurons: neurons, seed: seed, input: input, mus: mus, nonlinearity: phi)
            try folder.write(PitchforkCollapse.csv(points), to: "sweep.csv")
            try folder.write(PitchforkCollapse.markdown(points, neurons: neurons, seed: seed, input: input, nonlinearity: phi),
                             to: "report.md")
            try folder.write(ClaimsRecord(title: "sNTK collapse at the pitchfork", claims: PitchforkCollapse.claims(points)).json,
                             to: "claims.json")
            if output.plot { try Plotting.plotCollapse(in: folder.staging, title: "sNTK collapse at the pitchfork, N = \(neurons)") }
            guard !output.quiet else { return Finished() }
            let lines = points.map {
                "μ = \(short($0.mu)): λ₁ = \(short($0.top[0])), λ₂ = \(short($0.top[1])), PR = \(short($0.rank.participationRatio)), modes95 = \($0.rank.modes95), |⟨e₁,w⟩| = \(String(format: "%.8f", $0.alignment))"
            }
            return Finished(summary: (lines + ["wrote \(out)/sweep.csv, report.md\(output.plot ? ", collapse.png" : "")"]).joined(separator: "\n"))
        }
    }
}

import ArgumentParser
import GramFlowCore

/// The model's rank and nonlinearity: declared once, for the training commands and `derive`.
struct ModelOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Rank R of the connectivity (≥ 1).")
    var rank: Int = 1
    @Option(help: "Nonlinearity φ: linear, tanh, erf (erf(√π x/2)) or relu; the readout is ψ = φ when nonlinear.")
    var phi: Nonlinearity = .linear
}

import ArgumentParser
import Studies

/// The `gramflow` root command.
public struct GramFlowCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "gramflow",
        abstract: "Learning dynamics of low-rank RNNs, closed on the Gram matrix of their vectors.",
        discussion: """
        integrate  the overlap theory (exact discrete-GD map or gradient-flow ODE)
        simulate   a finite network of N neurons trained by gradient descent
        validate   both from the same initial overlaps, and the deviation between them
        derive     the overlap equations written out symbolically, checked exactly
        bifurcation  the sNTK collapse as a network approaches its pitchfork
        study      a study file: phases of training, equivalent networks, A/B→C twins
        overlaps   the overlaps of a network's vectors (.npz), and which the loss sees
        """,
        version: GramFlowVersion.current,
        subcommands: [IntegrateCommand.self, SimulateCommand.self, ValidateCommand.self, DeriveCommand.self, BifurcationCommand.self, StudyCommand.self, OverlapsCommand.self])
    public init() {}
}

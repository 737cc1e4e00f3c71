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
        claims     a validation's claims checked against its reports
        """,
        version: GramFlowVersion.current,
        subcommands: [IntegrateCommand.self, SimulateCommand.self, ValidateCommand.self, DeriveCommand.self, BifurcationCommand.self, StudyCommand.self, ClaimsCommand.self])
    public init() {}
}

extension GramFlowCommand {
    /// Every subcommand, nested ones as "parent-child", for the golden help tests.
    static var allCommands: [(name: String, type: any ParsableCommand.Type)] {
        func walk(_ type: any ParsableCommand.Type, prefix: String) -> [(String, any ParsableCommand.Type)] {
            type.configuration.subcommands.flatMap { sub in
                let name = prefix + (sub.configuration.commandName ?? "\(sub)")
                return [(name, sub)] + walk(sub, prefix: name + "-")
            }
        }
        return walk(GramFlowCommand.self, prefix: "").map { (name: $0.0, type: $0.1) }
    }
}

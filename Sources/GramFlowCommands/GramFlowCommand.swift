import ArgumentParser

/// The `gramflow` root command.
public struct GramFlowCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "gramflow",
        abstract: "Learning dynamics of low-rank RNNs, closed on the Gram matrix of their vectors.",
        subcommands: [])
    public init() {}
}

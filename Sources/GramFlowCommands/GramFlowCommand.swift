import ArgumentParser
import Foundation
import GramFlowNumerics
import Studies

/// The `gramflow` root command.
public struct GramFlowCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "gramflow",
        abstract: "Learning dynamics of low-rank RNNs, closed on the Gram matrix of their vectors.",
        discussion: """
        integrate    the overlap theory (exact discrete-GD map or gradient-flow ODE)
        simulate     a finite network of N neurons trained by gradient descent
        validate     both from the same initial overlaps, and the deviation between them
        derive       the overlap equations written out symbolically, checked exactly
        bifurcation  the sNTK near a pitchfork: collapse, optimisers, student–teacher
        study        a study file: phases of training, equivalent networks, A/B→C twins
        multitask    a dense RNN or GRU on four Pro/Anti tasks: interference and similarity
        sweep        a sweep file planned into points, run here, with GNU parallel or on Slurm
        claims       a validation's claims checked against its reports
        overlaps     the overlaps of a network's vectors (.npz), and which the loss sees
        """,
        version: GramFlowVersion.current,
        subcommands: [IntegrateCommand.self, SimulateCommand.self, ValidateCommand.self, DeriveCommand.self, BifurcationCommand.self, KPFlowCommand.self, StudyCommand.self, MultiTaskCommand.self, SweepCommand.self, ClaimsCommand.self, OverlapsCommand.self])
    public init() {}

    /// Runs the command line: a mistyped subcommand gets a suggestion (exit 64), and output
    /// that could not be written to standard output (a full disk, /dev/full) fails the run
    /// (exit 1) instead of being lost silently.
    public static func start(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        LargeBlockReuse.enableForEpochs()
        if let first = arguments.first, let message = unknownSubcommand(first) {
            printError("Error: \(message)\nUsage: gramflow <subcommand>\n  See 'gramflow --help' for more information.")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        var code = ExitCode.success
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            // What `exit(withError:)` does, without exiting yet: help and version to standard
            // output (checked below like any output), errors to standard error.
            code = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty { code == .success ? print(message) : printError(message) }
        }
        if let failure = standardOutputFailure() {
            let reason = failure == 0 ? "" : ": " + FileErrors.reason(errno: failure)
            printError("error: cannot write to standard output\(reason); the printed output is incomplete (redirect it to a file on a disk with space)")
            if code == .success { code = .failure }
        }
        Foundation.exit(code.rawValue)
    }

    /// "unknown command 'integrat'; did you mean 'integrate'?" for a first argument that is
    /// neither an option nor a subcommand; nil otherwise.
    static func unknownSubcommand(_ word: String) -> String? {
        let names = configuration.subcommands.compactMap { $0.configuration.commandName }
        guard !word.hasPrefix("-"), !names.contains(word), word != "help" else { return nil }
        let closest = names.map { ($0, editDistance($0, word)) }.min { $0.1 < $1.1 }
        if let (name, distance) = closest, distance <= max(2, name.count / 3) {
            return "unknown command '\(word)'; did you mean '\(name)'?"
        }
        return "unknown command '\(word)'; the commands are \(names.joined(separator: ", "))"
    }

    /// Levenshtein distance.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
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

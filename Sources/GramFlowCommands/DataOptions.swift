import ArgumentParser
import Foundation
import GramFlowCore
import Studies

/// Options that bring the user's own data and networks in and take them out:
/// a task from a file, K inputs and O outputs, initial vectors, saved vectors.
struct DataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Custom task: a .npz file (or a folder of .npy files) with float64 arrays inputs (B×T×K), targets (B×T×O) and optionally mask (B×T×O); K, O, B and T come from it.",
                               valueName: "file"))
    var data: String?
    @Option(help: "Flip-flop: the number of independent bits n (K = O = n; default 1).")
    var bits: Int?
    @Option(help: ArgumentHelp("Number of inputs K, for tasks that take it (filter-noise).", valueName: "K"))
    var inputs: Int?
    @Option(help: ArgumentHelp("Number of outputs O, for tasks that take it (filter-noise: output o filters input o mod K).", valueName: "O"))
    var outputs: Int?
    @Option(help: ArgumentHelp("A .npz file of the initial network's vectors: m (N×K), u (N×R), v (N×R), z (N×O), float64. N comes from it; the theory starts from their overlaps.",
                               valueName: "file"))
    var vectors: String?
    @Flag(name: .customLong("save-vectors"), help: "Write the trained network's vectors to DIR/vectors.npz (m, u, v, z).")
    var saveVectors = false
    @Option(name: .customLong("save-vectors-every"), help: ArgumentHelp("Also write the vectors every E epochs (and at the last) to DIR/vectors/epoch-E.npz.", valueName: "E"))
    var saveVectorsEvery: Int?

    /// Fills the data-related task options.
    func apply(to options: inout TaskOptions) {
        options.data = data; options.bits = bits; options.inputs = inputs; options.outputs = outputs
    }

    /// Checks the vector options and reads `--vectors` (setting N and the start of the run).
    /// - Parameter network: whether this command trains a network (simulate, validate).
    func apply(to config: inout RunConfiguration, network: Bool, overlapsGiven: Bool) throws(InputError) {
        if let every = saveVectorsEvery, every < 1 {
            throw InputError(.saveVectorsEvery, "must be at least 1 (got \(every))")
        }
        if !network && (saveVectors || saveVectorsEvery != nil) {
            throw InputError(saveVectors ? .saveVectors : .saveVectorsEvery, "the theory has overlaps, not vectors; save a network's vectors with `gramflow simulate` or `gramflow validate`")
        }
        guard let vectors else { return }
        if overlapsGiven {
            throw InputError(.vectors, "give either --vectors (a network) or --overlaps (its Gram matrix), not both")
        }
        let network = try NetworkVectors.read(vectors, spec: config.model)
        // N comes from the file; a different --neurons on the command line is a contradiction.
        let neuronsGiven = CommandLine.arguments.contains { $0 == "--neurons" || $0.hasPrefix("--neurons=") }
        if neuronsGiven && config.neurons != network.neurons {
            throw InputError(.neurons, "the network in \(vectors) has N = \(network.neurons) neurons (rows of m, u, v, z), not \(config.neurons); remove --neurons, N comes from --vectors")
        }
        config.neurons = network.neurons
        config.initialVectors = vectors
    }
}

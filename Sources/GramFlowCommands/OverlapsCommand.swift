import ArgumentParser
import Foundation
import GramFlowCore
import NetworkSimulation
import OverlapTheory
import Studies

/// `gramflow overlaps FILE.npz`: the overlaps of a network given by its vectors.
struct OverlapsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overlaps",
        abstract: "Print the overlaps σ_ab = a·b/N of a network's vectors (m, u, v, z in a .npz) as JSON, and which are loss-visible.",
        discussion: """
        FILE holds float64 arrays m (N×K), u (N×R), v (N×R) and z (N×O), the vectors as columns
        (numpy.savez(FILE, m=M, u=U, v=V, z=Z), or a folder of m.npy, u.npy, v.npy, z.npy).
        The overlaps are named a.b in the canonical order m, u, v, z, as in trajectory.csv and
        --overlaps files, so the output can start the theory: `gramflow integrate --overlaps`.
        """)

    @Argument(help: ArgumentHelp("The network's vectors (.npz file or folder of .npy files).", valueName: "file"))
    var file: String
    @Option(help: "Nonlinearity φ, which decides which overlaps the loss sees: linear, tanh, erf or relu.")
    var phi: Nonlinearity = .linear
    @Flag(name: .customLong("overlaps-only"), help: "Print only the overlaps object (the format of --overlaps FILE).")
    var overlapsOnly = false

    func validate() throws { _ = try network() }

    private func network() throws -> LowRankNetwork {
        // The message names the file and the array; the file is the argument, not an option.
        do { return try NetworkVectors.read(file, nonlinearity: phi) } catch { throw ValidationError(error.message) }
    }

    func run() throws {
        let network = try network()
        let spec = network.spec, layout = spec.layout, S = network.overlaps
        func entries(indent: String) -> String {
            layout.overlapPairs.enumerated().map { i, pair in "\(indent)\"\(layout.overlapNames[i])\": \(S[pair.0, pair.1])" }
                .joined(separator: ",\n")
        }
        guard !overlapsOnly else { print("{\n\(entries(indent: "  "))\n}"); return }
        let visibility = Visibility(spec: spec)
        func list(_ names: [String]) -> String { "[" + names.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        print("""
        {
          "file": \(jsonString(file)),
          "neurons": \(network.neurons),
          "inputs": \(spec.inputs),
          "rank": \(spec.rank),
          "outputs": \(spec.outputs),
          "phi": "\(spec.nonlinearity.rawValue)",
          "overlaps": {
        \(entries(indent: "    "))
          },
          "loss_visible": \(list(visibility.visibleNames)),
          "loss_invisible": \(list(visibility.invisibleNames))
        }
        """)
    }
}

/// A JSON string literal.
func jsonString(_ text: String) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .withoutEscapingSlashes
    let data = try? encoder.encode(text)
    return data.map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
}

import Foundation
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import Studies

/// The NumPy outputs of a run: vectors (`--save-vectors`, `--save-vectors-every`) and
/// outputs.npz, written into the staging folder like everything else.
extension DataOptions {
    /// DIR/vectors/epoch-E.npz every E epochs, when asked.
    func snapshots(in folder: OutputFolder) throws -> VectorSnapshots? {
        try saveVectorsEvery.map { try VectorSnapshots(folder: folder.path("vectors"), every: $0) }
    }

    /// DIR/vectors.npz with the final network, when asked; the names written, for the summary.
    func saveFinalVectors(_ result: RunResult, into folder: OutputFolder) throws -> [String] {
        var written: [String] = []
        if saveVectors, let network = result.network {
            try NetworkVectors.encode(network).write(to: folder.path("vectors.npz"))
            written.append("vectors.npz")
        }
        if saveVectorsEvery != nil { written.append("vectors/") }
        return written
    }
}

/// The overlaps of the last observed epoch as a matrix.
func finalOverlaps(_ result: RunResult) -> Matrix {
    let layout = result.trajectory.layout
    var S = Matrix(rows: layout.dimension, cols: layout.dimension)
    for (value, (a, b)) in zip(result.trajectory.finalOverlaps, layout.overlapPairs) { S[a, b] = value; S[b, a] = value }
    return S
}

/// Writes DIR/outputs.npz and outputs.csv: the outputs of the theory and/or the network
/// on a few trials at the start and the end. Returns what `plotOutputTraces` draws, so
/// the data are written before any figure (a failing gnuplot keeps them).
func writeOutputTraces(_ config: RunConfiguration, into folder: OutputFolder,
                       theory: (start: Matrix, end: Matrix)? = nil,
                       network: (start: LowRankNetwork, end: LowRankNetwork)? = nil) throws -> OutputTraces {
    var traces = try OutputTraces(config)
    if let theory { try traces.addTheory(start: theory.start, end: theory.end) }
    if let network { traces.addNetwork(start: network.start, end: network.end) }
    try traces.write(into: folder, plot: false, title: "")
    return traces
}

/// outputs.png, with `--plot`.
func plotOutputTraces(_ traces: OutputTraces, _ config: RunConfiguration, into folder: OutputFolder, plot: Bool) throws {
    guard plot else { return }
    try traces.plot(into: folder, title: "\(config.task.rawValue), rank \(config.model.rank): target, theory (solid), network (dashed)")
}

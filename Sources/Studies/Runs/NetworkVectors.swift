import Foundation
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import NumPyFiles

/// A network's vectors as NumPy arrays, to bring a network in (`--vectors`) and take
/// it out (`--save-vectors`): a .npz file (or folder of .npy files) with float64
///
///     m  N×K   input vectors m_k as columns
///     u  N×R   left connectivity vectors u_r
///     v  N×R   right connectivity vectors v_r   (J = Σ_r u_r v_rᵀ / N)
///     z  N×O   readout vectors z_o              (y_o = z_o·ψ(h)/N)
///
/// the conventions of docs/theory.md §1. Errors are `InputError`s on `vectors` naming
/// the file, the array and the fix.
public enum NetworkVectors {
    public static let names = ["m", "u", "v", "z"]

    /// Reads a network whose K, R and O must be those of `spec`; N comes from the file.
    public static func read(_ path: String, spec: ModelSpec) throws(InputError) -> LowRankNetwork {
        let (blocks, neurons) = try readBlocks(path)
        let expected = [("m", spec.inputs, "the task's \(spec.inputs) input(s) K"), ("u", spec.rank, "--rank \(spec.rank)"),
                        ("v", spec.rank, "--rank \(spec.rank)"), ("z", spec.outputs, "the task's \(spec.outputs) output(s) O")]
        for (name, columns, what) in expected where blocks[name]!.shape[1] != columns {
            throw InputError(.vectors, "array '\(name)' in \(path) has \(blocks[name]!.shape[1]) column(s) but \(what) needs \(columns); give vectors of that shape or change \(name == "u" || name == "v" ? "--rank" : "the task")")
        }
        return assemble(blocks, neurons: neurons, spec: spec)
    }

    /// Reads a network taking K, R and O from the shapes (`gramflow overlaps`).
    public static func read(_ path: String, nonlinearity: Nonlinearity) throws(InputError) -> LowRankNetwork {
        let (blocks, neurons) = try readBlocks(path)
        let spec = ModelSpec(inputs: blocks["m"]!.shape[1], rank: blocks["u"]!.shape[1], outputs: blocks["z"]!.shape[1],
                             nonlinearity: nonlinearity)
        return assemble(blocks, neurons: neurons, spec: spec)
    }

    /// The arrays m, u, v, z of a network.
    public static func arrays(_ network: LowRankNetwork) -> [(name: String, array: NumPyArray)] {
        let layout = network.spec.layout, P = network.parameters, N = network.neurons
        return zip(names, [layout.mIndices, layout.uIndices, layout.vIndices, layout.zIndices]).map { name, columns in
            var values = [Double](repeating: 0, count: N * columns.count)
            for i in 0..<N { for (j, c) in columns.enumerated() { values[i * columns.count + j] = P[i, c] } }
            return (name, NumPyArray(rows: N, cols: columns.count, values: values))
        }
    }

    /// The .npz bytes of a network's vectors (stored, like numpy.savez).
    public static func encode(_ network: LowRankNetwork) throws -> Data { try NPZArchive.encode(arrays(network)) }

    private static func readBlocks(_ path: String) throws(InputError) -> ([String: NumPyArray], Int) {
        let arrays: [String: NumPyArray]
        do { arrays = try NamedArrays.read(path) } catch { throw InputError(.vectors, error.description) }
        var neurons: Int?
        for name in names {
            guard let array = arrays[name] else {
                throw InputError(.vectors, "\(path) has no array '\(name)'; save the network with numpy.savez(FILE, m=M, u=U, v=V, z=Z), each N×(K, R, R, O) with the vectors as columns")
            }
            guard array.rank == 2, array.count > 0 else {
                throw InputError(.vectors, "array '\(name)' in \(path) has shape \(array.shapeDescription), but it must be N×\(["m": "K", "u": "R", "v": "R", "z": "O"][name]!) with N ≥ 1 and the vectors as columns (a single vector is a.reshape(N, 1))")
            }
            if let n = neurons, n != array.shape[0] {
                throw InputError(.vectors, "array '\(name)' in \(path) has \(array.shape[0]) rows but 'm' has \(n); every array has one row per neuron")
            }
            neurons = array.shape[0]
            if let i = array.firstNonFinite {
                throw InputError(.vectors, "array '\(name)' in \(path) holds \(array.values[i]) at [\(i / array.shape[1]), \(i % array.shape[1])]; every value must be finite")
            }
        }
        guard arrays["u"]!.shape[1] == arrays["v"]!.shape[1] else {
            throw InputError(.vectors, "array 'v' in \(path) has \(arrays["v"]!.shape[1]) column(s) but 'u' has \(arrays["u"]!.shape[1]); u and v hold the R pairs of J = Σ u_r v_rᵀ/N")
        }
        return (arrays, neurons!)
    }

    private static func assemble(_ blocks: [String: NumPyArray], neurons N: Int, spec: ModelSpec) -> LowRankNetwork {
        let layout = spec.layout
        var P = Matrix(rows: N, cols: layout.dimension)
        for (name, columns) in zip(names, [layout.mIndices, layout.uIndices, layout.vIndices, layout.zIndices]) {
            let block = blocks[name]!
            for i in 0..<N { for (j, c) in columns.enumerated() { P[i, c] = block.values[i * columns.count + j] } }
        }
        return LowRankNetwork(spec: spec, parameters: P)
    }
}

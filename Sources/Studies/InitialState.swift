import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory

/// The initial overlaps of a run and, for network runs, the initial vectors.
///
/// Without user overlaps: Gaussian vectors of norm √N from the seed, and S_0
/// their measured Gram matrix. With user overlaps: S_0 as given, and vectors
/// realising it exactly. With user vectors (`--vectors`): those vectors, and S_0
/// their Gram matrix.
public enum InitialState {
    /// S_0 for a theory run. The same seed gives the network of `network(_:)`, so
    /// a theory run and a network run of one configuration start together.
    public static func overlaps(_ config: RunConfiguration) throws -> Matrix {
        if config.initialVectors != nil { return try network(config).overlaps }
        if let given = config.initialOverlaps { return try parse(given, layout: config.model.layout) }
        return try network(config).overlaps
    }

    /// The initial network of N neurons.
    public static func network(_ config: RunConfiguration) throws -> LowRankNetwork {
        if let path = config.initialVectors { return try NetworkVectors.read(path, spec: config.model) }
        let random = SeedStreams.initialization(config.seed)
        if let given = config.initialOverlaps {
            let S = try parse(given, layout: config.model.layout)
            return try LowRankNetwork.realizing(overlaps: S, spec: config.model, neurons: config.neurons, random: random)
        }
        return LowRankNetwork.gaussian(spec: config.model, neurons: config.neurons, random: random)
    }

    /// S from `a.b → value` entries: every distinct overlap exactly once, S positive semi-definite.
    public static func parse(_ given: [String: Double], layout: VectorLayout) throws -> Matrix {
        var S = Matrix(rows: layout.dimension, cols: layout.dimension)
        var seen = Set<String>()
        for (name, value) in given {
            guard let (a, b) = layout.pair(ofOverlap: name) else {
                throw InputError(field: "overlaps", "unknown overlap '\(name)'; names are a.b with a, b in \(layout.vectorNames.joined(separator: ", "))")
            }
            let canonical = "\(layout.vectorNames[a]).\(layout.vectorNames[b])"
            guard seen.insert(canonical).inserted else {
                throw InputError(field: "overlaps", "overlap \(canonical) is given twice")
            }
            guard value.isFinite else { throw InputError(field: "overlaps", "\(name) is not a finite number") }
            S[a, b] = value; S[b, a] = value
        }
        let missing = layout.overlapNames.filter { !seen.contains($0) }
        guard missing.isEmpty else {
            throw InputError(field: "overlaps", "missing \(missing.count) overlap(s): \(missing.joined(separator: ", ")); give all \(layout.overlapNames.count)")
        }
        let smallest = try SymmetricEigen(S).values.first ?? 0
        let scale = max(1, S.maxAbs)
        guard smallest >= -1e-12 * scale else {
            throw InputError(field: "overlaps", "the overlap matrix is not positive semi-definite (smallest eigenvalue \(smallest)); no vectors have these overlaps. Fix the values so that S is a Gram matrix")
        }
        return S
    }
}

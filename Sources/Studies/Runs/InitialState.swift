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
        var network: LowRankNetwork
        switch config.initialization {
        case .gaussian: network = LowRankNetwork.gaussian(spec: config.model, neurons: config.neurons, random: random)
        case .balanced:
            guard let balanced = LowRankNetwork.balanced(spec: config.model, neurons: config.neurons, random: random) else {
                throw InputError(.initialization, "no balanced vectors in 1,000,000 draws at N = \(config.neurons); use gaussian or a smaller --neurons")
            }
            network = balanced
        }
        // s multiplies every vector: S_0 → s² S_0 (a study's initial.scale).
        if let s = config.initialScale, s != 1 {
            network.parameters = s * network.parameters
        }
        return network
    }

    /// S from `a.b → value` entries: every distinct overlap exactly once, S positive semi-definite.
    public static func parse(_ given: [String: Double], layout: VectorLayout) throws -> Matrix {
        var S = Matrix(rows: layout.dimension, cols: layout.dimension)
        var seen = Set<String>()
        for (name, value) in given {
            guard let (a, b) = layout.pair(ofOverlap: name) else {
                throw InputError(.overlaps, "unknown overlap '\(name)'; names are a.b with a, b in \(layout.vectorNames.joined(separator: ", "))")
            }
            let canonical = "\(layout.vectorNames[a]).\(layout.vectorNames[b])"
            guard seen.insert(canonical).inserted else {
                throw InputError(.overlaps, "overlap \(canonical) is given twice")
            }
            guard value.isFinite else { throw InputError(.overlaps, "\(name) is not a finite number") }
            S[a, b] = value; S[b, a] = value
        }
        let missing = layout.overlapNames.filter { !seen.contains($0) }
        guard missing.isEmpty else {
            throw InputError(.overlaps, "missing \(missing.count) overlap(s): \(missing.joined(separator: ", ")); give all \(layout.overlapNames.count)")
        }
        try requirePositiveSemiDefinite(S, field: .overlaps)
        return S
    }

    /// Refuses overlaps that no vectors have: S must be positive semi-definite (to rounding).
    static func requirePositiveSemiDefinite(_ S: Matrix, field: ParameterKey, what: String = "the overlap matrix") throws {
        guard S.rows > 0 else { return }
        let smallest = try SymmetricEigen(S).values.first ?? 0
        let scale = max(1, S.maxAbs)
        guard smallest >= -1e-12 * scale else {
            throw InputError(field, "\(what) is not positive semi-definite (smallest eigenvalue \(smallest)); no vectors have these overlaps. Fix the values so that S is a Gram matrix")
        }
    }

    /// A teacher's overlaps (`--teacher`, a study's `teacher:`), which may give only the
    /// loss-visible ones: each overlap at most once, and the given ones realisable. Checked
    /// on the block of the vectors whose overlaps with each other are all given (all of S
    /// when every overlap is given), which must be positive semi-definite: a necessary
    /// condition for vectors to exist. Unknown names are left to `TeacherTask`.
    public static func checkTeacher(_ given: [String: Double], layout: VectorLayout) throws {
        let D = layout.dimension
        var S = Matrix(rows: D, cols: D)
        var known = Set<Int>()
        for (name, value) in given {
            guard let (a, b) = layout.pair(ofOverlap: name) else { continue }
            guard known.insert(a * D + b).inserted else {
                throw InputError(.teacher, "overlap \(layout.vectorNames[a]).\(layout.vectorNames[b]) is given twice")
            }
            known.insert(b * D + a)
            S[a, b] = value; S[b, a] = value
        }
        var block: [Int] = []
        for a in 0..<D where known.contains(a * D + a) && block.allSatisfy({ known.contains(a * D + $0) }) { block.append(a) }
        let names = block.map { layout.vectorNames[$0] }.joined(separator: ", ")
        try requirePositiveSemiDefinite(S.selecting(rows: block, cols: block), field: .teacher,
                                        what: "the teacher's overlap matrix of \(names)")
    }
}

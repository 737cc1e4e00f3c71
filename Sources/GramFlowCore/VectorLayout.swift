/// The canonical order of the network's vectors, [m_1..m_K, u_1..u_R, v_1..v_R, z_1..z_O],
/// and the names of the D(D+1)/2 overlaps σ_ab = a·b/N, a ≤ b in that order
/// (`m1.m1`, `m1.u1`, …, `v1.z1`, `z1.z1`).
public struct VectorLayout: Equatable, Sendable {
    public let inputs: Int, rank: Int, outputs: Int

    public init(inputs: Int, rank: Int, outputs: Int) {
        precondition(inputs >= 1 && rank >= 1 && outputs >= 1)
        self.inputs = inputs; self.rank = rank; self.outputs = outputs
    }

    /// D = K + 2R + O, the number of vectors.
    public var dimension: Int { inputs + 2 * rank + outputs }

    /// Column index of m_k, u_r, v_r, z_o (0-based k, r, o).
    public func m(_ k: Int) -> Int { k }
    public func u(_ r: Int) -> Int { inputs + r }
    public func v(_ r: Int) -> Int { inputs + rank + r }
    public func z(_ o: Int) -> Int { inputs + 2 * rank + o }

    public var mIndices: [Int] { (0..<inputs).map(m) }
    public var uIndices: [Int] { (0..<rank).map(u) }
    public var vIndices: [Int] { (0..<rank).map(v) }
    public var zIndices: [Int] { (0..<outputs).map(z) }

    /// The latent basis E = [u_1..u_R, m_1..m_K]: h_t = Σ κ_r u_r + Σ ξ_k m_k (docs/theory.md §3).
    public var basisIndices: [Int] { uIndices + mIndices }

    /// Vector names in canonical order: m1.., u1.., v1.., z1...
    public var vectorNames: [String] {
        (1...inputs).map { "m\($0)" } + (1...rank).map { "u\($0)" }
            + (1...rank).map { "v\($0)" } + (1...outputs).map { "z\($0)" }
    }

    /// Index pairs (a, b), a ≤ b, of the distinct overlaps, row by row.
    public var overlapPairs: [(Int, Int)] {
        var pairs: [(Int, Int)] = []
        for a in 0..<dimension { for b in a..<dimension { pairs.append((a, b)) } }
        return pairs
    }

    /// Overlap names `a.b` in the order of `overlapPairs`.
    public var overlapNames: [String] {
        let names = vectorNames
        return overlapPairs.map { "\(names[$0.0]).\(names[$0.1])" }
    }

    /// The index of a vector by name (`u2`), or nil.
    public func index(ofVector name: String) -> Int? { vectorNames.firstIndex(of: name) }

    /// The (a, b) indices of an overlap named `a.b` or `b.a`, or nil.
    public func pair(ofOverlap name: String) -> (Int, Int)? {
        let parts = name.split(separator: ".")
        guard parts.count == 2, let a = index(ofVector: String(parts[0])),
              let b = index(ofVector: String(parts[1])) else { return nil }
        return (min(a, b), max(a, b))
    }
}

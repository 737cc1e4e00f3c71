import GramFlowCore

/// A vector of the network by role and 1-based index: m1, u2, v1, z1.
///
/// Ordered as the canonical layout orders them (all m's, then u's, v's, z's), so
/// that sorting symbols sorts overlaps in `VectorLayout.overlapNames` order.
public struct VectorName: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The four roles: inputs m_k, left vectors u_r, right vectors v_r, readouts z_o.
    public enum Role: Int, Comparable, Sendable, CaseIterable {
        case m, u, v, z
        public static func < (a: Role, b: Role) -> Bool { a.rawValue < b.rawValue }
        public var letter: String { ["m", "u", "v", "z"][rawValue] }
    }

    public let role: Role
    /// 1-based, as in the overlap names (`m1`).
    public let index: Int

    public init(_ role: Role, _ index: Int) {
        precondition(index >= 1 && index < 4096, "vector index \(index) out of range 1..<4096")
        self.role = role; self.index = index
    }

    public static func < (a: VectorName, b: VectorName) -> Bool { a.ordinal < b.ordinal }

    /// role·4096 + index: the sort key, and how `Symbol` packs a vector.
    var ordinal: Int { role.rawValue << 12 | index }

    init(ordinal: Int) { self.init(Role(rawValue: ordinal >> 12)!, ordinal & 0xfff) }

    /// "m1"
    public var description: String { "\(role.letter)\(index)" }
}

extension VectorLayout {
    /// The vectors in canonical order, [m1..mK, u1..uR, v1..vR, z1..zO], matching `vectorNames`.
    public var vectors: [VectorName] {
        (1...inputs).map { VectorName(.m, $0) } + (1...rank).map { VectorName(.u, $0) }
            + (1...rank).map { VectorName(.v, $0) } + (1...outputs).map { VectorName(.z, $0) }
    }
}

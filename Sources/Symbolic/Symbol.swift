/// A named indeterminate of the derivations.
///
/// Overlaps σ_ab = a·b/N and loss gradients g_ab = ∂L/∂σ_ab (a ≤ b, σ_ab counted
/// once), the learning rate η, the Euler factor α = dt/τ, the latent variables
/// κ_r, ξ_k and inputs x_k at time t or t−1, and the opaque Gaussian mean
/// ⟨φ'⟩(Δ) = ∫Dz φ'(√Δ z) at time t or t−1.
///
/// Packed into one integer whose order is the canonical order (kind, then
/// vectors or index, then time), so that comparing and hashing are cheap and
/// every printed polynomial comes out in the same order.
public struct Symbol: Hashable, Comparable, Sendable {
    /// What a symbol stands for. The order of the cases is the order of factors in a printed monomial.
    public enum Kind: Int, Sendable {
        case eta, alpha, meanSlope, overlap, gradient, kappa, xi, input
    }

    /// Which time step a latent symbol refers to.
    public enum Time: Int, Sendable {
        case previous, current
    }

    let key: UInt64

    private init(_ kind: Kind, _ first: Int = 0, _ second: Int = 0, _ time: Time = .current) {
        key = UInt64(kind.rawValue) << 56 | UInt64(first) << 32 | UInt64(second) << 8 | UInt64(time.rawValue)
    }

    /// η, the learning rate.
    public static let eta = Symbol(.eta)
    /// α = dt/τ, the Euler leak factor.
    public static let alpha = Symbol(.alpha)
    /// ⟨φ'⟩(Δ) = ∫Dz φ'(√Δ z) at time t or t−1, an opaque function of Δ.
    public static func meanSlope(_ time: Time) -> Symbol { Symbol(.meanSlope, 0, 0, time) }
    /// σ_ab = a·b/N (symmetric: the pair is sorted).
    public static func overlap(_ a: VectorName, _ b: VectorName) -> Symbol {
        Symbol(.overlap, min(a, b).ordinal, max(a, b).ordinal)
    }
    /// g_ab = ∂L/∂σ_ab with σ_ab counted once (the pair is sorted).
    public static func gradient(_ a: VectorName, _ b: VectorName) -> Symbol {
        Symbol(.gradient, min(a, b).ordinal, max(a, b).ordinal)
    }
    /// κ_r, the coordinate of h along u_r (1-based r).
    public static func kappa(_ r: Int, _ time: Time) -> Symbol { Symbol(.kappa, r, 0, time) }
    /// ξ_k, the coordinate of h along m_k (1-based k).
    public static func xi(_ k: Int, _ time: Time) -> Symbol { Symbol(.xi, k, 0, time) }
    /// x_k, the k-th input (1-based k).
    public static func input(_ k: Int, _ time: Time) -> Symbol { Symbol(.input, k, 0, time) }

    public var kind: Kind { Kind(rawValue: Int(key >> 56))! }
    public var time: Time { Time(rawValue: Int(key & 0xff))! }
    /// The two vectors of an overlap or gradient symbol, in canonical order.
    public var vectors: (VectorName, VectorName) {
        precondition(kind == .overlap || kind == .gradient, "\(kind) has no vectors")
        return (VectorName(ordinal: Int(key >> 32 & 0xffffff)), VectorName(ordinal: Int(key >> 8 & 0xffffff)))
    }
    /// The 1-based index of κ, ξ or x.
    public var index: Int { Int(key >> 32 & 0xffffff) }

    /// `a.b`, the overlap naming of the project, for σ_ab and g_ab.
    public var pairName: String { let (a, b) = vectors; return "\(a).\(b)" }

    public static func < (a: Symbol, b: Symbol) -> Bool { a.key < b.key }
}

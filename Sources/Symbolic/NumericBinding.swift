import GramFlowCore
import GramFlowNumerics

/// Numbers for the symbols of a layout, to evaluate derived equations at a state:
/// σ_ab = S_ab, g_aa = G_aa and g_ab = 2 G_ab for a ≠ b (docs/theory.md §4: G_ab = ½ g_ab),
/// η, and optionally α, the latent variables and ⟨φ'⟩.
public struct NumericBinding {
    public let layout: VectorLayout
    public let S: Matrix
    public let G: Matrix
    public let eta: Double
    /// Values of the other symbols (α, κ, ξ, x, ⟨φ'⟩); a symbol missing here is a programmer error.
    public var others: [Symbol: Double]

    public init(layout: VectorLayout, S: Matrix, G: Matrix, eta: Double, others: [Symbol: Double] = [:]) {
        precondition(S.rows == layout.dimension && S.cols == layout.dimension && G.rows == S.rows && G.cols == S.cols)
        self.layout = layout; self.S = S; self.G = G; self.eta = eta; self.others = others
        positions = Dictionary(uniqueKeysWithValues: layout.vectors.enumerated().map { ($0.element, $0.offset) })
    }

    private let positions: [VectorName: Int]

    /// The number bound to `s`.
    public func value(_ s: Symbol) -> Double {
        switch s.kind {
        case .eta: return eta
        case .overlap, .gradient:
            let (a, b) = s.vectors
            let i = positions[a]!, j = positions[b]!
            if s.kind == .overlap { return S[i, j] }
            return i == j ? G[i, i] : 2 * G[i, j]
        default:
            guard let v = others[s] else { preconditionFailure("no value bound to \(Notation.sympy.name(s))") }
            return v
        }
    }

    /// p evaluated at these numbers.
    public func evaluate(_ p: Polynomial) -> Double { p.evaluate(value) }
}

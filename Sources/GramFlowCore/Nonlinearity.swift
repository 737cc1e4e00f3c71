import RealModule

/// The pointwise nonlinearity φ of the network (and the readout ψ = φ when nonlinear).
///
/// `erf` is erf(√π x / 2), scaled to slope 1 at 0.
public enum Nonlinearity: String, CaseIterable, Codable, Sendable {
    case linear, tanh, erf, relu

    /// φ(x)
    @inlinable
    public func value(_ x: Double) -> Double {
        switch self {
        case .linear: return x
        case .tanh: return Double.tanh(x)
        case .erf: return Double.erf(Nonlinearity.erfScale * x)
        case .relu: return max(0, x)
        }
    }

    /// φ'(x)
    @inlinable
    public func derivative(_ x: Double) -> Double {
        switch self {
        case .linear: return 1
        case .tanh: let t = Double.tanh(x); return 1 - t * t
        case .erf: return Double.exp(-Double.pi * x * x / 4)  // d/dx erf(√π x/2) = e^{-πx²/4}
        case .relu: return x > 0 ? 1 : 0
        }
    }

    /// φ‴(x), which gives the Δ-derivative of the Gaussian gain through the heat
    /// identity d⟨φ'⟩/dΔ = ½⟨φ‴⟩. Zero almost everywhere for linear and relu.
    @inlinable
    public func thirdDerivative(_ x: Double) -> Double {
        switch self {
        case .linear, .relu: return 0
        case .tanh: let t = Double.tanh(x), s = 1 - t * t; return s * (6 * t * t - 2)
        case .erf: return (Double.pi * Double.pi * x * x / 4 - Double.pi / 2) * Double.exp(-Double.pi * x * x / 4)
        }
    }

    /// Whether the Gaussian gain ⟨φ'⟩(Δ) varies with Δ: then the loss depends on the
    /// basis block S_EE through Δ = cᵀ S_EE c (docs/theory.md §6). Not for linear (gain 1)
    /// nor relu (gain ½ at every Δ).
    public var gainDependsOnVariance: Bool { self == .tanh || self == .erf }

    /// √π / 2, the argument scale of the `erf` nonlinearity.
    public static let erfScale = Double.pi.squareRoot() / 2

    public var isLinear: Bool { self == .linear }
}

import GramFlowCore
import GramFlowNumerics

/// φ and φ' over a block of neurons, vectorised (`VectorMath`, SLEEF, ≤ 2 ulp from libm),
/// never evaluating φ twice: tanh' = 1 − φ² from the φ already computed, erf's
/// φ' = exp(−πh²/4) alongside φ in one call.
extension Nonlinearity {
    /// phi_i = φ(h_i), i < n (not called for linear φ, where φ(h) is h itself).
    @inline(__always)
    func values(_ h: UnsafePointer<Double>, into phi: UnsafeMutablePointer<Double>, count n: Int) {
        switch self {
        case .linear: phi.update(from: h, count: n)
        case .tanh: VectorMath.tanh(h, into: phi, count: n)
        case .erf: VectorMath.erf(h, scale: Nonlinearity.erfScale, into: phi, slope: nil, count: n)
        case .relu: for i in 0..<n { phi[i] = max(0, h[i]) }
        }
    }

    /// slope_i = φ'(h_i), given h and φ(h) for the same neurons.
    @inline(__always)
    func slopes(_ h: UnsafePointer<Double>, values phi: UnsafePointer<Double>,
                into slope: UnsafeMutablePointer<Double>, count n: Int) {
        switch self {
        case .linear: for i in 0..<n { slope[i] = 1 }
        case .tanh: for i in 0..<n { slope[i] = 1 - phi[i] * phi[i] }
        case .erf: VectorMath.erf(h, scale: Nonlinearity.erfScale, into: nil, slope: slope, count: n)
        case .relu: for i in 0..<n { slope[i] = h[i] > 0 ? 1 : 0 }
        }
    }

    /// φ(h_i) and φ'(h_i) together.
    @inline(__always)
    func valuesAndSlopes(_ h: UnsafePointer<Double>, into phi: UnsafeMutablePointer<Double>,
                         slopes slope: UnsafeMutablePointer<Double>, count n: Int) {
        switch self {
        case .erf: VectorMath.erf(h, scale: Nonlinearity.erfScale, into: phi, slope: slope, count: n)
        default:
            values(h, into: phi, count: n)
            slopes(h, values: phi, into: slope, count: n)
        }
    }
}

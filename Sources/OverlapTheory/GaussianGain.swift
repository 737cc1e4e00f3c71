import Foundation
import GramFlowCore
import GramFlowNumerics

/// The Gaussian gain of the closure (docs/theory.md §3),
///
///     F(Δ) = ⟨φ'⟩(Δ) = E[φ'(√Δ z)],      F'(Δ) = ½ ⟨φ'''⟩(Δ)  (heat identity),
///
/// in closed form where one exists (linear: 1; erf(√π x/2): (1 + πΔ/2)^{−1/2};
/// relu: ½) and otherwise (tanh) from a `GainTable` built by adaptive quadrature.
public final class GaussianGain: @unchecked Sendable {
    public let nonlinearity: Nonlinearity
    private let table: GainTable?

    /// The gain of φ; tanh shares one table per process, built on first use.
    public static func of(_ nonlinearity: Nonlinearity) throws -> GaussianGain {
        switch nonlinearity {
        case .tanh: return try tanh()
        default: return GaussianGain(nonlinearity: nonlinearity, table: nil)
        }
    }

    private static let sharedTanh: Result<GaussianGain, Error> = Result {
        let phi = Nonlinearity.tanh
        let table = try GainTable(derivative: phi.derivative, thirdDerivative: phi.thirdDerivative)
        return GaussianGain(nonlinearity: .tanh, table: table)
    }

    private static func tanh() throws -> GaussianGain { try sharedTanh.get() }

    init(nonlinearity: Nonlinearity, table: GainTable?) {
        self.nonlinearity = nonlinearity
        self.table = table
    }

    /// (F(Δ), F'(Δ)) for Δ ≥ 0.
    @inlinable
    public func callAsFunction(_ delta: Double) -> (value: Double, derivative: Double) {
        evaluate(delta)
    }

    /// (F(Δ_i), F'(Δ_i)) for i < count, into `value` and `derivative`; `derivative` may be `delta`
    /// itself. For erf four entries at a time in SIMD (a square root and two divisions each,
    /// every operation rounded as in the scalar form, so the numbers are the same bits; the
    /// scalar square root would also check its sign for errno, which keeps it from vectorising).
    public func evaluate(_ delta: UnsafePointer<Double>, value: UnsafeMutablePointer<Double>,
                         derivative: UnsafeMutablePointer<Double>, count: Int) {
        switch nonlinearity {
        case .erf:
            typealias V = SIMD4<Double>
            let pi = V(repeating: Double.pi), slope = V(repeating: -Double.pi / 4)
            var i = 0
            while i + 4 <= count {
                let d = UnsafeRawPointer(delta + i).loadUnaligned(as: V.self)
                let base = 1 + pi * d / 2
                let v = 1 / base.squareRoot()
                UnsafeMutableRawPointer(value + i).storeBytes(of: v, as: V.self)
                UnsafeMutableRawPointer(derivative + i).storeBytes(of: slope * v / base, as: V.self)
                i += 4
            }
            for j in i..<count { (value[j], derivative[j]) = evaluate(delta[j]) }
        default:
            for i in 0..<count { (value[i], derivative[i]) = evaluate(delta[i]) }
        }
    }

    @usableFromInline
    func evaluate(_ delta: Double) -> (value: Double, derivative: Double) {
        switch nonlinearity {
        case .linear: return (1, 0)
        case .relu: return (0.5, 0)
        case .erf:
            let base = 1 + Double.pi * delta / 2
            let value = 1 / base.squareRoot()
            return (value, -Double.pi / 4 * value / base)
        case .tanh: return table!(delta)
        }
    }
}

/// F(Δ) = E[f(√Δ z)] and F'(Δ) = ½E[f''(√Δ z)] tabulated on u = log(1 + Δ) with
/// cubic Hermite interpolation, for a smooth even f (here f = φ').
///
/// Accuracy: the interpolation error is ≤ h⁴/384 · max|d⁴F/du⁴| with h the node
/// spacing in u; with the defaults (Δ ≤ 10⁴, 4096 intervals) the tests measure
/// |F_table − F| ≤ 1e-11 and relative |F'_table − F'| ≤ 1e-7 against direct
/// quadrature. Past the table, F and F' come from direct quadrature (slower, 1e-12).
/// The derivative returned is the interpolant's own, so the loss and its adjoint
/// gradient stay exactly consistent.
public final class GainTable: @unchecked Sendable {
    public let maxVariance: Double
    private let h: Double
    private let values: [Double]      // F(Δ_i)
    private let slopes: [Double]      // dF/du at u_i = F'(Δ_i)(1 + Δ_i)
    private let f: @Sendable (Double) -> Double
    private let fSecond: @Sendable (Double) -> Double
    private let lock = NSLock()
    private let fallback = GaussianExpectation()

    public init(derivative f: @escaping @Sendable (Double) -> Double,
                thirdDerivative fSecond: @escaping @Sendable (Double) -> Double,
                maxVariance: Double = 1e4, intervals: Int = 4096) throws {
        self.f = f
        self.fSecond = fSecond
        self.maxVariance = maxVariance
        let uMax = Foundation.log1p(maxVariance)
        h = uMax / Double(intervals)
        let quadrature = GaussianExpectation()
        var values: [Double] = [], slopes: [Double] = []
        for i in 0...intervals {
            let delta = i == intervals ? maxVariance : Foundation.expm1(Double(i) * uMax / Double(intervals))
            values.append(try quadrature.expectation(variance: delta, f).value)
            slopes.append(0.5 * (try quadrature.expectation(variance: delta, fSecond).value) * (1 + delta))
        }
        self.values = values
        self.slopes = slopes
    }

    /// (F(Δ), F'(Δ)).
    public func callAsFunction(_ delta: Double) -> (value: Double, derivative: Double) {
        let u = Foundation.log1p(max(delta, 0))
        let position = u / h
        let i = Int(position)
        guard i < values.count - 1 else { return direct(delta) }
        // Cubic Hermite on [u_i, u_{i+1}] in t ∈ [0, 1].
        let t = position - Double(i)
        let p0 = values[i], p1 = values[i + 1], m0 = slopes[i] * h, m1 = slopes[i + 1] * h
        let t2 = t * t, t3 = t2 * t
        let value = (2 * t3 - 3 * t2 + 1) * p0 + (t3 - 2 * t2 + t) * m0 + (-2 * t3 + 3 * t2) * p1 + (t3 - t2) * m1
        let dValueDt = (6 * t2 - 6 * t) * p0 + (3 * t2 - 4 * t + 1) * m0 + (-6 * t2 + 6 * t) * p1 + (3 * t2 - 2 * t) * m1
        // dF/dΔ = (dF/dt)(dt/du)(du/dΔ) = dValueDt / h / (1 + Δ)
        return (value, dValueDt / h / (1 + max(delta, 0)))
    }

    /// Direct quadrature past the table (rare: Δ > maxVariance).
    private func direct(_ delta: Double) -> (value: Double, derivative: Double) {
        lock.lock(); defer { lock.unlock() }
        let value = (try? fallback.expectation(variance: delta, f).value) ?? .nan
        let derivative = (try? fallback.expectation(variance: delta, fSecond).value).map { 0.5 * $0 } ?? .nan
        return (value, derivative)
    }
}

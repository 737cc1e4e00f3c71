import GramFlowCore
import GramFlowNumerics

/// The latent vector field of the reduced dynamics under a constant input x
/// (docs/theory.md §3, continuous-time form; the Euler map's multipliers are 1 + αλ):
///
///     κ̇ = f(κ) = −κ + F(Δ) (S_vu κ + S_vm x),     Δ = cᵀ S_EE c,  c = (κ, x),
///
/// with (S_vu)_{rs} = σ_{v_r u_s}, (S_vm)_{rk} = σ_{v_r m_k}, E = [u…, m…] and
/// F(Δ) = ⟨φ'⟩(Δ) the Gaussian gain. The input coordinates ξ relax to x and are
/// not part of the state. Derivatives, with g = S_vu κ + S_vm x and b = 2 S_uE c
/// (so ∂Δ/∂κ = b):
///
///     Df = −I + F S_vu + F'(Δ) g bᵀ
///     D²f[p,p] = 2F'(Δ)(bᵀp) S_vu p + [F''(Δ)(bᵀp)² + 2F'(Δ) pᵀS_uu p] g.
public struct LatentVectorField: Sendable {
    public let layout: VectorLayout
    public let gain: GaussianGain
    public let input: [Double]
    /// R×R, R×K, R×R, R×K blocks of S.
    public let svu: Matrix, svm: Matrix, suu: Matrix, sum: Matrix
    /// xᵀ S_mm x, fixed by the input.
    public let inputVariance: Double

    public init(overlaps S: Matrix, spec: ModelSpec, gain: GaussianGain, input: [Double]) {
        let l = spec.layout
        precondition(S.rows == l.dimension && input.count == l.inputs)
        layout = l; self.gain = gain; self.input = input
        svu = S.selecting(rows: l.vIndices, cols: l.uIndices)
        svm = S.selecting(rows: l.vIndices, cols: l.mIndices)
        suu = S.selecting(rows: l.uIndices, cols: l.uIndices)
        sum = S.selecting(rows: l.uIndices, cols: l.mIndices)
        let smm = S.selecting(rows: l.mIndices, cols: l.mIndices)
        inputVariance = (0..<l.inputs).reduce(0.0) { acc, k in
            acc + (0..<l.inputs).reduce(0.0) { $0 + input[k] * smm[k, $1] * input[$1] }
        }
    }

    public var rank: Int { layout.rank }

    private func times(_ a: Matrix, _ x: [Double]) -> [Double] {
        (0..<a.rows).map { i in (0..<a.cols).reduce(0.0) { $0 + a[i, $1] * x[$1] } }
    }

    /// Δ(κ), g(κ) = S_vu κ + S_vm x and b(κ) = 2(S_uu κ + S_um x).
    func parts(_ kappa: [Double]) -> (delta: Double, g: [Double], b: [Double]) {
        let uu = times(suu, kappa), um = times(sum, input)
        let g = zip(times(svu, kappa), times(svm, input)).map(+)
        let b = zip(uu, um).map { 2 * ($0 + $1) }
        let delta = (0..<rank).reduce(0.0) { $0 + kappa[$1] * (uu[$1] + 2 * um[$1]) } + inputVariance
        return (max(delta, 0), g, b)
    }

    /// f(κ).
    public func value(_ kappa: [Double]) -> [Double] {
        let (delta, g, _) = parts(kappa)
        let F = gain(delta).value
        return (0..<rank).map { -kappa[$0] + F * g[$0] }
    }

    /// Df(κ), R×R.
    public func jacobian(_ kappa: [Double]) -> Matrix {
        let (delta, g, b) = parts(kappa)
        let (F, dF) = gain(delta)
        var j = Matrix(rows: rank, cols: rank)
        for r in 0..<rank { for s in 0..<rank {
            j[r, s] = (r == s ? -1 : 0) + F * svu[r, s] + dF * g[r] * b[s]
        } }
        return j
    }

    /// D²f(κ)[p, p]. Needs F''(Δ), available in closed form for linear, relu and erf.
    ///
    /// - Throws: `InputError` (field `nonlinearity`) for tanh, whose F'' has no closed form here.
    public func secondDerivative(_ kappa: [Double], along p: [Double]) throws(InputError) -> [Double] {
        let (delta, g, b) = parts(kappa)
        let dF = gain(delta).derivative
        let d2F = try gainSecondDerivative(delta)
        let bp = zip(b, p).reduce(0) { $0 + $1.0 * $1.1 }
        let pSp = zip(p, times(suu, p)).reduce(0) { $0 + $1.0 * $1.1 }
        let svup = times(svu, p)
        return (0..<rank).map { 2 * dF * bp * svup[$0] + (d2F * bp * bp + 2 * dF * pSp) * g[$0] }
    }

    /// F''(Δ): 0 for linear and relu; erf(√π x/2): (3π²/16)(1 + πΔ/2)^{−5/2}.
    public func gainSecondDerivative(_ delta: Double) throws(InputError) -> Double {
        switch gain.nonlinearity {
        case .linear, .relu: return 0
        case .erf:
            let base = 1 + Double.pi * delta / 2
            return 3 * Double.pi * Double.pi / 16 / (base * base * base.squareRoot())
        case .tanh:
            throw InputError(.phi, "the saddle-node coefficient needs F''(Δ) in closed form; use erf, linear or relu")
        }
    }
}

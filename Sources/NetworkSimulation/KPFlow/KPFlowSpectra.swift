import GramFlowNumerics

/// Which KPFlow operator a spectrum belongs to.
public enum KPFlowOperator: String, CaseIterable, Sendable {
    /// P: singular values σ (eigenvalues σ² of P P*), P is not symmetric.
    case propagation = "P"
    /// K = Jθ Jθᵀ (through Jθᵀ Jθ).
    case parameterOperator = "K"
    /// Θ = P K P* = J Jᵀ, the state-space NTK (through JᵀJ).
    case ntk = "ntk"
    /// JᵀJ, the parameter-side NTK (the same non-zero spectrum as Θ; its vectors are parameter directions).
    case parameterNTK = "parameter-ntk"
}

/// The top-k spectrum of one KPFlow operator with its true residuals and effective rank.
public struct OperatorSpectrum: Sendable {
    public var kind: KPFlowOperator
    /// Eigenvalues, largest first (singular values for P).
    public var values: [Double]
    /// True residuals divided by |value_j|: state-space ‖Θu − λu‖/λ for Θ and K, parameter-side
    /// ‖JᵀJv − λv‖/λ for JᵀJ, (‖Pv − σu‖² + ‖P*u − σv‖²)^½/σ for P.
    public var relativeResiduals: [Double]
    /// Effective rank of the PSD operator (P P* for P; the spectrum is of σ² there).
    public var summary: SpectrumSummary
    /// Unit state-space eigenfunctions (left singular vectors for P), (batch, time, neuron) flattened.
    public var eigenfunctions: [[Double]]
    public var seconds: Double
}

/// Options of a KPFlow spectral analysis.
public struct KPFlowSpectraOptions: Sendable {
    public var count: Int
    public var method: SpectralMethod
    /// Lanczos steps / randomized power iterations (nil: the solver's default).
    public var steps: Int?
    /// Eigenfunctions formed per operator.
    public var eigenfunctions: Int
    /// Products per Hutch++ trace (exact traces when the operator's small side is no larger).
    public var traceProducts: Int
    public var seed: UInt64

    public init(count: Int = 10, method: SpectralMethod = .lanczos, steps: Int? = nil, eigenfunctions: Int = 3,
                traceProducts: Int = 60, seed: UInt64 = 1) {
        self.count = count; self.method = method; self.steps = steps; self.eigenfunctions = eigenfunctions
        self.traceProducts = traceProducts; self.seed = seed
    }
}

extension RecurrentOperators {
    /// Top-k spectrum of one KPFlow operator (matrix-free; generic, so dense and gated
    /// networks plug in). Θ and JᵀJ share one solve: ask for both with `spectra(_:options:)`.
    public func spectra(_ kinds: [KPFlowOperator], options o: KPFlowSpectraOptions) throws -> [OperatorSpectrum] {
        var out: [OperatorSpectrum] = []
        var ntkSolve: (GramFactorSpectrum, Double)?
        func ntkSpectrum() throws -> (GramFactorSpectrum, Double) {
            if let ntkSolve { return ntkSolve }
            let start = ContinuousClock.now
            let s = try GramFactorSpectrum(count: min(o.count, parameterCount), parameters: parameterCount, method: o.method,
                                           steps: o.steps, eigenfunctions: o.eigenfunctions, random: RandomSource(seed: o.seed),
                                           factor: sensitivity, factorTranspose: sensitivityTranspose)
            ntkSolve = (s, seconds(since: start))
            return ntkSolve!
        }
        for kind in kinds {
            let start = ContinuousClock.now
            switch kind {
            case .propagation:
                let k = min(o.count, tensorCount)
                let t = try SingularTriplets.top(k, rows: tensorCount, columns: tensorCount, method: o.method, steps: o.steps,
                                                 random: RandomSource(seed: o.seed), apply: propagate, applyTranspose: propagateAdjoint)
                let summary = try SpectrumSummary(top: t.values.map { $0 * $0 }, dimension: tensorCount, budget: o.traceProducts,
                                                  random: RandomSource(seed: o.seed &+ 1)) { propagate(propagateAdjoint($0)) }
                out.append(OperatorSpectrum(kind: kind, values: t.values, relativeResiduals: relative(t.residuals, t.values),
                                            summary: summary, eigenfunctions: Array(t.left.prefix(o.eigenfunctions)),
                                            seconds: seconds(since: start)))
            case .parameterOperator:
                let s = try GramFactorSpectrum(count: min(o.count, parameterCount), parameters: parameterCount, method: o.method,
                                               steps: o.steps, eigenfunctions: o.eigenfunctions, random: RandomSource(seed: o.seed),
                                               factor: parameterJacobian, factorTranspose: parameterJacobianTranspose)
                let summary = try SpectrumSummary(top: s.values, dimension: parameterCount, budget: o.traceProducts,
                                                  random: RandomSource(seed: o.seed &+ 1)) { parameterJacobianTranspose(parameterJacobian($0)) }
                out.append(OperatorSpectrum(kind: kind, values: s.values, relativeResiduals: relative(s.stateResiduals, s.values),
                                            summary: summary, eigenfunctions: s.eigenfunctions, seconds: seconds(since: start)))
            case .ntk, .parameterNTK:
                let (s, solveSeconds) = try ntkSpectrum()
                let summaryStart = ContinuousClock.now
                let summary = try SpectrumSummary(top: s.values, dimension: parameterCount, budget: o.traceProducts,
                                                  random: RandomSource(seed: o.seed &+ 1), apply: parameterGram)
                let residuals = kind == .ntk ? s.stateResiduals : s.parameterResiduals
                out.append(OperatorSpectrum(kind: kind, values: s.values, relativeResiduals: relative(residuals, s.values),
                                            summary: summary, eigenfunctions: kind == .ntk ? s.eigenfunctions : [],
                                            seconds: solveSeconds + seconds(since: summaryStart)))
            }
        }
        return out
    }

    private func relative(_ residuals: [Double], _ values: [Double]) -> [Double] {
        zip(residuals, values).map { $0 / max(abs($1), .leastNormalMagnitude) }
    }
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

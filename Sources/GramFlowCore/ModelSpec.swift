/// The architecture of a low-rank RNN (docs/theory.md §1):
///
///     h_t = h_{t−1} + α(−h_{t−1} + Σ_r u_r (v_r·φ(h_{t−1}))/N + Σ_k m_k x_{k,t−1}),  h_0 = 0,
///     y_{o,t} = z_o·ψ(h_t)/N,   α = dt/τ,
///
/// with K inputs, rank R and O outputs. ψ = identity for a linear network, φ otherwise.
public struct ModelSpec: Codable, Equatable, Sendable {
    /// K, the number of input vectors m_k.
    public var inputs: Int
    /// R, the rank of the connectivity Σ_r u_r v_rᵀ / N.
    public var rank: Int
    /// O, the number of readout vectors z_o.
    public var outputs: Int
    /// Euler time step dt.
    public var dt: Double
    /// Membrane time constant τ.
    public var tau: Double
    /// φ (and ψ when not linear).
    public var nonlinearity: Nonlinearity

    public init(inputs: Int = 1, rank: Int = 1, outputs: Int = 1, dt: Double = 0.05,
                tau: Double = 1, nonlinearity: Nonlinearity = .linear) {
        self.inputs = inputs; self.rank = rank; self.outputs = outputs
        self.dt = dt; self.tau = tau; self.nonlinearity = nonlinearity
    }

    /// One name per parameter in the CLI, run.json and study files: `phi`.
    private enum CodingKeys: String, CodingKey {
        case inputs, rank, outputs, dt, tau
        case nonlinearity = "phi"
    }

    /// α = dt / τ, the Euler leak factor.
    public var alpha: Double { dt / tau }

    /// The vector layout [m_1..m_K, u_1..u_R, v_1..v_R, z_1..z_O].
    public var layout: VectorLayout { VectorLayout(inputs: inputs, rank: rank, outputs: outputs) }

    /// Checks every field; the error names the field and the fix.
    public func validate() throws(InputError) {
        guard rank >= 1 else { throw InputError(.rank, "must be at least 1 (got \(rank))") }
        guard inputs >= 1 else { throw InputError(.inputs, "must be at least 1 (got \(inputs))") }
        guard outputs >= 1 else { throw InputError(.outputs, "must be at least 1 (got \(outputs))") }
        guard dt.isFinite && dt > 0 else { throw InputError(.dt, "must be a positive number (got \(dt))") }
        guard tau.isFinite && tau > 0 else { throw InputError(.tau, "must be a positive number (got \(tau))") }
        guard alpha <= 1 else {
            throw InputError(.dt, "dt/τ = \(alpha) exceeds 1; the Euler scheme needs dt ≤ τ")
        }
    }
}

/// A bad value supplied by a user, naming the parameter it came from and what to do.
public struct InputError: Error, Equatable, CustomStringConvertible {
    public let key: ParameterKey
    public let message: String
    public init(_ key: ParameterKey, _ message: String) { self.key = key; self.message = message }
    public var description: String { "\(key.rawValue): \(message)" }
}

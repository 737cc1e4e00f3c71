import GramFlowCore

/// The reduced latent dynamics (docs/theory.md §3), written out for a layout and φ.
///
/// With h_t = Σ_r κ_{r,t} u_r + Σ_k ξ_{k,t} m_k, c = (κ, ξ) in the basis E = [u.., m..]
/// and the gain γ = ⟨φ'⟩(Δ) of `GaussianSlope`:
///
///     κ_{r,t} = (1−α) κ_{r,t−1} + α γ_{t−1} (Σ_s σ_{v_r u_s} κ_{s,t−1} + Σ_k σ_{v_r m_k} ξ_{k,t−1})
///     ξ_{k,t} = (1−α) ξ_{k,t−1} + α x_{k,t−1}
///     y_{o,t} = γ_t Σ_j c_{j,t} σ_{z_o e_j}
///     Δ_t     = Σ_ij c_{i,t} c_{j,t} σ_{e_i e_j}
///
/// Exact at every N for linear φ (γ = 1); the Gaussian closure otherwise.
public struct ReducedDynamics: Sendable {
    public let layout: VectorLayout
    public let slope: GaussianSlope
    /// Σ_j c_{j,t−1} σ_{v_r e_j}, per r: what v_r reads from the state.
    public let recurrentInputs: [Polynomial]
    /// Σ_j c_{j,t} σ_{z_o e_j}, per o: what z_o reads from the state.
    public let readoutInputs: [Polynomial]
    /// Δ_t = cᵀ S_EE c, the variance of h's entries.
    public let delta: Polynomial

    public init(layout: VectorLayout, nonlinearity: Nonlinearity) {
        self.layout = layout
        slope = GaussianSlope(nonlinearity)
        let names = layout.vectors
        let basis = layout.basisIndices.map { names[$0] }
        // c_j for basis vector e_j: κ_r for u_r, ξ_k for m_k.
        func coordinate(_ e: VectorName, _ time: Symbol.Time) -> Symbol {
            e.role == .u ? .kappa(e.index, time) : .xi(e.index, time)
        }
        func projection(_ b: VectorName, _ time: Symbol.Time) -> Polynomial {
            var p = Polynomial()
            for e in basis { p.add(Monomial([.overlap(b, e), coordinate(e, time)]), .one) }
            return p
        }
        recurrentInputs = layout.vIndices.map { projection(names[$0], .previous) }
        readoutInputs = layout.zIndices.map { projection(names[$0], .current) }
        var d = Polynomial()
        for e in basis { for f in basis { d.add(Monomial([coordinate(e, .current), coordinate(f, .current), .overlap(e, f)]), .one) } }
        delta = d
    }

    /// κ_{r,t} = (1−α) κ_{r,t−1} + α γ_{t−1} Σ_j c_{j,t−1} σ_{v_r e_j}, r = 1..R.
    public var kappaUpdates: [Polynomial] {
        recurrentInputs.enumerated().map { r, input in
            leak(Polynomial(.kappa(r + 1, .previous)), drive: slope.gain(.previous) * input)
        }
    }

    /// ξ_{k,t} = (1−α) ξ_{k,t−1} + α x_{k,t−1}, k = 1..K.
    public var xiUpdates: [Polynomial] {
        (1...layout.inputs).map { leak(Polynomial(.xi($0, .previous)), drive: Polynomial(.input($0, .previous))) }
    }

    /// y_{o,t} = γ_t Σ_j c_{j,t} σ_{z_o e_j}, o = 1..O.
    public var readouts: [Polynomial] { readoutInputs.map { slope.gain(.current) * $0 } }

    /// The overlaps the loss can depend on: those in the κ updates and the readouts,
    /// and those in Δ when the gain depends on Δ. (ξ's update has no overlap.)
    public var overlapsReachingLoss: Set<Symbol> {
        var found = Set<Symbol>()
        for p in kappaUpdates + readouts + (slope.dependsOnDelta ? [delta] : []) {
            found.formUnion(p.symbols.filter { $0.kind == .overlap })
        }
        return found
    }

    /// κ and ξ, the latent coordinates: equations print grouped by them.
    public static func isLatent(_ s: Symbol) -> Bool { s.kind == .kappa || s.kind == .xi }

    /// (1−α) state + α drive, the Euler step of a leaky unit.
    private func leak(_ state: Polynomial, drive: Polynomial) -> Polynomial {
        let alpha = Polynomial(.alpha)
        return state - alpha * state + alpha * drive
    }
}

import GramFlowNumerics

/// The Kronecker core of K for a weight-based model (the KPFlow papers' theorem):
/// when each weight W_s acts once per step on a "weight-site" variable s_{b,t}
/// (x_{t−1}, h_{t−1}, φ(h_{t−1}), 1 for a bias) and its product enters h_t through a
/// diagonal gain D_s(b,t) = ∂h_t/∂(W_s s),
///
///     K = Σ_s D_s (G_s ⊗ I_N) D_s,   G_s[(b,t),(b′,t′)] = ⟨s_{b,t}, s_{b′,t′}⟩,
///
/// with sites of several weights that share one gain summed into one Gram. The
/// (B·T)×(B·T) Grams are dense: for checks and small analyses.
public struct WeightSiteCore: Sendable {
    /// One gain and the Gram of the sites behind it.
    public struct Site: Sendable {
        public let gram: Matrix
        /// D_s on the state-tensor layout, or nil for a constant gain folded into the Gram.
        public let gain: [Double]?
        public init(gram: Matrix, gain: [Double]?) { self.gram = gram; self.gain = gain }
    }
    public let sites: [Site]
    public let neurons: Int

    public init(sites: [Site], neurons: Int) { self.sites = sites; self.neurons = neurons }

    /// K q = Σ_s D_s (G_s (D_s q)) with q read as a (B·T)×N matrix.
    public func apply(_ q: [Double]) -> [Double] {
        let n = q.count / neurons
        var out = [Double](repeating: 0, count: q.count)
        for site in sites {
            precondition(site.gram.rows == n)
            var scaled = q
            if let gain = site.gain { for j in scaled.indices { scaled[j] *= gain[j] } }
            var mixed = (site.gram * Matrix(rows: n, cols: neurons, storage: scaled)).storage
            if let gain = site.gain { for j in mixed.indices { mixed[j] *= gain[j] } }
            for j in out.indices { out[j] += mixed[j] }
        }
        return out
    }

    /// scale · S Sᵀ for the rows (b, t) of the site variables S ((B·T)×d, row-major).
    public static func gram(of sites: [Double], rows: Int, scale: Double = 1) -> Matrix {
        Matrix(rows: rows, cols: sites.count / max(rows, 1), storage: sites).transposed.gram(scale: scale)
    }
}

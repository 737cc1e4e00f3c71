/// How top eigenpairs / singular triplets of a matrix-free operator are computed:
/// `lanczos` (`LanczosEigen`, Krylov with full re-orthogonalisation) or `randomized`
/// (`RandomizedEigen` / `RandomizedSVD`, Halko–Martinsson–Tropp with power iterations).
public enum SpectralMethod: String, CaseIterable, Sendable {
    case lanczos, randomized
}

/// Top eigenpairs of a symmetric operator, whichever method found them.
public struct Eigenpairs: Sendable {
    /// Largest first.
    public var values: [Double]
    /// Unit vectors, one per value.
    public var vectors: [[Double]]
    /// True residuals ‖A v − λ v‖.
    public var residuals: [Double]
    /// Products with A taken.
    public var products: Int

    public init(values: [Double], vectors: [[Double]], residuals: [Double], products: Int) {
        self.values = values; self.vectors = vectors; self.residuals = residuals; self.products = products
    }

    /// The top-k eigenpairs of A by `method`.
    /// - Parameter steps: the Lanczos Krylov dimension, or the randomized method's power iterations.
    public static func top(_ k: Int, dimension n: Int, method: SpectralMethod, steps: Int? = nil,
                           random: RandomSource, apply: ([Double]) -> [Double]) throws -> Eigenpairs {
        var products = 0
        let counted: ([Double]) -> [Double] = { products += 1; return apply($0) }
        switch method {
        case .lanczos:
            let l = try LanczosEigen(dimension: n, count: k, steps: steps, random: random, apply: counted)
            return Eigenpairs(values: l.values, vectors: l.vectors, residuals: l.residuals, products: products)
        case .randomized:
            let r = try RandomizedEigen(dimension: n, count: k, powerIterations: steps ?? 4, random: random, apply: counted)
            return Eigenpairs(values: r.values, vectors: r.vectors, residuals: r.residuals, products: products)
        }
    }
}

/// Top singular triplets A v = σ u of a square or rectangular operator.
public struct SingularTriplets: Sendable {
    public var values: [Double]
    public var left: [[Double]]
    public var right: [[Double]]
    /// (‖A v − σ u‖² + ‖Aᵀ u − σ v‖²)^½.
    public var residuals: [Double]
    public var products: Int

    /// By Lanczos on A Aᵀ (σ² and u; v = Aᵀu/σ) or by `RandomizedSVD`.
    public static func top(_ k: Int, rows m: Int, columns n: Int, method: SpectralMethod, steps: Int? = nil,
                           random: RandomSource, apply: @escaping ([Double]) -> [Double],
                           applyTranspose: @escaping ([Double]) -> [Double]) throws -> SingularTriplets {
        switch method {
        case .randomized:
            let r = try RandomizedSVD(rows: m, columns: n, count: k, powerIterations: steps ?? 4, random: random,
                                      apply: apply, applyTranspose: applyTranspose)
            return SingularTriplets(values: r.values, left: r.left, right: r.right, residuals: r.residuals, products: r.products)
        case .lanczos:
            var products = 0
            let l = try LanczosEigen(dimension: m, count: k, steps: steps, random: random) { u in
                products += 2; return apply(applyTranspose(u))
            }
            var out = SingularTriplets(values: [], left: [], right: [], residuals: [], products: 0)
            for u in l.vectors {
                let atu = applyTranspose(u)
                let sigma = LanczosEigen.norm(atu)
                let v = atu.map { $0 / max(sigma, .leastNormalMagnitude) }
                let av = apply(v); products += 2
                let r1 = LanczosEigen.norm(zip(av, u).map { $0 - sigma * $1 })
                // Aᵀu − σv = 0 by construction of v.
                out.values.append(sigma); out.left.append(u); out.right.append(v); out.residuals.append(r1)
            }
            out.products = products
            return out
        }
    }
}

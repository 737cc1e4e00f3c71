import GramFlowNumerics

/// The top eigen-subspace of a symmetric positive semi-definite operator A that changes
/// slowly from one call to the next (the parameter-side sNTK JᵀJ along training), kept
/// between calls and refreshed by warm-started block subspace iteration with Rayleigh–Ritz:
///
///     W = A V,   H = Vᵀ W = Y Θ Yᵀ,   X = V Y,   r_j = ‖W y_j − θ_j x_j‖ / θ_j,
///     V ← orth(W Y)      (so the next refresh starts one block power step further on).
///
/// A refresh is accepted once every tracked relative residual r_1..r_k is at most
/// `tolerance` and the top Ritz value has not fallen below half its previous value (a small
/// residual alone only says the block is invariant: an old eigenvector that the top has
/// moved away from still has residual 0); it costs b = `blockSize` products A v per iteration (for the low-rank sNTK the whole
/// block is one call of `apply`: `LatentSensitivity`, four dgemm over the stored φ and φ′). After
/// `maxIterations` iterations without acceptance the subspace has rotated too far to be
/// tracked and a full Lanczos solve replaces it. The first refresh iterates from a random
/// block: with a well-separated top (near a bifurcation λ₂/λ₁ ≪ 1) a few iterations reach
/// the tolerance and no Lanczos solve is ever needed.
/// The extra b − k vectors are guards: they speed up convergence of the k tracked ones
/// (rate θ_{b+1}/θ_k instead of θ_{k+1}/θ_k) and give θ_{k+1} when it is needed (ε = λ_{k+1}).
public struct DominantSubspace: Sendable {
    /// k, the eigenpairs whose residuals decide acceptance.
    public let tracked: Int
    /// b ≥ k, the vectors kept.
    public let blockSize: Int
    /// Largest accepted relative residual ‖A x − θ x‖/θ of a tracked pair.
    public var tolerance: Double
    /// Warm iterations per refresh before the fall-back to Lanczos.
    public var maxIterations: Int
    /// The Lanczos fall-back's Krylov dimension (nil: `LanczosEigen`'s default).
    public var lanczosSteps: Int?
    /// Calls that may reuse the last refresh without products while its tracked residual is
    /// at most `tolerance`/100 (0: refresh at every call).
    public var reuseLimit: Int
    /// Consecutive reuses so far.
    public private(set) var reused = 0

    /// The b Ritz values of the last refresh, largest first.
    public private(set) var values: [Double] = []
    /// The b orthonormal Ritz vectors of the last refresh.
    public private(set) var vectors: [[Double]] = []
    /// r_j = ‖A x_j − θ_j x_j‖/θ_j of the last refresh's pairs (true residuals, not estimates).
    public private(set) var residuals: [Double] = []
    /// Block iterations of the last refresh (before a fall-back, if any).
    public private(set) var iterations = 0
    /// Whether the last refresh fell back to a full Lanczos solve.
    public private(set) var fullSolve = false
    /// Full solves so far, and products A v so far.
    public private(set) var fullSolves = 0
    public private(set) var products = 0
    /// The start of the next refresh: orth(A X) of the last one.
    private var start: [[Double]] = []
    /// θ_1 of the last accepted refresh.
    private var previousTop = 0.0

    public init(tracked k: Int, blockSize b: Int? = nil, tolerance: Double = 1e-2, maxIterations: Int = 4,
                lanczosSteps: Int? = nil, reuseLimit: Int = 0) {
        precondition(k >= 1 && (b ?? k + 1) >= k && tolerance > 0 && maxIterations >= 1 && reuseLimit >= 0)
        tracked = k; blockSize = b ?? k + 1
        self.tolerance = tolerance; self.maxIterations = maxIterations; self.lanczosSteps = lanczosSteps
        self.reuseLimit = reuseLimit
    }

    /// Whether this call may reuse the last refresh: fewer than `reuseLimit` reuses in a row and
    /// the last measured tracked residual 100× inside the tolerance. The pairs are then those of
    /// an operator a few steps old: still orthonormal, so the Woodbury inverse stays the exact
    /// inverse of a nearby positive definite matrix; the next refresh measures how far it moved.
    public mutating func reuseIfAccurate() -> Bool {
        guard !values.isEmpty && reused < reuseLimit && trackedResidual <= tolerance / 100 else { return false }
        reused += 1; iterations = 0; fullSolve = false
        return true
    }

    /// The largest relative residual of the tracked pairs after the last refresh.
    public var trackedResidual: Double { residuals.prefix(tracked).max() ?? .nan }

    /// The block the next refresh starts from (a random orthonormal block the first time).
    public mutating func start(dimension n: Int, seed: UInt64) -> [[Double]] {
        let b = min(blockSize, n)
        if start.count != b || start.first?.count != n {
            let random = RandomSource(seed: seed)
            start = Self.orthonormalized((0..<b).map { _ in random.gaussians(n) }, seed: seed)
        }
        return start
    }

    /// Forgets the subspace: the next refresh starts from a random block.
    public mutating func reset() { start = []; previousTop = 0 }

    /// Refreshes the subspace for the operator as it is now.
    /// - Parameters:
    ///   - dimension: n, the length of the vectors.
    ///   - seed: the Lanczos start of a full solve.
    ///   - firstImages: A applied to `start(dimension:seed:)` already (a caller that fuses these
    ///     products with other passes), or nil.
    ///   - apply: the block product [v_1 … v_b] ↦ [A v_1 … A v_b].
    public mutating func refresh(dimension n: Int, seed: UInt64, firstImages: [[Double]]? = nil,
                                 apply: ([[Double]]) -> [[Double]]) throws {
        let b = min(blockSize, n)
        iterations = 0; fullSolve = false; reused = 0
        do {
            var basis = start(dimension: n, seed: seed)
            while iterations < maxIterations {
                iterations += 1
                let images = iterations == 1 && firstImages?.count == b ? firstImages! : apply(basis)
                products += basis.count
                try rayleighRitz(basis, images)
                if trackedResidual <= tolerance && values[0] >= 0.5 * previousTop { previousTop = values[0]; return }
                basis = start
            }
        }
        // The subspace rotated out of reach (or the spectrum's top is too clustered): a full solve.
        fullSolve = true; fullSolves += 1
        let lanczos = try LanczosEigen(dimension: n, count: b, steps: lanczosSteps.map { max($0, b) },
                                       random: RandomSource(seed: seed), apply: { v in apply([v])[0] })
        products += lanczos.steps + lanczos.values.count
        values = lanczos.values; vectors = lanczos.vectors; previousTop = values[0]
        residuals = zip(lanczos.residuals, lanczos.values).map { $0 / max($1, .leastNormalMagnitude) }
        start = vectors
        while start.count < b { start.append(RandomSource(seed: seed &+ UInt64(start.count)).gaussians(n)) }
        start = Self.orthonormalized(start, seed: seed)
    }

    /// Rayleigh–Ritz on span(V) with W = A V: the Ritz pairs, their true residuals
    /// (A x_j = W y_j, no further product), and the next start orth(W Y).
    private mutating func rayleighRitz(_ basis: [[Double]], _ images: [[Double]]) throws {
        let b = basis.count, n = basis[0].count
        var h = Matrix(rows: b, cols: b)
        for i in 0..<b { for j in i..<b {
            let s = 0.5 * (LanczosEigen.dot(basis[i], images[j]) + LanczosEigen.dot(basis[j], images[i]))
            h[i, j] = s; h[j, i] = s
        } }
        let eigen = try SymmetricEigen(h)   // ascending
        var x: [[Double]] = [], ax: [[Double]] = [], theta: [Double] = [], r: [Double] = []
        for c in 0..<b {
            let j = b - 1 - c
            var v = [Double](repeating: 0, count: n), w = v
            for i in 0..<b {
                let y = eigen.vectors[i, j]
                basis[i].withUnsafeBufferPointer { bp in images[i].withUnsafeBufferPointer { ip in
                    for l in 0..<n { v[l] += y * bp[l]; w[l] += y * ip[l] }
                } }
            }
            let lambda = eigen.values[j]
            var res = 0.0
            for l in 0..<n { let d = w[l] - lambda * v[l]; res += d * d }
            x.append(v); ax.append(w); theta.append(lambda)
            r.append(res.squareRoot() / max(abs(lambda), .leastNormalMagnitude))
        }
        values = theta; vectors = x; residuals = r
        start = Self.orthonormalized(ax, seed: UInt64(products))
    }

    /// Two passes of modified Gram–Schmidt; a vector that vanishes (A of lower rank than b)
    /// is replaced by a random one orthogonalised against the others.
    static func orthonormalized(_ vectors: [[Double]], seed: UInt64) -> [[Double]] {
        var out: [[Double]] = []
        for (index, original) in vectors.enumerated() {
            var v = original
            let scale = LanczosEigen.norm(v)
            for attempt in 0..<3 {
                for _ in 0..<2 { for q in out {
                    let c = LanczosEigen.dot(v, q)
                    for l in v.indices { v[l] -= c * q[l] }
                } }
                let norm = LanczosEigen.norm(v)
                if norm > 1e-10 * max(scale, 1e-300) && norm > 0 {
                    for l in v.indices { v[l] /= norm }
                    break
                }
                v = RandomSource(seed: seed &+ UInt64(31 * index + attempt + 1)).gaussians(v.count)
            }
            out.append(v)
        }
        return out
    }
}

import GramFlowCore
import GramFlowNumerics

extension LowRankNetwork {
    /// Gaussian vectors, each rescaled to norm √N (the paper's choice), drawn
    /// vector by vector in canonical order from `random`.
    public static func gaussian(spec: ModelSpec, neurons: Int, random: RandomSource) -> LowRankNetwork {
        precondition(neurons >= 1)
        let D = spec.layout.dimension
        var p = Matrix(rows: neurons, cols: D)
        for j in 0..<D {
            let draw = random.gaussians(neurons)
            let scale = Double(neurons).squareRoot() / draw.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for i in 0..<neurons { p[i, j] = draw[i] * scale }
        }
        return LowRankNetwork(spec: spec, parameters: p)
    }

    /// Gaussian vectors of norm √N (`gaussian`) redrawn until balanced, as the overlap paper's
    /// flip-flop code draws them: |σ_zu − σ_vm| < tolerance and |σ_mu − σ_zv| < tolerance, with
    /// sign σ_zu = sign σ_vm and sign σ_mu = sign σ_zv. Rank 1, one input, one output. Each of
    /// these overlaps has standard deviation 1/√N, so about one draw in (0.6·√N/tolerance)²/(2π)…
    /// succeeds: some 5,000 draws at N = 600.
    /// - Returns: nil if `attempts` draws were not enough.
    public static func balanced(spec: ModelSpec, neurons: Int, random: RandomSource, tolerance: Double = 1e-3,
                                attempts: Int = 1_000_000) -> LowRankNetwork? {
        precondition(spec.rank == 1 && spec.inputs == 1 && spec.outputs == 1)
        let l = spec.layout
        for _ in 0..<attempts {
            let network = gaussian(spec: spec, neurons: neurons, random: random)
            let S = network.overlaps
            let zu = S[l.z(0), l.u(0)], vm = S[l.v(0), l.m(0)], mu = S[l.m(0), l.u(0)], zv = S[l.z(0), l.v(0)]
            if abs(zu - vm) < tolerance && abs(mu - zv) < tolerance && (zu < 0) == (vm < 0) && (mu < 0) == (zv < 0) {
                return network
            }
        }
        return nil
    }

    /// Vectors whose overlaps are exactly S: P = √N Q Λ^{1/2} Wᵀ with S = W Λ Wᵀ and
    /// Q an N×D matrix of random orthonormal columns, so PᵀP/N = S up to rounding.
    ///
    /// - Throws: `InputError` (field `overlaps`) if S is not positive semi-definite
    ///   or N < D; `NumericsError` if LAPACK fails.
    public static func realizing(overlaps S: Matrix, spec: ModelSpec, neurons: Int,
                                 random: RandomSource) throws -> LowRankNetwork {
        let D = spec.layout.dimension
        precondition(S.rows == D && S.cols == D)
        guard neurons >= D else {
            throw InputError(.neurons, "must be at least D = \(D) to realise \(D) vectors with given overlaps (got \(neurons))")
        }
        let eigen = try SymmetricEigen(S)
        let largest = max(1, eigen.values.map(abs).max() ?? 0)
        if let smallest = eigen.values.first, smallest < -1e-12 * largest {
            throw InputError(.overlaps,
                             "the overlap matrix is not positive semi-definite (smallest eigenvalue \(smallest)); no vectors have these overlaps. Fix the values so that S is a Gram matrix")
        }
        let gaussian = Matrix(rows: neurons, cols: D, storage: random.gaussians(neurons * D))
        let q = try orthonormalColumns(gaussian)
        var c = eigen.vectors.transposed  // row j: eigenvector j, scaled by √λ_j
        for j in 0..<D {
            let s = max(eigen.values[j], 0).squareRoot() * Double(neurons).squareRoot()
            for i in 0..<D { c[j, i] *= s }
        }
        return LowRankNetwork(spec: spec, parameters: q * c)
    }
}

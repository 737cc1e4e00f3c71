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

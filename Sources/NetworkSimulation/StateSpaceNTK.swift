import GramFlowCore
import GramFlowNumerics

/// The state-space NTK Θ = J Jᵀ of a finite network on (batch, time, neuron)
/// tensors, J = ∂h/∂θ over θ = (M, U, V) (docs/theory.md §9; Z does not move h).
///
/// Θ and the parameter-space Gram JᵀJ share their non-zero eigenvalues, and an
/// eigenvector v of JᵀJ gives the unit eigenvector J v/√λ of Θ. Lanczos runs on
/// the smaller parameter side (N·(K+2R) coordinates, versus B·T·N), each product
/// JᵀJ v being one forward-sensitivity pass and one backward pass (KPFlow), or, for a
/// block, one latent-coordinate pass for all of it (`LatentSensitivity`).
public struct StateSpaceNTK {
    public let operators: KPFlowOperators

    public init(network: LowRankNetwork, batch: TaskBatch) {
        operators = KPFlowOperators(network: network, batch: batch)
    }

    /// Columns of P that move h: M, U, V.
    var moving: [Int] { let l = operators.network.spec.layout; return l.mIndices + l.uIndices + l.vIndices }

    /// n_θ = N·(K + 2R).
    public var parameterCount: Int { operators.network.neurons * moving.count }

    /// Embeds a vector of moving parameters (row-major over neurons, then moving columns) as an N×D direction.
    func direction(_ v: [Double]) -> Matrix {
        let N = operators.network.neurons, D = operators.network.spec.layout.dimension, cols = moving
        var d = Matrix(rows: N, cols: D)
        for i in 0..<N { for (c, j) in cols.enumerated() { d[i, j] = v[i * cols.count + c] } }
        return d
    }

    func flatten(_ d: Matrix) -> [Double] {
        let cols = moving
        var v = [Double](repeating: 0, count: parameterCount)
        for i in 0..<d.rows { for (c, j) in cols.enumerated() { v[i * cols.count + c] = d[i, j] } }
        return v
    }

    /// JᵀJ v on the moving parameters through the B·T·N tensors (one forward-sensitivity and
    /// one backward pass of `KPFlowOperators`): the reference the block product is tested against.
    public func parameterGram(_ v: [Double]) -> [Double] {
        flatten(operators.sensitivityTranspose(operators.sensitivity(direction(v))))
    }

    /// JᵀJ on a block of vectors through latent coordinates (`LatentSensitivity`: four dgemm over
    /// the stored φ and φ′ for the whole block, no B·T·N tensor), what `DominantSubspace` and the
    /// natural gradient use.
    public func parameterGram(block: [[Double]]) -> [[Double]] {
        LatentSensitivity(operators).parameterGram(block: block.map(direction)).map(flatten)
    }
}

/// The low-rank network's operators on flat vectors of its moving parameters
/// (M, U, V; row-major over neurons, then those columns), so every analysis written
/// for `RecurrentOperators` runs on it.
extension StateSpaceNTK: RecurrentOperators {
    public var trials: Int { operators.trajectory.trials }
    public var steps: Int { operators.trajectory.steps }
    public var neurons: Int { operators.network.neurons }
    public func propagate(_ q: [Double]) -> [Double] { operators.propagate(q) }
    public func propagateAdjoint(_ q: [Double]) -> [Double] { operators.propagateAdjoint(q) }
    public func parameterJacobian(_ v: [Double]) -> [Double] { operators.parameterJacobian(direction(v)) }
    public func parameterJacobianTranspose(_ q: [Double]) -> [Double] { flatten(operators.parameterJacobianTranspose(q)) }
}

extension StateSpaceNTK {

    /// Top-k eigenpairs of Θ: eigenvalues (descending), unit state-space eigenvectors and
    /// their residuals ‖Θ u − λ u‖ measured with the state-space product Θ = P K P*
    /// (Lanczos on JᵀJ through `GramFactorSpectrum`).
    public func topEigenpairs(_ k: Int, steps: Int? = nil, seed: UInt64 = 1) throws
        -> (values: [Double], vectors: [[Double]], residuals: [Double]) {
        let s = try GramFactorSpectrum(count: k, parameters: parameterCount, method: .lanczos, steps: steps, eigenfunctions: k,
                                       random: RandomSource(seed: seed), factor: sensitivity, factorTranspose: sensitivityTranspose)
        return (s.values, s.eigenfunctions, s.stateResiduals)
    }

    /// The dense parameter Gram JᵀJ (n_θ × n_θ), one column per product; for small networks.
    public func denseParameterGram() -> Matrix {
        let n = parameterCount
        var g = Matrix(rows: n, cols: n)
        for j in 0..<n {
            var e = [Double](repeating: 0, count: n); e[j] = 1
            let column = parameterGram(e)
            for i in 0..<n { g[i, j] = column[i] }
        }
        return g.symmetrized
    }
}

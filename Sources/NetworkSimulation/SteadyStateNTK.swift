import GramFlowCore
import GramFlowNumerics

/// The fixed point of a finite network under a constant input x and the
/// sensitivity of that fixed point to the parameters, the T → ∞ block of the sNTK:
///
///     h* = U a* + M x,   a* = Vᵀφ(h*)/N                    (exact at every N)
///     J_∞ = ∂h*/∂θ = (I − U Vᵀ D/N)⁻¹ r(dθ),   D = diag φ'(h*),
///     r(dθ) = dM x + dU a* + U dVᵀφ(h*)/N,
///     (I − U Vᵀ D/N)⁻¹ = I + U C⁻¹ VᵀD/N,   C = I_R − VᵀD U/N    (Woodbury),
///     Θ_∞ = J_∞ J_∞ᵀ (N×N).
///
/// C is R×R and the latent Jacobian of the fixed point is −C (continuous time):
/// C becomes singular exactly where the fixed point bifurcates, and there J_∞
/// blows up along U C⁻¹: the rank-one collapse of docs/theory.md §9.
public struct SteadyStateNTK {
    public let network: LowRankNetwork
    public let input: [Double]
    /// a* (R), h* (N), φ(h*), φ'(h*).
    public let latent: [Double], state: [Double], phi: [Double], phiPrime: [Double]
    /// C = I − VᵀDU/N.
    public let core: Matrix

    /// Solves a = Vᵀφ(Ua + Mx)/N by Newton's method from `guess`.
    ///
    /// - Throws: `NumericsError.invalidInput` if Newton does not converge to 1e-13 in 100 steps.
    public init(network: LowRankNetwork, input: [Double], guess: [Double]? = nil) throws {
        let spec = network.spec, N = network.neurons, K = spec.inputs, R = spec.rank, l = spec.layout
        precondition(input.count == K)
        let P = network.parameters, f = spec.nonlinearity
        var a = guess ?? [Double](repeating: 0, count: R)
        func evaluate(_ a: [Double]) -> (h: [Double], g: [Double], c: Matrix) {
            var h = [Double](repeating: 0, count: N)
            for i in 0..<N {
                var s = 0.0
                for k in 0..<K { s += P[i, l.m(k)] * input[k] }
                for r in 0..<R { s += P[i, l.u(r)] * a[r] }
                h[i] = s
            }
            var g = a, c = Matrix.identity(R)
            for i in 0..<N {
                let value = f.value(h[i]), slope = f.derivative(h[i])
                for r in 0..<R {
                    g[r] -= P[i, l.v(r)] * value / Double(N)
                    for s in 0..<R { c[r, s] -= P[i, l.v(r)] * slope * P[i, l.u(s)] / Double(N) }
                }
            }
            return (h, g, c)
        }
        var converged = false
        for _ in 0..<100 {
            let (_, g, c) = evaluate(a)
            if g.allSatisfy({ abs($0) <= 1e-13 * max(1, a.reduce(0) { max($0, abs($1)) }) }) { converged = true; break }
            let step = try solveLinear(c, g)
            for r in 0..<R { a[r] -= step[r] }
        }
        guard converged else { throw NumericsError.invalidInput("the network's fixed point did not converge (Newton, 100 steps)") }
        let (h, _, c) = evaluate(a)
        self.network = network; self.input = input
        latent = a; state = h; core = c
        phi = h.map(f.value); phiPrime = h.map(f.derivative)
    }

    /// (I − U Vᵀ D/N)⁻¹ r through the Woodbury form.
    public func resolvent(_ r: [Double]) throws -> [Double] {
        let l = network.spec.layout, N = network.neurons, R = l.rank, P = network.parameters
        var w = [Double](repeating: 0, count: R)
        for i in 0..<N { for s in 0..<R { w[s] += P[i, l.v(s)] * phiPrime[i] * r[i] / Double(N) } }
        let y = try solveLinear(core, w)
        return (0..<N).map { i in r[i] + (0..<R).reduce(0.0) { $0 + P[i, l.u($1)] * y[$1] } }
    }

    /// J_∞ dθ for an N×D direction (Z columns ignored).
    public func sensitivity(_ direction: Matrix) throws -> [Double] {
        let l = network.spec.layout, N = network.neurons, R = l.rank, K = l.inputs, P = network.parameters
        var c = [Double](repeating: 0, count: R)
        for i in 0..<N { for s in 0..<R { c[s] += direction[i, l.v(s)] * phi[i] / Double(N) } }
        let r = (0..<N).map { i in
            (0..<K).reduce(0.0) { $0 + direction[i, l.m($1)] * input[$1] }
                + (0..<R).reduce(0.0) { $0 + direction[i, l.u($1)] * latent[$1] + P[i, l.u($1)] * c[$1] }
        }
        return try resolvent(r)
    }

    /// The dense N × N(K+2R) matrix J_∞, columns in the order (neuron i, then m…, u…, v…).
    public func jacobian() throws -> Matrix {
        let l = network.spec.layout, N = network.neurons, moving = l.mIndices + l.uIndices + l.vIndices
        var j = Matrix(rows: N, cols: N * moving.count)
        var direction = Matrix(rows: N, cols: l.dimension)
        for i in 0..<N { for (c, col) in moving.enumerated() {
            direction[i, col] = 1
            let column = try sensitivity(direction)
            direction[i, col] = 0
            for row in 0..<N { j[row, i * moving.count + c] = column[row] }
        } }
        return j
    }

    /// Θ_∞ = J_∞ J_∞ᵀ.
    public func kernel() throws -> Matrix {
        let j = try jacobian()
        return (j * j.transposed).symmetrized
    }
}

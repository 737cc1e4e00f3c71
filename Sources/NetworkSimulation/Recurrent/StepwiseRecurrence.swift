import GramFlowNumerics

/// A `RecurrentOperators` whose P and P* are built from the one-step Jacobians
/// J_t = ∂h_t/∂h_{t−1} acting on all trials at once (a B×N block, row b = trial b):
///
///     (P q)_t  = q_t + J_t (P q)_{t−1},        (P q)_0 = 0,
///     (P* q)_t = q_t + J_{t+1}ᵀ (P* q)_{t+1},  (P* q)_{T+1} = 0.
///
/// The dense RNN and the GRU give only the block products; the recursions are written once, here.
public protocol StepwiseRecurrence: RecurrentOperators {
    /// Y ← J_t Y (or J_tᵀ Y) for the B×N block Y, t = 2..T.
    func applyStepJacobian(_ y: inout [Double], step t: Int, transposed: Bool)
}

extension StepwiseRecurrence {
    public func propagate(_ q: [Double]) -> [Double] { recur(q, backward: false) }
    public func propagateAdjoint(_ q: [Double]) -> [Double] { recur(q, backward: true) }

    private func recur(_ q: [Double], backward: Bool) -> [Double] {
        precondition(q.count == tensorCount)
        let B = trials, T = steps, N = neurons
        var out = q
        var carry = [Double](repeating: 0, count: B * N)
        for t in (backward ? Array((1...T).reversed()) : Array(1...T)) {
            let edge = backward ? t < T : t > 1
            if edge {
                // carry holds the result at the neighbouring step: J_t acts forward, J_{t+1}ᵀ backward.
                applyStepJacobian(&carry, step: backward ? t + 1 : t, transposed: backward)
                for b in 0..<B { for i in 0..<N { out[(b * T + t - 1) * N + i] += carry[b * N + i] } }
            }
            for b in 0..<B { for i in 0..<N { carry[b * N + i] = out[(b * T + t - 1) * N + i] } }
        }
        return out
    }
}

import GramFlowCore
import GramFlowNumerics

/// The conserved quantities of linear gradient flow (docs/theory.md §7).
///
/// With A = [z's, v's] (output side) and B = [m's, u's] (input side), the linear
/// loss depends only on AᵀB, so AAᵀ − BBᵀ is conserved; in overlaps,
///
///     tr(M^k),  M = [[S_AA, S_AB], [−S_BA, −S_BB]],   k ≥ 1,
///
/// k = 1 being balancedness Σ‖z‖² + Σ‖v‖² − Σ‖m‖² − Σ‖u‖². Nonlinear φ breaks
/// them; the discrete map breaks them at O(η²) per epoch.
public enum ConservedQuantities {
    /// M built from S.
    public static func M(_ S: Matrix, layout: VectorLayout) -> Matrix {
        let a = layout.zIndices + layout.vIndices
        let b = layout.mIndices + layout.uIndices
        let order = a + b
        var m = S.selecting(rows: order, cols: order)
        for i in 0..<order.count { for j in a.count..<order.count { m[i, j] = -m[i, j] } }
        return m
    }

    /// tr(M^k) for k = 1..maxPower.
    public static func traces(_ S: Matrix, layout: VectorLayout, maxPower: Int = 4) -> [Double] {
        powerTraces(M(S, layout: layout), maxPower: maxPower)
    }

    /// tr(S^k) for k = 1..maxPower: the natural scale of tr(M^k), since
    /// |tr(M^k)| ≤ Σ|λ_i(S)|^k = tr(S^k). Relative drift is measured against it.
    public static func scales(_ S: Matrix, maxPower: Int = 4) -> [Double] {
        powerTraces(S, maxPower: maxPower)
    }

    private static func powerTraces(_ m: Matrix, maxPower: Int) -> [Double] {
        var power = m
        var out: [Double] = []
        for k in 1...maxPower {
            if k > 1 { power = power * m }
            out.append(power.trace)
        }
        return out
    }
}

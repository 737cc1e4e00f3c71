import GramFlowCore

/// The candidate invariants tr(M^k) as polynomials in the overlaps, and whether
/// the symbolic gradient flow conserves them (docs/theory.md §7).
///
/// M = S_ord J with the order [z.., v.., m.., u..] (output side A, then input
/// side B) and J = diag(I_A, −I_B), as in `ConservedQuantities.M`. The rate is
/// the chain rule over the distinct overlaps,
///
///     d tr(M^k)/dτ = Σ_{a≤b} ∂tr(M^k)/∂σ_ab · dσ_ab/dτ,
///
/// and tr(M^k) is conserved exactly when that polynomial is identically 0.
public struct ConservedTraces: Sendable {
    /// tr(M^k) for k = 1..maxPower.
    public let traces: [Polynomial]
    /// d tr(M^k)/dτ under the flow, k = 1..maxPower.
    public let rates: [Polynomial]

    public init(layout: VectorLayout, flow: OverlapFlow, maxPower: Int = 4) {
        precondition(maxPower >= 1)
        let names = layout.vectors
        let outputSide = layout.zIndices + layout.vIndices
        let order = outputSide + layout.mIndices + layout.uIndices
        let M = SymbolicMatrix(rows: order.count, cols: order.count) { i, j in
            let sigma = Polynomial(.overlap(names[order[i]], names[order[j]]))
            return j < outputSide.count ? sigma : -sigma
        }
        // tr(M^k) = tr(M^⌈k/2⌉ M^⌊k/2⌋): powers up to ⌈maxPower/2⌉ suffice.
        var powers = [M]
        while powers.count < (maxPower + 1) / 2 { powers.append(powers.last! * M) }
        traces = (1...maxPower).map { k in
            k == 1 ? M.trace : SymbolicMatrix.traceOfProduct(powers[(k + 1) / 2 - 1], powers[k / 2 - 1])
        }
        let velocity = flow.rates
        rates = traces.map { trace in
            var rate = Polynomial()
            for sigma in layout.overlapSymbols {
                let partial = trace.derivative(withRespectTo: sigma)
                if !partial.isZero { rate.addProduct(partial, velocity[sigma]!) }
            }
            return rate
        }
    }

    /// Per k, whether d tr(M^k)/dτ ≡ 0.
    public var conserved: [Bool] { rates.map(\.isZero) }
}

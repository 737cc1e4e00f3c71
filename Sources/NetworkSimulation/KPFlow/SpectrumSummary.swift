import GramFlowNumerics

/// The effective rank of a PSD operator A from its top-k eigenvalues and its traces:
///
///     participation ratio  PR = (tr A)² / tr A² = (Σλ)² / Σλ²,
///     explained_j = (λ₁ + … + λ_j) / tr A   (cumulative explained variance, KPFlow poster Fig. 4),
///     modes95 = the least j with explained_j ≥ 0.95 (nil if the top k do not reach it).
///
/// tr A and tr A² = ‖A‖_F² are exact when the operator's small side is no larger than
/// the product budget, else Hutch++ estimates (`HutchPlusPlus`).
public struct SpectrumSummary: Sendable {
    public var trace: Double
    public var traceOfSquare: Double
    /// Whether both traces are exact (else Hutch++ estimates).
    public var exactTraces: Bool
    public var participationRatio: Double { traceOfSquare > 0 ? trace * trace / traceOfSquare : 0 }
    public var explained: [Double]
    public var modes95: Int?
    /// Products used for the two traces.
    public var products: Int

    public init(top values: [Double], dimension n: Int, budget: Int, random: RandomSource,
                apply: ([Double]) -> [Double]) throws {
        let first = try HutchPlusPlus(dimension: n, products: budget, random: random, apply: apply)
        let second = try HutchPlusPlus(dimension: n, products: budget, random: random) { apply(apply($0)) }
        trace = first.estimate; traceOfSquare = second.estimate
        exactTraces = first.exact && second.exact
        products = first.products + 2 * second.products
        var partial = 0.0, cumulative: [Double] = []
        let total = first.estimate
        for v in values { partial += max(v, 0); cumulative.append(total > 0 ? partial / total : 0) }
        explained = cumulative
        modes95 = cumulative.firstIndex { $0 >= 0.95 }.map { $0 + 1 }
    }
}

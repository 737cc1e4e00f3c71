import XCTest
import GramFlowCore
import GramFlowNumerics
import OverlapTheory
import TestSupport

/// docs/theory.md §8.6: how much of S the visible overlaps and the invariants tr(M^k) fix.
/// Reference: the rank of the Jacobian of S ↦ (visible overlaps, tr M, …, tr M^D), taken by
/// central differences over the D(D+1)/2 distinct overlaps at a generic state. Gradient flow
/// moves S on an orbit of O(p, q) of codimension D (the spectrum of M), so the rank is pq + D
/// and [p(p−1) + q(q−1)]/2 invisible directions stay free: 2 for rank 1 (K = O = 1), 6 for rank 2.
final class OrbitCountingTests: XCTestCase {
    func testVisibleOverlapsAndInvariantsLeaveTheCountedDirectionsFree() throws {
        for (rank, free) in [(1, 2), (2, 6)] {
            let spec = ModelSpec(rank: rank)
            let layout = spec.layout, D = layout.dimension
            let p = spec.outputs + rank, q = spec.inputs + rank
            let visible = Visibility(spec: spec).isVisible
            let S0 = sampledOverlaps(layout, neurons: 40, seed: 11)
            let pairs = layout.overlapPairs
            func features(_ S: Matrix) -> [Double] {
                let overlaps = pairs.map { S[$0.0, $0.1] }
                return zip(overlaps, visible).filter { $0.1 }.map(\.0) + ConservedQuantities.traces(S, layout: layout, maxPower: D)
            }
            // Columns: d features / d σ_ab for each distinct overlap (both symmetric entries move).
            let columns = pairs.map { (a, b) in
                centralDifference(step: 1e-5) { h -> [Double] in
                    var S = S0
                    S[a, b] += h; if a != b { S[b, a] += h }
                    return features(S)
                }
            }
            let rows = columns[0].count
            var J = Matrix(rows: rows, cols: pairs.count)
            for (j, column) in columns.enumerated() { for i in 0..<rows { J[i, j] = column[i] } }
            // Each feature's gradient scaled to norm 1 (tr M⁶ is far larger than σ_vu): the rank is unchanged.
            for i in 0..<rows {
                let norm = (0..<pairs.count).reduce(0) { $0 + J[i, $1] * J[i, $1] }.squareRoot()
                for j in 0..<pairs.count { J[i, j] /= norm }
            }
            let gram = J.transposed * J
            let values = try SymmetricEigen(gram).values
            let largest = values.map(abs).max()!
            let rank = values.filter { $0 > 1e-10 * largest }.count
            XCTAssertEqual(rank, p * q + D, "rank \(rank): the visible overlaps and the D invariants are independent")
            XCTAssertEqual(pairs.count - rank, free)
            XCTAssertEqual(pairs.count - rank, (p * (p - 1) + q * (q - 1)) / 2)
            // The gap is wide: the free directions are exact zeros, not a tolerance artefact.
            let sorted = values.sorted()
            XCTAssertLessThan(sorted[free - 1], 1e-12 * largest)
            XCTAssertGreaterThan(sorted[free], 1e-6 * largest)
        }
    }
}

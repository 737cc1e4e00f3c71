import TestSupport
import XCTest
import GramFlowCore
import GramFlowNumerics
import OverlapTheory

/// The reduced loss's paths for one input, rank 1 and one output against its general path: tanh's
/// register-resident adjoint bit for bit; linear φ (the closed constant-gain recurrences) and erf
/// (the vector kernel, whose sums over trials go lane by lane) to 1e-13 relative, with erf's
/// outputs too. The same model embedded in K = 2, O = 2 with the second input
/// identically zero and the second output masked out takes the general loops, whose extra
/// terms are exact zeros, so loss and every shared entry of G must be the same numbers.
final class ReducedLossFastPathTests: XCTestCase {
    func testRankOnePathEqualsGeneralPath() throws {
        let T = 60
        // 21 trials: the erf kernel's second group of 16 has lanes with no trial, its second vector part full.
        let B = 21
        let batch = randomBatch(trials: B, steps: T, inputs: 1, outputs: 1, seed: 21)
        var wideBatch = TaskBatch(trials: B, steps: T, inputs: 2, outputs: 2)
        for b in 0..<B {
            for t in 0..<T { wideBatch.x[wideBatch.inputIndex(b, t, 0)] = batch.x[batch.inputIndex(b, t, 0)] }
            for t in 1...T {
                wideBatch.target[wideBatch.targetIndex(b, t, 0)] = batch.target[batch.targetIndex(b, t, 0)]
                wideBatch.mask[wideBatch.targetIndex(b, t, 0)] = batch.mask[batch.targetIndex(b, t, 0)]
                wideBatch.mask[wideBatch.targetIndex(b, t, 1)] = 0
            }
        }
        for phi in [Nonlinearity.linear, .erf, .tanh] {
            let small = ModelSpec(inputs: 1, rank: 1, outputs: 1, dt: 0.1, nonlinearity: phi)
            let wide = ModelSpec(inputs: 2, rank: 1, outputs: 2, dt: 0.1, nonlinearity: phi)
            let ls = small.layout, lw = wide.layout
            let names = [(ls.m(0), lw.m(0)), (ls.u(0), lw.u(0)), (ls.v(0), lw.v(0)), (ls.z(0), lw.z(0))]
            let S = sampledOverlaps(ls, seed: 5)
            var W = Matrix.identity(lw.dimension)
            for (i, wi) in names { for (j, wj) in names { W[wi, wj] = S[i, j] } }
            let smallLoss = try ReducedOverlapLoss(spec: small, batch: batch), wideLoss = try ReducedOverlapLoss(spec: wide, batch: wideBatch)
            let a = smallLoss.lossAndGradient(S), b = wideLoss.lossAndGradient(W)
            XCTAssertGreaterThan(a.G.maxAbs, 0)
            if phi == .erf {
                let y = smallLoss.outputs(S), wideY = wideLoss.outputs(W)
                let scale = y.map(abs).max()!
                XCTAssertGreaterThan(scale, 0)
                for b in 0..<B { for t in 1...T {
                    XCTAssertEqual(y[batch.targetIndex(b, t, 0)], wideY[wideBatch.targetIndex(b, t, 0)], accuracy: 1e-13 * scale, "erf y[\(b), \(t)]")
                } }
            }
            if phi == .linear || phi == .erf {
                // The constant-gain path runs the closed recurrences (λ κ + …, λ μ + …), the erf
                // kernel sums lane by lane: the same numbers to rounding, 1e-13 relative to the
                // loss and to max|G|.
                assertClose(a.loss, b.loss, relative: 1e-13, "\(phi)")
                for (i, wi) in names { for (j, wj) in names {
                    XCTAssertEqual(a.G[i, j], b.G[wi, wj], accuracy: 1e-13 * a.G.maxAbs, "\(phi) G[\(i), \(j)]")
                } }
                continue
            }
            XCTAssertEqual(a.loss, b.loss, "\(phi)")
            for (i, wi) in names { for (j, wj) in names { XCTAssertEqual(a.G[i, j], b.G[wi, wj], "\(phi) G[\(i), \(j)]") } }
        }
    }
}

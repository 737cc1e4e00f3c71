import XCTest
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import TestSupport

final class InitializationTests: XCTestCase {
    func testGaussianVectorsHaveNormRootN() {
        let network = LowRankNetwork.gaussian(spec: ModelSpec(rank: 2), neurons: 300, random: RandomSource(seed: 1))
        let S = network.overlaps
        for a in 0..<S.rows { assertClose(S[a, a], 1, absolute: 1e-13) }  // ‖a‖²/N = 1
        // Off-diagonal overlaps of independent vectors are O(1/√N) ≈ 0.06.
        for a in 0..<S.rows { for b in 0..<a { XCTAssertLessThan(abs(S[a, b]), 0.3) } }
    }

    func testSameSeedSameVectors() {
        let spec = ModelSpec(rank: 1)
        XCTAssertEqual(LowRankNetwork.gaussian(spec: spec, neurons: 50, random: RandomSource(seed: 9)).parameters,
                       LowRankNetwork.gaussian(spec: spec, neurons: 50, random: RandomSource(seed: 9)).parameters)
    }

    /// Vectors built from S have exactly the overlaps S, including a singular (PSD, rank-deficient) S.
    func testRealizesGivenOverlapsExactly() throws {
        let spec = ModelSpec(rank: 1)
        let random = RandomSource(seed: 2)
        let spd = try randomSPD(4, random: random)
        let w = Matrix(rows: 4, cols: 3, storage: random.gaussians(12))
        let singular = w * w.transposed  // rank 3
        for S in [spd, singular] {
            let network = try LowRankNetwork.realizing(overlaps: S, spec: spec, neurons: 64, random: random)
            assertClose(network.overlaps, S, absolute: 1e-13)
        }
    }

    func testRejectsANonPSDMatrixNamingTheField() {
        var S = Matrix.identity(4)
        S[0, 1] = 2; S[1, 0] = 2  // eigenvalues 3 and −1
        XCTAssertThrowsError(try LowRankNetwork.realizing(overlaps: S, spec: ModelSpec(rank: 1), neurons: 64,
                                                          random: RandomSource(seed: 1))) { error in
            XCTAssertEqual((error as? InputError)?.key, .overlaps)
        }
    }
}

import XCTest
import GramFlowCore
import OverlapTheory
import Symbolic

/// Visible overlaps read off the symbolic reduced dynamics against OverlapTheory's `Visibility`.
final class VisibilityStructureTests: XCTestCase {
    private func structural(_ K: Int, _ R: Int, _ O: Int, _ phi: Nonlinearity) -> StructuralVisibility {
        StructuralVisibility(ReducedDynamics(layout: VectorLayout(inputs: K, rank: R, outputs: O), nonlinearity: phi))
    }

    func testMatchesVisibilityForEveryNonlinearity() {
        for (K, R, O) in sweptLayouts {
            for phi in Nonlinearity.allCases {
                let numeric = Visibility(spec: ModelSpec(inputs: K, rank: R, outputs: O, nonlinearity: phi))
                let symbolic = structural(K, R, O, phi)
                XCTAssertEqual(symbolic.isVisible, numeric.isVisible, "K\(K) R\(R) O\(O) \(phi)")
                XCTAssertEqual(symbolic.visibleNames, numeric.visibleNames)
            }
        }
        XCTAssertEqual(structural(1, 1, 1, .erf).invisibleNames, ["v1.v1", "v1.z1", "z1.z1"])
        XCTAssertEqual(structural(1, 2, 1, .linear).visibleNames.count, 9)
    }

    /// ReLU: ⟨φ'⟩(Δ) = P(√Δ z > 0) = ½ for every Δ, so under the Gaussian closure Δ never
    /// reaches the loss and the visible overlaps are the linear ones.
    func testReluClosureHasTheLinearPattern() {
        for (K, R, O) in sweptLayouts {
            XCTAssertEqual(structural(K, R, O, .relu).isVisible,
                           Visibility(spec: ModelSpec(inputs: K, rank: R, outputs: O, nonlinearity: .linear)).isVisible)
        }
    }
}

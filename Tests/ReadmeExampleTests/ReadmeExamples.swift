import XCTest
import Foundation
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import NumPyFiles
import OverlapTheory
import TestSupport

/// Every ```swift block of a module README, verbatim (without its import lines), followed by
/// checks of what it computes against an independent reference. `ReadmeSnippetTests` fails
/// when a README block is not found here, so the documented API is compiled and run by
/// `make test` and cannot drift from the code.
final class ReadmeExamples: XCTestCase {
    /// GramFlowCore/README.md: the training engine drives the theory and the network alike.
    /// Reference: the linear theory is exact at any N (docs/theory.md §4), so the two runs'
    /// overlaps agree to 1e-10 at every epoch, and the run must learn for that to mean anything.
    func testEngineExample() throws {
        // README: GramFlowCore
        let spec = ModelSpec(rank: 1, dt: 0.05)                          // the linear rank-1 filter
        let batch = FilterTask().batch(steps: 200, dt: spec.dt, random: RandomSource(seed: 0))
        let network = LowRankNetwork.gaussian(spec: spec, neurons: 256, random: RandomSource(seed: 1))
        let schedule = TrainingSchedule(epochs: 100, learningRate: 5e-3)
        var theoryLoss: [Double] = [], theoryS: [Matrix] = [], networkS: [Matrix] = []
        var theory = TheoryLearner(spec: spec), simulated = NetworkLearner()
        let solution = try train(LearningProblem(model: spec, initial: network.overlaps, batches: { _ in batch }),
                                 with: &theory, schedule: schedule,
                                 observers: [.rows { _, L, S in theoryLoss.append(L); theoryS.append(S) }])
        _ = try train(LearningProblem(model: spec, initial: network, batches: { _ in batch }),
                      with: &simulated, schedule: schedule, observers: [.rows { _, _, S in networkS.append(S) }])
        let gap = zip(theoryS, networkS).map { ($0 - $1).maxAbs }.max()!  // ~1e-14: exact at any N
        // end README
        XCTAssertEqual(solution.outcome, .completed)
        XCTAssertEqual(theoryS.count, 101)
        XCTAssertLessThan(theoryLoss.last!, 0.9 * theoryLoss.first!)
        XCTAssertLessThan(gap, 1e-10)
    }

    /// OverlapTheory/README.md: loss and ∂L/∂S, one step of the exact map, visibility, and the
    /// pitchfork normal form. References: G against fourth-order finite differences of L (the
    /// symmetric perturbation of a pair moves both entries); the map against (I−2ηG)S(I−2ηG)
    /// written out; λ = σ_vu − 1 and a₃ = −(π/4)σ_vuσ_uu for erf rank 1 (docs/theory.md §9).
    func testOverlapTheoryExample() throws {
        // README: OverlapTheory
        let spec = ModelSpec(inputs: 1, rank: 1, outputs: 1, dt: 0.05, nonlinearity: .erf)
        let vectors = Matrix(rows: 400, cols: spec.layout.dimension,
                             storage: RandomSource(seed: 1).gaussians(400 * spec.layout.dimension))
        let S = vectors.gram(scale: 1.0 / 400)                           // S = VᵀV/N
        let batch = FlipFlopTask(trials: 4).batch(steps: 200, dt: spec.dt, random: RandomSource(seed: 2))
        let loss = try makeOverlapLoss(spec: spec, batch: batch)         // reduced dynamics, Gaussian closure
        let (L, G) = try loss.lossAndGradient(S)                         // L(S) and G = ∂L/∂S
        let next = gradientDescentMap(S: S, G: G, eta: 1e-2)              // S ← (I−2ηG)S(I−2ηG)
        let hidden = Visibility(spec: spec).invisibleNames               // overlaps the loss never sees
        let field = LatentVectorField(overlaps: S, spec: spec, gain: try GaussianGain.of(.erf), input: [0])
        let pitchfork = try CentreNormalForm.pitchfork(field)            // λ = σ_vu − 1, a₃ at κ* = 0
        // end README
        let l = spec.layout
        XCTAssertTrue(L.isFinite && L > 0)
        XCTAssertFalse(hidden.isEmpty)
        for name in hidden {
            let (a, b) = l.pair(ofOverlap: name)!
            XCTAssertEqual(G[a, b], 0, "an invisible overlap has no gradient: \(name)")
        }
        let h = 1e-3
        for (a, b) in [(l.v(0), l.u(0)), (l.u(0), l.u(0)), (l.z(0), l.u(0))] {
            func shifted(_ d: Double) throws -> Double {
                var T = S; T[a, b] += d; if a != b { T[b, a] += d }
                return try loss.lossAndGradient(T).0
            }
            let slope = try fourthOrderDifference(step: h) { try shifted($0) }
            assertClose((a == b ? 1.0 : 2.0) * G[a, b], slope, absolute: 1e-7 * max(1, abs(slope)))
        }
        let I = Matrix.identity(l.dimension), A = I - (2 * 1e-2) * G
        assertClose(next, A * S * A, absolute: 1e-13 * S.maxAbs)
        assertClose(pitchfork.eigenvalue, S[l.v(0), l.u(0)] - 1, relative: 1e-13)
        assertClose(pitchfork.cubic!, -Double.pi / 4 * S[l.v(0), l.u(0)] * S[l.u(0), l.u(0)], relative: 1e-13)
    }

    /// NetworkSimulation/README.md: the GRU's operators, its Kronecker core and the interference
    /// matrix. References: K q from the core against the matrix-free K q (1e-12), Θ = J Jᵀ so
    /// ⟨q, Θq⟩ = ‖Jᵀq‖² (1e-12), C has a unit diagonal and |C_ij| ≤ 1.
    func testRecurrentModelExample() throws {
        // README: NetworkSimulation
        let gru = GRUNetwork.gaussian(neurons: 64, inputs: 7, outputs: 3, dt: 0.1, random: RandomSource(seed: 1))
        let parts = ProAntiTask.all(trials: 8).map { $0.batch(steps: $0.trialSteps(dt: 0.1), dt: 0.1, random: RandomSource(seed: 1)) }
        let pass = gru.forward(TaskBatch(concatenating: parts))        // a RecurrentOperators
        let q = RandomSource(seed: 2).gaussians(pass.tensorCount)
        let theta = pass.ntk(q)                                        // Θ q = P K P* q
        let core = pass.kroneckerCore().apply(q)                       // K q from the weight-site Grams
        let c = MultiTaskSnapshot(gru, parts: parts).interference.normalized  // 4×4 C
        var learner = RecurrentLearner<GRUNetwork>(optimizer: .adam)   // train(...) as for any Learner
        // end README
        _ = learner
        let k = pass.parameterOperator(q)
        let scale = k.reduce(0) { max($0, abs($1)) }
        for i in q.indices { assertClose(core[i], k[i], absolute: 1e-12 * scale) }
        let jt = pass.sensitivityTranspose(q)
        assertClose(zip(q, theta).reduce(0) { $0 + $1.0 * $1.1 }, jt.reduce(0) { $0 + $1 * $1 }, relative: 1e-12)
        XCTAssertEqual(c.rows, 4)
        for i in 0..<4 {
            assertClose(c[i, i], 1, absolute: 1e-12)
            for j in 0..<4 { XCTAssertLessThanOrEqual(abs(c[i, j]), 1 + 1e-12) }
        }
    }

    /// NetworkSimulation/README.md: spectra of the low-rank network's operators and its Kronecker
    /// core. References: the top Θ eigenvalue against a dense Θ built column by column
    /// (`SymmetricEigen`, 1e-9), the stated residuals ≤ 1e-8, K from the core against the matrix-free K.
    func testLowRankSpectraExample() throws {
        let spec = ModelSpec(inputs: 1, rank: 1, outputs: 1, dt: 0.1, nonlinearity: .tanh)
        let network = LowRankNetwork.gaussian(spec: spec, neurons: 30, random: RandomSource(seed: 3))
        let batch = FlipFlopTask(trials: 2).batch(steps: 20, dt: spec.dt, random: RandomSource(seed: 4))
        // README: NetworkSimulation
        let ops = StateSpaceNTK(network: network, batch: batch)
        let spectra = try ops.spectra([.ntk, .propagation],
                                      options: KPFlowSpectraOptions(count: 10, method: .lanczos, eigenfunctions: 3))
        print(spectra[0].values, spectra[0].relativeResiduals, spectra[0].summary.participationRatio)
        let core = KroneckerCore(ops.operators)                        // K = α²[(XXᵀ + AAᵀ) ⊗ I + (ΦΦᵀ/N²) ⊗ UUᵀ]
        // end README
        let n = ops.tensorCount
        var dense = Matrix(rows: n, cols: n)
        for j in 0..<n {
            var e = [Double](repeating: 0, count: n); e[j] = 1
            let column = ops.ntk(e)
            for i in 0..<n { dense[i, j] = column[i] }
        }
        let exact = try SymmetricEigen(dense).values.max()!
        assertClose(spectra[0].values[0], exact, relative: 1e-9)
        XCTAssertLessThanOrEqual(spectra[0].relativeResiduals.max()!, 1e-8)
        let q = RandomSource(seed: 5).gaussians(ops.operators.trajectory.tensorCount)
        let fromCore = core.apply(q), fromOperator = ops.operators.parameterOperator(q)
        let scale = fromOperator.reduce(0) { max($0, abs($1)) }
        for i in q.indices { assertClose(fromCore[i], fromOperator[i], absolute: 1e-12 * scale) }
    }

    /// GramFlowNumerics/README.md: matrix-free top eigenpairs and a Hutch++ trace. Reference: a
    /// diagonal operator with known spectrum 1/(1+i): each Ritz value lies within its stated true
    /// residual ‖Av − θv‖ of the exact eigenvalue (symmetric A, unit v) and within 1e-6; the
    /// trace estimate within 5% of the harmonic number H_200 (60 products on a slowly decaying spectrum).
    func testSpectralExample() throws {
        // README: GramFlowNumerics
        let n = 200
        let apply: ([Double]) -> [Double] = { x in x.indices.map { x[$0] / Double(1 + $0) } }   // A = diag(1/(1+i))
        let top = try Eigenpairs.top(3, dimension: n, method: .randomized, random: RandomSource(seed: 1), apply: apply)
        let trace = try HutchPlusPlus(dimension: n, products: 60, random: RandomSource(seed: 2), apply: apply)
        print(top.values, top.residuals, trace.estimate)              // [1, 0.5, 0.333…], residuals, ≈ H_200
        // end README
        for (i, value) in top.values.enumerated() {
            XCTAssertLessThanOrEqual(abs(value - 1 / Double(1 + i)), top.residuals[i] + 1e-14)
            assertClose(value, 1 / Double(1 + i), relative: 1e-6)
        }
        let harmonic = (1...n).reduce(0.0) { $0 + 1 / Double($1) }
        assertClose(trace.estimate, harmonic, relative: 0.05)
    }

    /// NumPyFiles/README.md: writing and reading .npz. Reference: the values and shapes written
    /// come back bit for bit; NumPy itself reading GramFlow's files is `NumPyWriteTests`.
    func testNumPyExample() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("readme-npz-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("example.npz")
        // README: NumPyFiles
        let S = NumPyArray(rows: 2, cols: 2, values: [1.0, 0.5, 0.5, 2.0])
        try NPZArchive.write([(name: "S", array: S), (name: "loss", array: NumPyArray(shape: [3], values: [3, 2, 1]))], to: url)
        let arrays = try NPZArchive.read(url)                          // np.load("example.npz")["S"]
        print(arrays["S"]!.shape, arrays["S"]![1, 1])                 // [2, 2] 2.0
        // end README
        XCTAssertEqual(arrays["S"], S)
        XCTAssertEqual(arrays["loss"]!.values, [3, 2, 1])
    }
}

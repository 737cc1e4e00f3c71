import XCTest
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory
import TestSupport
@testable import Studies

/// The phase runner against independent references: one uninterrupted theory
/// run, the network under the exact map, and a resumed run byte for byte.
final class PhaseStudyTests: XCTestCase {
    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gramflow-study-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func spec(_ phases: String, run: String = "both") throws -> StudySpec {
        try StudyFile.parse("model: {rank: 1, steps: 30}\ninitial: {neurons: 24, seed: 5}\nrun: \(run)\nphases:\n" + phases, file: "t.yaml")
    }

    /// Two phases of the same task continue exactly like one run of the summed epochs.
    func testPhasesContinueLikeOneRun() throws {
        let s = try spec("  - {task: filter, epochs: 7, lr: 0.01}\n  - {task: filter, epochs: 5, lr: 0.01}\n", run: "theory")
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try PhaseStudy(spec: s, folder: folder).run(resume: false, progress: false)
        var config = RunConfiguration(model: s.model.spec, epochs: 12, learningRate: 0.01, steps: 30, seed: 5, neurons: 24)
        config.task = .filter
        let reference = try Runs.theory(config, initial: try InitialState.overlaps(config), progress: false)
        let expected = reference.trajectory.finalOverlaps
        for (a, b) in zip(outcome.ends["theory"]![1].overlaps, expected) { assertClose(a, b, absolute: 1e-13) }
    }

    /// For linear φ the exact map follows the network at every N: the phase ends agree.
    func testTheoryFollowsNetworkAcrossPhases() throws {
        let s = try spec("  - {task: filter, epochs: 6, lr: 0.01}\n  - {task: filter, options: {decay: 0.5}, epochs: 6, lr: 0.02, targetNoise: 0.2}\n")
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try PhaseStudy(spec: s, folder: folder).run(resume: false, progress: false)
        for (t, n) in zip(outcome.ends["theory"]!, outcome.ends["network"]!) {
            assertClose(t.endLoss, n.endLoss, relative: 1e-9)
            for (a, b) in zip(t.overlaps, n.overlaps) { assertClose(a, b, absolute: 1e-10) }
        }
    }

    /// A run stopped after phase 1 and resumed ends with the same bytes as an uninterrupted one.
    func testResumeIsByteIdentical() throws {
        let s = try spec("""
          - {task: filter, epochs: 4, lr: 0.01}
          - {task: filter-noise, options: {batch: 2}, epochs: 4, lr: 0.01, optimizer: sgd, targetNoise: 0.1}
          - {task: filter, epochs: 4, lr: 0.01, lrRules: [{below: 100, divideBy: 5}]}

        """)
        let whole = try temporaryFolder(), parts = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: whole); try? FileManager.default.removeItem(at: parts) }
        let a = PhaseStudy(spec: s, folder: whole)
        let outcomeA = try a.run(resume: false, progress: false)
        try a.joinTrajectories(outcomeA)
        let b = PhaseStudy(spec: s, folder: parts)
        XCTAssertEqual(try b.run(resume: false, stopAfter: 1, progress: false).phasesRun, 1)
        let outcomeB = try b.run(resume: true, progress: false)
        try b.joinTrajectories(outcomeB)
        for kind in ["theory", "network"] {
            let x = try Data(contentsOf: whole.appendingPathComponent("\(kind)/trajectory.csv"))
            let y = try Data(contentsOf: parts.appendingPathComponent("\(kind)/trajectory.csv"))
            XCTAssertEqual(x, y, kind)
            XCTAssertEqual(String(decoding: x, as: UTF8.self).split(separator: "\n").count, 1 + 3 * 5)
        }
        XCTAssertEqual(PhaseStudyReport(spec: s, outcome: outcomeA).markdown, PhaseStudyReport(spec: s, outcome: outcomeB).markdown)
        // The rule fired (the loss is below 100 from the start): η ends at 0.01/5.
        assertClose(outcomeB.ends["theory"]![2].finalLearningRate, 0.002, relative: 1e-15)
    }

    /// `update: flow` in a phase: linear gradient flow conserves tr(M^k) (docs/theory.md §7) to 1e-8
    /// of tr(S_0^k), while a map phase at the same η drifts measurably (reference: the conservation law).
    func testFlowPhaseConservesTheTraces() throws {
        let layout = ModelSpec(rank: 1).layout
        var drifts: [String: Double] = [:]
        for update in ["flow", "map"] {
            let s = try spec("  - {task: filter, epochs: 40, lr: 0.05, update: \(update)}\n", run: "theory")
            let folder = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let study = PhaseStudy(spec: s, folder: folder)
            let outcome = try study.run(resume: false, progress: false)
            let end = outcome.ends["theory"]![0]
            XCTAssert(end.completed)
            XCTAssertLessThan(end.endLoss, 0.5 * end.startLoss, "the phase must learn for the test to mean anything")
            var config = RunConfiguration(model: s.model.spec, seed: 5, neurons: 24)
            config.initialOverlaps = nil
            let S0 = try InitialState.overlaps(config)
            let S1 = OverlapState(layout: layout, values: end.overlaps).S
            let first = ConservedQuantities.traces(S0, layout: layout), last = ConservedQuantities.traces(S1, layout: layout)
            let scale = ConservedQuantities.scales(S0)
            drifts[update] = (0..<4).map { abs(last[$0] - first[$0]) / scale[$0] }.max()!
        }
        XCTAssertLessThan(drifts["flow"]!, 1e-8, "\(drifts)")
        XCTAssertGreaterThan(drifts["map"]!, 1e-6, "\(drifts)")
    }

    /// `optimizer: adam` in a network phase: the first step is −η g/(|g| + ε) per coordinate
    /// (m̂ = g, v̂ = g²), with g the BPTT gradient at the initial network (reference: Adam's closed form).
    func testAdamPhaseTakesAdamsFirstStep() throws {
        let s = try spec("  - {task: filter, epochs: 1, lr: 0.001, optimizer: adam}\n", run: "network")
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try PhaseStudy(spec: s, folder: folder).run(resume: false, progress: false)
        let model = s.model.spec
        let start = try InitialState.network(RunConfiguration(model: model, seed: 5, neurons: 24))
        let batch = try PhaseBatches(spec: s, phase: 0).batch(epoch: 0)
        var gradient: Matrix? = Matrix(rows: 24, cols: model.layout.dimension)
        _ = Backpropagation(spec: model, neurons: 24, steps: 30).evaluate(start, batch: batch, gradient: &gradient)
        var expected = start
        for i in 0..<gradient!.storage.count {
            let g = gradient!.storage[i]
            expected.parameters.storage[i] -= 1e-3 * g / (abs(g) + 1e-8)
        }
        let S = expected.overlaps
        for (value, (a, b)) in zip(outcome.ends["network"]![0].overlaps, model.layout.overlapPairs) {
            assertClose(value, S[a, b], absolute: 1e-13)
        }
    }

    /// A theory phase with adam is refused when the file is read: adam is not closed in overlap space.
    func testAdamWithTheTheoryIsRefused() {
        XCTAssertThrowsError(try spec("  - {task: filter, epochs: 1, lr: 0.001, optimizer: adam}\n", run: "both")) { error in
            XCTAssert("\(error)".contains("adam is not closed in overlap space"), "\(error)")
        }
    }

    /// A natural-gradient phase trains both sides with it (k = 1, ε = 0.5): for linear φ the
    /// theory's overlap-space natural gradient ends where the network's does, to 5e-3: the
    /// network's eigenpairs are accurate to their 1e-2 relative residual, i.e. about 1% of the
    /// overlaps' change (`NaturalGradientTheoryTests` shows 1e-7 with a tight tolerance); and the loss falls.
    func testNaturalGradientPhaseTheoryFollowsNetwork() throws {
        let s = try spec("  - {task: filter, epochs: 8, lr: 0.01, optimizer: natural, ntkRank: 1, damping: 0.5}\n")
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try PhaseStudy(spec: s, folder: folder).run(resume: false, progress: false)
        let theory = outcome.ends["theory"]![0], network = outcome.ends["network"]![0]
        XCTAssertLessThan(theory.endLoss, theory.startLoss)
        for (a, b) in zip(theory.overlaps, network.overlaps) { assertClose(a, b, absolute: 5e-3) }
    }

    /// `optimizer: natural` with `update: flow` is refused when the file is read: it is a map.
    func testNaturalGradientWithFlowIsRefused() {
        XCTAssertThrowsError(try spec("  - {task: filter, epochs: 1, lr: 0.001, optimizer: natural, update: flow}\n")) { error in
            XCTAssert("\(error)".contains("the natural gradient is a map"), "\(error)")
        }
    }
}

import XCTest
import GramFlowCore
import GramFlowNumerics
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
          - {task: filter-noise, options: {trials: 2}, epochs: 4, lr: 0.01, optimizer: sgd, targetNoise: 0.1}
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
}

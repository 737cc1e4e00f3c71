import XCTest
import GramFlowCore
import GramFlowNumerics
import OverlapTheory
@testable import Studies

/// The spec files under validation/studies/ parse and carry the parameters of docs/theory.md §8;
/// a tiny twins run goes through the whole protocol.
final class ShippedStudiesTests: XCTestCase {
    private func shipped(_ name: String) throws -> StudySpec {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try StudyFile.load(root.appendingPathComponent("validation/studies/\(name).yaml").path)
    }

    /// Every spec `make validate` runs loads; the flow-time twins run C for the paper's
    /// flow time η·epochs = 30 (30,000 epochs at η = 0.001).
    func testEveryShippedSpecLoads() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let names = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("validation/studies").path)
            .filter { $0.hasSuffix(".yaml") && $0 != "claims.yaml" }.map { String($0.dropLast(5)) }  // claims.yaml: `gramflow claims`
        XCTAssertEqual(Set(names), ["aba", "equivalence", "twins", "twins-flowtime"])
        for name in names { XCTAssertNoThrow(try shipped(name), name) }
        let c = try shipped("twins-flowtime").phases[2]
        XCTAssertEqual(c.lr * Double(c.epochs), 30, accuracy: 1e-9)
    }

    func testShippedFilesCarryTheReferenceParameters() throws {
        let aba = try shipped("aba")
        XCTAssertEqual(aba.phases.map(\.epochs), [3000, 1000, 1000, 1000, 4000])
        XCTAssertEqual(aba.phases.map { $0.options?.taskOptions.decay }, [0.2, 0.4, 0.2, 0.4, 0.2])
        XCTAssertEqual(aba.phases.map(\.noise), [0, 0, 0, 0, 0.1])
        XCTAssertEqual(aba.phases[4].lr, 2 * aba.phases[0].lr)
        XCTAssertEqual(aba.start.size, 500)
        let equivalence = try shipped("equivalence")
        XCTAssertEqual(equivalence.equivalence, EquivalenceSpec(normU: 2.05, sigmaMU: 0.8))
        let twins = try shipped("twins")
        XCTAssertEqual(twins.kind, .twins)
        XCTAssertGreaterThanOrEqual(twins.twins!.pairs, 10)
        XCTAssertEqual(twins.phases.map(\.task), [.flipflop, .decision, .teacher])
    }

    func testTinyTwinsRunStartsTogetherAndDiverges() throws {
        var spec = try shipped("twins")
        spec.model.steps = 240  // the decision task grades its response from 11 s on
        spec.twins!.pairs = 3; spec.twins!.networkPairs = 1; spec.twins!.networkNeurons = 12
        for i in spec.phases.indices { spec.phases[i].epochs = 2; spec.phases[i].options?.taskOptions.trials = 2 }
        for S in TwinsStudy.initialStates(spec) { XCTAssertGreaterThan(try SymmetricEigen(S).values.first!, 1e-3) }
        let study = try TwinsStudy.run(spec, progress: false)
        XCTAssertEqual(study.groups.map(\.kind), ["theory", "network"])
        XCTAssertEqual(study.groups[0].afterC.count, 3)
        // Different first tasks from one S₀: the twins differ after A/B.
        for g in study.groups { for d in study.distances(g, after: g.afterFirst, visible: true) { XCTAssertGreaterThan(d, 0) } }
        XCTAssertNotNil(study.groups[0].visibleDecoding)
        XCTAssertNil(study.groups[1].visibleDecoding)  // one pair cannot be decoded with a pair held out
    }

    /// The faithful twins of validation/paper/fig9-twins, reduced (3 pairs, 3 epochs a phase, batch 4):
    /// the flip-flop variant's gaps from a pulse's end to the next pulse lie in pulseGap [3, 4] s,
    /// each phase's batches carry the paper's loss normalisation, and the decoding is reported at
    /// epoch 0 (twins equal: exactly 0.5), after A/B and after C; two threads give the bits of one.
    func testReducedFaithfulTwins() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var spec = try StudyFile.load(root.appendingPathComponent("validation/paper/fig9-twins/twins.yaml").path)
        XCTAssertEqual(spec.model.spec.nonlinearity, .erf)
        XCTAssertEqual(spec.twins!.pairs, 10)
        XCTAssertEqual(spec.phases.map(\.epochs), [30000, 30000, 30000])
        XCTAssertEqual(spec.phases.map { $0.options?.taskOptions.trials }, [128, 128, 128])
        spec.twins!.pairs = 3
        for i in spec.phases.indices { spec.phases[i].epochs = 3; spec.phases[i].options?.taskOptions.trials = 4 }
        XCTAssertEqual(try (0..<3).map { try PhaseBatches(spec: spec, phase: $0).batch(epoch: 0).normalisation },
                       [.maskedMean, .maskedMean, .meanTimesDuration])
        let a = try PhaseBatches(spec: spec, phase: 0).batch(epoch: 0)
        for b in 0..<a.trials {
            let on = (0..<a.steps).map { a.x[a.inputIndex(b, $0, 0)] != 0 }
            let starts = on.indices.filter { on[$0] && ($0 == 0 || !on[$0 - 1]) }
            let ends = on.indices.filter { !on[$0] && $0 > 0 && on[$0 - 1] }
            XCTAssertGreaterThan(starts.count, 3)
            for (end, next) in zip(ends, starts.dropFirst()) {
                let gap = Double(next - end) * 0.05
                XCTAssert(gap >= 3 - 0.05 && gap <= 4 + 0.05, "gap \(gap) s")
            }
        }
        let group = try TwinsStudy.run(spec, progress: false).groups[0]
        XCTAssertEqual(group.stages.map(\.epoch), [0, 3, 6])
        XCTAssertEqual(group.stages[0].visible?.randomSplits, 0.5)
        XCTAssertEqual(group.stages[0].invisible?.leaveOneOut, 0.5)
        // The faithful tasks (A's gaps, B, the teacher at amplitude 2) on one thread: the same bits.
        let one = try TwinsStudy.run(spec, progress: false, workers: 1).groups[0]
        func bits(_ pairs: [([Double], [Double])]) -> [UInt64] { pairs.flatMap { ($0.0 + $0.1).map(\.bitPattern) } }
        XCTAssertEqual(bits(one.afterFirst), bits(group.afterFirst))
        XCTAssertEqual(bits(one.afterC), bits(group.afterC))
        XCTAssertEqual(one.firstPairTrajectories, group.firstPairTrajectories)
        XCTAssertNotEqual(bits(group.afterC)[0], bits(group.afterC)[20], "the pairs must differ for the test to mean anything")
    }

    /// The overlap-space pairs are independent: on two threads they give the very bits of one
    /// thread (overlaps after A/B and after C, final losses, the first pair's trajectories), erf,
    /// 5 pairs (an odd count, so the two workers get different numbers of pairs), SGD batches.
    func testTwinsOnTwoThreadsGiveTheBitsOfOne() throws {
        var spec = try shipped("twins")
        spec.model.steps = 240
        spec.model.phi = .erf
        spec.twins!.pairs = 5; spec.twins!.networkPairs = 0
        for i in spec.phases.indices { spec.phases[i].epochs = 4; spec.phases[i].options?.taskOptions.trials = 3 }
        let one = try TwinsStudy.run(spec, progress: false, workers: 1).groups[0]
        let two = try TwinsStudy.run(spec, progress: false, workers: 2).groups[0]
        func bits(_ pairs: [([Double], [Double])]) -> [UInt64] { pairs.flatMap { ($0.0 + $0.1).map(\.bitPattern) } }
        XCTAssertEqual(bits(two.afterFirst), bits(one.afterFirst))
        XCTAssertEqual(bits(two.afterC), bits(one.afterC))
        XCTAssertEqual(two.finalLosses.map { [$0.0.bitPattern, $0.1.bitPattern] }, one.finalLosses.map { [$0.0.bitPattern, $0.1.bitPattern] })
        XCTAssertEqual(two.firstPairTrajectories, one.firstPairTrajectories)
        XCTAssertFalse(one.firstPairTrajectories[0].isEmpty)
        XCTAssertNotEqual(bits(one.afterC)[0], bits(one.afterC)[10], "the pairs must differ for the test to mean anything")
    }

    /// The twins of a phase train in lockstep, each epoch's batch drawn once for all of them; the
    /// reference trains each twin alone through the engine's `train` on its own `PhaseBatches`
    /// (A or B, then C from where it got to): the same bits after A/B and after C, 4 pairs of
    /// the faithful erf twins with fresh batches, a learning-rate rule that fires, two threads.
    func testLockstepTwinsAreEachTwinTrainedAlone() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var spec = try StudyFile.load(root.appendingPathComponent("validation/paper/fig9-twins/twins.yaml").path)
        spec.twins!.pairs = 4
        for i in spec.phases.indices { spec.phases[i].epochs = 5; spec.phases[i].options?.taskOptions.trials = 6 }
        spec.phases[0].lrRules = [LearningRateRule(below: 10, divideBy: 5)]  // fires at once: η is each twin's own
        let model = spec.model.spec
        let group = try TwinsStudy.run(spec, progress: false, workers: 2).groups[0]
        func alone(_ S: Matrix, phase i: Int) throws -> Matrix {
            var learner = TheoryLearner(spec: model)
            let batches = try PhaseBatches(spec: spec, phase: i, theory: true)
            let phase = spec.phases[i]
            return try train(LearningProblem(model: model, initial: S, batches: batches.batch(epoch:)), with: &learner,
                             schedule: TrainingSchedule(epochs: phase.epochs, learningRate: phase.lr),
                             observers: [.learningRateRules(phase.rules)]).state
        }
        func entries(_ S: Matrix) -> [UInt64] { model.layout.overlapPairs.map { S[$0.0, $0.1].bitPattern } }
        for (p, S0) in TwinsStudy.initialStates(spec).enumerated() {
            for history in 0..<2 {
                let first = try alone(S0, phase: history), c = try alone(first, phase: 2)
                let (lockstepFirst, lockstepC) = history == 0 ? (group.afterFirst[p].0, group.afterC[p].0) : (group.afterFirst[p].1, group.afterC[p].1)
                XCTAssertEqual(lockstepFirst.map(\.bitPattern), entries(first), "pair \(p), twin \(history + 1), after A/B")
                XCTAssertEqual(lockstepC.map(\.bitPattern), entries(c), "pair \(p), twin \(history + 1), after C")
            }
        }
        XCTAssertNotEqual(group.afterC[0].0, group.afterC[0].1, "the twins must differ for the test to mean anything")
    }
}

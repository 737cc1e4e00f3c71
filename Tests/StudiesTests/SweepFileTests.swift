import Foundation
import XCTest
@testable import Studies
import GramFlowCore
import TestSupport

/// A sweep file expands into the points it describes (checked against the lists
/// written out by hand), and a bad one is refused before any work with FILE:LINE.
final class SweepFileTests: XCTestCase {
    private let good = """
    title: tiny
    sweep: run
    base:
      model: {rank: 1, steps: 20}
      initial: {neurons: 20, seed: 3}
      phases:
        - {task: filter, epochs: 5, lr: 0.005}
    axes:
      - {key: initial.neurons, values: [20, 40]}
      - {key: "phases[1].lr", logRange: {from: 1e-3, to: 1e-1, count: 3}}
    seeds: 2
    collect: [maxOverlapDeviation]
    fit: initial.neurons
    """

    private func plan(_ text: String) throws(StudyFileError) -> SweepPlan {
        try SweepFile.parse(text, file: "s.yaml", folder: FileManager.default.temporaryDirectory)
    }

    private func expectError(_ text: String, line: Int, field: String, mentions: String,
                             file: StaticString = #filePath, at: UInt = #line) {
        expectFileError(line: line, field: field, mentions: mentions, file: file, at: at) { () throws(StudyFileError) in
            _ = try plan(text)
        }
    }

    /// Crossed axes, the first outermost, seeds innermost: 2 × 3 × 2 = 12 points whose runs
    /// equal the run built by hand field by field.
    func testCrossedAxesAndSeedsExpandInOrder() throws {
        let p = try plan(good)
        XCTAssertEqual(p.points.count, 12)
        XCTAssertEqual(p.keys, ["initial.neurons", "phases[1].lr"])
        let expected: [([String], UInt64)] = ["20", "40"].flatMap { n in ["0.001", "0.01", "0.1"].flatMap { lr in
            [([n, lr], UInt64(3)), ([n, lr], UInt64(4))] } }
        XCTAssertEqual(p.points.map(\.values), expected.map(\.0))
        XCTAssertEqual(p.points.map(\.seed), expected.map(\.1))
        XCTAssertEqual(p.points.map(\.index), Array(1...12))
        // 1e-3 · 100^(1/2) is 0.01 to rounding: the log-range text is Swift's shortest double.
        let eta = 1e-3 * pow(100, 0.5)
        XCTAssertEqual(p.points[2].values[1], "\(eta)")
        let run = try XCTUnwrap(p.points[11].run)
        let byHand = RunConfiguration(task: .filter, model: ModelSpec(), epochs: 5, learningRate: 0.1, steps: 20, seed: 4, neurons: 40)
        XCTAssertEqual(run, byHand)
    }

    func testRangesZipAndIntegerLogRanges() throws {
        let zipped = good.replacingOccurrences(of: "  - {key: \"phases[1].lr\", logRange: {from: 1e-3, to: 1e-1, count: 3}}",
                                               with: "  - {key: phases.1.epochs, range: {from: 2, to: 6, step: 4}}")
            .replacingOccurrences(of: "seeds: 2", with: "seeds: 1\ncombine: zip")
        let z = try plan(zipped)
        XCTAssertEqual(z.points.map(\.values), [["20", "2"], ["40", "6"]])
        XCTAssertEqual(z.points.map { $0.run!.epochs }, [2, 6])
        let logN = SweepAxis(key: "initial.neurons", logRange: .init(from: 250, to: 8000, count: 6))
        XCTAssertEqual(try logN.expanded().get(), ["250", "500", "1000", "2000", "4000", "8000"])
        let range = SweepAxis(key: "phases[1].lr", range: .init(from: 0.1, to: 0.3, step: 0.1))
        XCTAssertEqual(try range.expanded().get().count, 3)
    }

    func testStudySweepWritesEachPointsStudy() throws {
        let p = try plan(good.replacingOccurrences(of: "sweep: run", with: "sweep: study")
            .replacingOccurrences(of: "collect: [maxOverlapDeviation]", with: "collect: [\"phaseEnds.network[1].endLoss\"]"))
        let study = try StudyFile.parse(try XCTUnwrap(p.points[5].study), file: "point.yaml")
        XCTAssertEqual(study.start.size, 20)
        XCTAssertEqual(study.start.randomSeed, 4)
        XCTAssertEqual(study.phases[0].lr, 0.1, accuracy: 1e-15)
    }

    func testBadFilesNameLineAndField() {
        expectError(good.replacingOccurrences(of: "seeds: 2", with: "seed: 2"), line: 11, field: "seed", mentions: "unknown key 'seed'")
        expectError(good.replacingOccurrences(of: "{key: initial.neurons,", with: "{key: initial.neuron,"),
                    line: 9, field: "axes[1].key", mentions: "not a value of a study file")
        expectError(good.replacingOccurrences(of: "\"phases[1].lr\", logRange", with: "phases.2.lr, logRange"),
                    line: 10, field: "axes[2].key", mentions: "list position the base does not have")
        expectError(good.replacingOccurrences(of: "count: 3", with: "count: 1"), line: 10, field: "axes[2].logRange.count",
                    mentions: "between 2 and")
        // The base is checked as a study file, at the sweep file's lines.
        expectError(good.replacingOccurrences(of: "epochs: 5, lr: 0.005", with: "epochs: -5, lr: 0.005"),
                    line: 7, field: "base.phases[1].epochs", mentions: "must be 0 or more")
        // A point that cannot run is reported at its axis: N = 2 is below D = 4.
        expectError(good.replacingOccurrences(of: "values: [20, 40]", with: "values: [20, 2]"),
                    line: 9, field: "axes[1]", mentions: "point 7 (initial.neurons = 2, phases[1].lr = 0.001, seed 3): initial.neurons: must be at least D = 4")
        expectError(good.replacingOccurrences(of: "seeds: 2", with: "seeds: 2\ncombine: zip"), line: 12, field: "combine",
                    mentions: "zip needs axes of equal length")
        expectError(good.replacingOccurrences(of: "[maxOverlapDeviation]", with: "[maxDeviation]"), line: 12, field: "collect[1]",
                    mentions: "unknown metric 'maxDeviation'")
        expectError(good.replacingOccurrences(of: "fit: initial.neurons", with: "fit: model.rank"), line: 13, field: "fit",
                    mentions: "not an axis")
        expectError(good.replacingOccurrences(of: "    - {task: filter, epochs: 5, lr: 0.005}",
                                              with: "    - {task: filter, epochs: 5, lr: 0.005}\n    - {task: filter, epochs: 5, lr: 0.005}"),
                    line: 7, field: "base.phases", mentions: "trains one phase")
    }

    /// Every number of a study's report.json is a metric, by its path.
    func testReportNumbersAreFlattenedByPath() {
        let json = #"{"a": 1.5, "b": {"c": [2, {"d": "nan"}], "e": true, "f": "text"}}"#
        let numbers = SweepPointResult.numbers(inJSON: Data(json.utf8))
        XCTAssertEqual(numbers.keys.sorted(), ["a", "b.c[1]", "b.c[2].d"])
        XCTAssertEqual(numbers["a"], 1.5)
        XCTAssertEqual(numbers["b.c[1]"], 2)
        XCTAssert(numbers["b.c[2].d"]!.isNaN)
    }
}

import XCTest
@testable import Studies

/// A bad study file is refused before any work, naming the file, the line and the field.
final class StudyFileTests: XCTestCase {
    private let good = """
    model: {rank: 1, steps: 20}
    initial: {neurons: 20, seed: 3}
    phases:
      - name: A
        task: filter
        epochs: 5
        lr: 0.005
      - {task: filter, options: {decay: 0.4}, epochs: 3, lr: 0.005, targetNoise: 0.1}
    """

    private func expectError(_ text: String, line: Int, field: String, mentions: String,
                             file: StaticString = #filePath, at: UInt = #line) {
        do {
            _ = try StudyFile.parse(text, file: "s.yaml")
            XCTFail("accepted a bad file", file: file, line: at)
        } catch {
            XCTAssertEqual(error.file, "s.yaml", file: file, line: at)
            XCTAssertEqual(error.line, line, "\(error)", file: file, line: at)
            XCTAssertEqual(error.field, field, "\(error)", file: file, line: at)
            XCTAssert(error.message.contains(mentions), "\(error)", file: file, line: at)
        }
    }

    func testGoodFileResolvesDefaults() throws {
        let spec = try StudyFile.parse(good, file: "s.yaml")
        XCTAssertEqual(spec.kind, .phases)
        XCTAssertEqual(spec.runners, .both)
        XCTAssertEqual(spec.phases.count, 2)
        XCTAssertEqual(spec.phases[1].options?.taskOptions.decay, 0.4)
        XCTAssertEqual(spec.phases[1].noise, 0.1)
        XCTAssertEqual(spec.model.spec.dt, 0.05)
        XCTAssertEqual(spec.label(phase: 0), "filter")
        XCTAssertEqual(spec.label(phase: 1), "filter (decay 0.4)")
    }

    func testUnknownKeyNamesLineAndField() {
        expectError(good.replacingOccurrences(of: "    epochs: 5", with: "    epoch: 5"),
                    line: 6, field: "phases[1].epoch", mentions: "unknown key 'epoch'")
        expectError(good.replacingOccurrences(of: "initial: {neurons: 20, seed: 3}", with: "initial: {neurons: 20, sed: 3}"),
                    line: 2, field: "initial.sed", mentions: "unknown key")
    }

    func testWrongTypeNamesLineAndField() {
        expectError(good.replacingOccurrences(of: "epochs: 5", with: "epochs: many"),
                    line: 6, field: "phases[1].epochs", mentions: "expected an integer")
        expectError(good.replacingOccurrences(of: "lr: 0.005, targetNoise", with: "lr: [1], targetNoise"),
                    line: 8, field: "phases[2].lr", mentions: "expected a single value")
    }

    func testNegativeEpochsNamesLineAndField() {
        expectError(good.replacingOccurrences(of: "epochs: 3", with: "epochs: -3"),
                    line: 8, field: "phases[2].epochs", mentions: "must be 0 or more (got -3)")
    }

    func testUnknownTaskNamesLineAndField() {
        expectError(good.replacingOccurrences(of: "{task: filter", with: "{task: juggling"),
                    line: 8, field: "phases[2].task", mentions: "unknown value; use one of filter")
    }

    func testTaskOptionOfAnotherTaskIsRefused() {
        expectError(good.replacingOccurrences(of: "options: {decay: 0.4}", with: "options: {decay: 0.4, trials: 3}"),
                    line: 8, field: "phases[2].options", mentions: "not an option of the filter task")
    }

    func testMissingRequiredKeyAndBadSyntax() {
        expectError(good.replacingOccurrences(of: "    lr: 0.005\n", with: ""),
                    line: 4, field: "phases[1].lr", mentions: "required key missing")
        expectError("model: {rank: 1\nphases: []", line: 2, field: "syntax", mentions: "not valid YAML")
    }
}

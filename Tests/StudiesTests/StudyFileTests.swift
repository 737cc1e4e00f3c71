import XCTest
@testable import Studies
import Yams

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
        expectFileError(line: line, field: field, mentions: mentions, file: file, at: at) { () throws(StudyFileError) in
            _ = try StudyFile.parse(text, file: "s.yaml")
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
        expectError(good.replacingOccurrences(of: "options: {decay: 0.4}", with: "options: {decay: 0.4, batch: 3}"),
                    line: 8, field: "phases[2].options", mentions: "not an option of the filter task")
    }

    func testMissingRequiredKeyAndBadSyntax() {
        expectError(good.replacingOccurrences(of: "    lr: 0.005\n", with: ""),
                    line: 4, field: "phases[1].lr", mentions: "required key missing")
        expectError("model: {rank: 1\nphases: []", line: 2, field: "syntax", mentions: "not valid YAML")
    }
}

/// The study schema (the keys a file may use) and the Codable types agree: a file with every
/// schema key decodes with every stored property set, and encodes back to exactly those keys.
final class StudySchemaAgreementTests: XCTestCase {
    private let everyKey = """
    study: phases
    title: t
    model: {rank: 1, phi: erf, dt: 0.05, tau: 1, inputs: 1, outputs: 1, steps: 20}
    initial: {neurons: 10, seed: 1, overlaps: {m1.m1: 1}, initialization: gaussian, scale: 1}
    run: both
    phases:
      - name: A
        label: A
        task: teacher
        options: {gain: 1, decay: 0.2, frequency: 2, batch: 3, noise: 0.1, pulseAmplitude: 0.5, teacher: {v1.u1: 0.5},
                  pulseDuration: [1, 2], pulseGap: [1, 2], amplitude: 2, level: 1, data: d.npz, bits: 1, inputs: 1, outputs: 1,
                  loss: masked-mean, targetGrid: stretched, pulseSchedule: paper}
        epochs: 1
        lr: 0.01
        targetNoise: 0.1
        optimizer: sgd
        ntkRank: 2
        damping: 0.5
        update: flow
        tolerance: 1e-10
        theoryBatches: independent
        lrRules: [{below: 0.1, divideBy: 2}]
    equivalence: {normU: 2, sigmaMU: 0.5}
    twins: {pairs: 2, seed: 1, offDiagonalScale: 0.3, normRange: [0.5, 2], networkPairs: 1, networkNeurons: 20}
    multitask: {model: dense, neurons: 8, batch: 2, dt: 0.2, phi: erf, gain: 1.5, epochs: 3, lr: 0.01, optimizer: gd,
                trackEvery: 2, seeds: [1, 2]}

    """

    /// Every stored property of `value` (recursively through the study's own types) is set.
    private func assertNothingMissing(_ value: Any, path: String = "study") {
        for child in Mirror(reflecting: value).children {
            let name = "\(path).\(child.label ?? "?")"
            let inner = Mirror(reflecting: child.value)
            if inner.displayStyle == .optional {
                guard let some = inner.children.first else { XCTFail("\(name) has no key in the schema"); continue }
                recurse(some.value, name)
            } else {
                recurse(child.value, name)
            }
        }
    }

    private func recurse(_ value: Any, _ path: String) {
        if let list = value as? [Any] { list.forEach { recurse($0, path + "[]") }; return }
        let type = String(describing: Swift.type(of: value))
        if ["StudyModel", "StudyInitial", "StudyPhase", "StudyTaskOptions", "TaskOptions", "LearningRateRule",
            "EquivalenceSpec", "TwinsSpec", "MultiTaskConfiguration"].contains(type) { assertNothingMissing(value, path: path) }
    }

    /// The keys of a schema node and of the JSON the Codable types write, level by level.
    private func compare(_ schema: StudySchema, _ json: Any, path: String) {
        switch schema {
        case .fields(let keys):
            guard let object = json as? [String: Any] else { return XCTFail("\(path): not an object") }
            XCTAssertEqual(Set(object.keys), Set(keys.keys), path)
            for (key, value) in object { if let sub = keys[key] { compare(sub, value, path: path + "." + key) } }
        case .list(let element):
            (json as? [Any] ?? []).forEach { compare(element, $0, path: path + "[]") }
        case .scalar, .dictionary, .any: break
        }
    }

    func testSchemaKeysAreTheCodingKeys() throws {
        let spec = try YAMLDecoder().decode(StudySpec.self, from: everyKey)
        assertNothingMissing(spec)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(spec))
        compare(StudySchema.study, json, path: "study")
    }
}

/// `parse` refuses its file s.yaml at `line`, naming `field`, with a message that mentions `mentions`
/// (study files and sweep files alike).
func expectFileError(line: Int, field: String, mentions: String, file: StaticString = #filePath, at: UInt = #line,
                     _ parse: () throws(StudyFileError) -> Void) {
    do {
        try parse()
        XCTFail("accepted a bad file", file: file, line: at)
    } catch {
        XCTAssertEqual(error.file, "s.yaml", file: file, line: at)
        XCTAssertEqual(error.line, line, "\(error)", file: file, line: at)
        XCTAssertEqual(error.field, field, "\(error)", file: file, line: at)
        XCTAssert(error.message.contains(mentions), "\(error)", file: file, line: at)
    }
}

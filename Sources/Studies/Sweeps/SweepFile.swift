import Foundation
import GramFlowCore
import OverlapTheory
import Yams

extension StudySchema {
    /// The keys of a sweep file; `base` is a study (checked by `StudyFile`) or a path.
    static let sweep: StudySchema = .fields([
        "sweep": .scalar, "title": .scalar, "base": .any,
        "axes": .list(.fields(["key": .scalar, "values": .list(.scalar),
                               "range": .fields(["from": .scalar, "to": .scalar, "step": .scalar]),
                               "logRange": .fields(["from": .scalar, "to": .scalar, "count": .scalar])])),
        "combine": .scalar, "seeds": .scalar, "collect": .list(.scalar), "fit": .scalar,
    ])
}

/// Reads a sweep file and expands it into its points, checking everything before
/// any work: the file's keys and types, the base as a study file (at its own lines),
/// every axis, and every point as the run or study it becomes; a point that cannot
/// run is reported at the line of the axis that made it. Errors are
/// `StudyFileError`s: `FILE:LINE: field: message`.
public enum SweepFile {
    /// The metrics a `sweep: run` point measures (`SweepPoint`).
    public static let runMetrics = ["maxOverlapDeviation", "maxLossDeviation", "finalLossTheory", "finalLossNetwork"]
    /// Points a sweep may have.
    public static let maximumPoints = 1_000_000

    public static func load(_ path: String) throws(StudyFileError) -> SweepPlan {
        let text = try StudyFile.text(of: path, kind: "a sweep file")
        return try parse(text, file: path, folder: URL(fileURLWithPath: path).deletingLastPathComponent())
    }

    /// - Parameter folder: where a `base: PATH` is looked up (the sweep file's folder).
    public static func parse(_ text: String, file: String, folder: URL) throws(StudyFileError) -> SweepPlan {
        let root = try StudyFile.compose(text, file: file)
        func fail(_ path: [String], _ message: String) -> StudyFileError {
            StudyFileError(file: file, line: StudyFile.line(of: path, in: root), field: StudyFile.dotted(path), message: message)
        }
        if let problem = StudySchema.sweep.check(root, path: []) {
            throw StudyFileError(file: file, line: problem.line, field: StudyFile.dotted(problem.path), message: problem.message)
        }
        let spec = try StudyFile.decode(SweepSpec.self, from: root, file: file)

        // The base: inline (errors at the sweep file's lines) or a study file of its own.
        guard let baseNode = root.mapping?["base"] else {
            throw fail(["base"], "required key missing; give the base study inline (model, initial, phases) or the path of a study file")
        }
        var base = Base(node: baseNode, file: file, prefix: ["base"])
        if let path = baseNode.scalar?.string {
            let resolved = path.hasPrefix("/") ? path : folder.appendingPathComponent(path).path
            let baseText: String
            do { baseText = try StudyFile.text(of: resolved, kind: "a study file") } catch {
                throw fail(["base"], "\(error.message) (\(resolved))")
            }
            base = Base(node: try StudyFile.compose(baseText, file: resolved), file: resolved, prefix: [])
        }
        let baseSpec = try StudyFile.spec(base.node, file: base.file, prefix: base.prefix)
        if spec.kind == .run, let (path, message) = runProblem(baseSpec) {
            throw StudyFileError(file: base.file, line: StudyFile.line(of: path, in: base.node),
                                 field: StudyFile.dotted(base.prefix + path), message: message)
        }

        // The axes.
        var axisValues: [[String]] = []
        var axisPaths: [[String]] = []
        var keys: [String] = []     // canonical: phases[1].lr (also written phases.1.lr)
        for (i, axis) in spec.axes.enumerated() {
            let at = ["axes", "\(i + 1)"]
            guard let path = keyPath(axis.key), StudySchema.study.allowsValue(at: path) else {
                throw fail(at + ["key"], "'\(axis.key)' is not a value of a study file; use a study-file key such as initial.neurons, phases[1].lr (phases[*].lr: every phase), model.rank or phases[1].options.gain")
            }
            guard base.node.hasListPositions(along: path) else {
                throw fail(at + ["key"], "'\(axis.key)' names a list position the base does not have")
            }
            guard path != ["initial", "seed"] else { throw fail(at + ["key"], "seeds are swept by `seeds: K` (initial.seed, initial.seed + 1, …), not by an axis") }
            guard !axisPaths.contains(path) else { throw fail(at + ["key"], "'\(axis.key)' is swept twice; give each key one axis") }
            switch axis.expanded() {
            case .success(let values): axisValues.append(values)
            case .failure(let problem): throw fail(at + (problem.field.map { $0.split(separator: ".").map(String.init) } ?? []), problem.message)
            }
            axisPaths.append(path)
            keys.append(StudyFile.dotted(path))
        }
        guard !spec.axes.isEmpty || spec.seedCount > 1 else { throw fail(["axes"], "give at least one axis (or seeds: K > 1)") }
        guard spec.seedCount >= 1 else { throw fail(["seeds"], "must be at least 1 (got \(spec.seedCount))") }
        if spec.combination == .zip, Set(axisValues.map(\.count)).count > 1 {
            throw fail(["combine"], "zip needs axes of equal length (they have \(axisValues.map { "\($0.count)" }.joined(separator: ", ")) values); use cross or give every axis the same number of values")
        }
        let combinations = spec.combination == .zip ? (axisValues.first?.count ?? 1)
            : axisValues.reduce(1) { $0 > maximumPoints ? $0 : $0 * $1.count }
        guard combinations <= maximumPoints / spec.seedCount else {
            throw fail(["axes"], "the sweep has more than \(maximumPoints) points; split it into several sweeps")
        }

        // What to collect, and the fit.
        guard !spec.collect.isEmpty else { throw fail(["collect"], "name at least one metric to collect") }
        if spec.kind == .run, let bad = spec.collect.firstIndex(where: { !runMetrics.contains($0) }) {
            throw fail(["collect", "\(bad + 1)"], "unknown metric '\(spec.collect[bad])'; a run measures \(runMetrics.joined(separator: ", "))")
        }
        let fit = spec.fit.map { keyPath($0).map(StudyFile.dotted) ?? $0 }
        if let fit, !keys.contains(fit) {
            throw fail(["fit"], "'\(fit)' is not an axis; fit against one of \(spec.axes.map(\.key).joined(separator: ", "))")
        }

        // Every point, checked as what it runs.
        let firstSeed = baseSpec.start.randomSeed
        var points: [PlannedPoint] = []
        points.reserveCapacity(combinations * spec.seedCount)
        for c in 0..<combinations {
            var choice: [Int] = []
            var rest = c
            for values in axisValues.reversed() {
                choice.insert(spec.combination == .zip ? c : rest % values.count, at: 0)
                rest /= values.count
            }
            let values = zip(axisValues, choice).map { $0[$1] }
            for s in 0..<spec.seedCount {
                let seed = firstSeed &+ UInt64(s)
                var node = base.node
                for (path, value) in zip(axisPaths, values) { node = node.setting(path, to: Node(value)) }
                node = node.setting(["initial", "seed"], to: Node(String(seed)))
                let index = points.count + 1
                func pointFailure(_ error: StudyFileError) -> StudyFileError {
                    let described = "point \(index) (" + (zip(keys, values).map { "\($0) = \($1)" } + ["seed \(seed)"]).joined(separator: ", ") + ")"
                    let field = base.prefix.isEmpty ? error.field : String(error.field.dropFirst(StudyFile.dotted(base.prefix).count + 1))
                    if let axis = keys.firstIndex(where: { field == $0 || field.hasPrefix($0 + ".") }) {
                        return fail(["axes", "\(axis + 1)"], "\(described): \(field): \(error.message)")
                    }
                    return StudyFileError(file: error.file, line: error.line, field: error.field, message: "\(described): \(error.message)")
                }
                let pointSpec: StudySpec
                do { pointSpec = try StudyFile.spec(node, file: base.file, prefix: base.prefix) } catch { throw pointFailure(error) }
                switch spec.kind {
                case .run:
                    let config = runConfiguration(pointSpec)
                    do throws(InputError) { try config.validate() } catch {
                        let path = pointSpec.place(of: error.key, phase: 0)
                        throw pointFailure(StudyFileError(file: base.file, line: StudyFile.line(of: path, in: base.node),
                                                          field: StudyFile.dotted(base.prefix + path), message: error.message))
                    }
                    points.append(PlannedPoint(index: index, values: values, seed: seed, run: config,
                                               memory: MemoryEstimate(config, run: .validation).bytes))
                case .study:
                    let yaml: String
                    do { yaml = try Yams.serialize(node: node) } catch {
                        throw StudyFileError(file: file, line: 0, field: "base", message: "the point's study could not be written as YAML: \(error)")
                    }
                    points.append(PlannedPoint(index: index, values: values, seed: seed, study: yaml,
                                               memory: MemoryEstimate(study: pointSpec).bytes))
                }
            }
        }
        return SweepPlan(kind: spec.kind, title: spec.title ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent,
                         keys: keys, collect: spec.collect, fit: fit, points: points)
    }

    /// Where the base study lives: its node, its file and the prefix of its fields there.
    private struct Base { var node: Node; var file: String; var prefix: [String] }

    /// `phases[1].options.gain` (or `phases.1.options.gain`, which needs no quotes in a YAML
    /// flow mapping) → ["phases", "1", "options", "gain"]; `phases[*].lr` → ["phases", "*", "lr"],
    /// the key in every phase (one η for a whole A-B-A protocol); nil when malformed.
    static func keyPath(_ key: String) -> [String]? {
        var path: [String] = []
        for part in key.split(separator: ".", omittingEmptySubsequences: false) {
            guard let open = part.firstIndex(of: "[") else {
                guard !part.isEmpty else { return nil }
                path.append(String(part)); continue
            }
            let inside = part.hasSuffix("]") ? part[part.index(after: open)..<part.index(before: part.endIndex)] : ""
            guard open > part.startIndex, inside == "*" || Int(inside) != nil else { return nil }
            path += [String(part[..<open]), inside == "*" ? "*" : "\(Int(inside)!)"]
        }
        return path.isEmpty ? nil : path
    }

    /// Why a study cannot be a `sweep: run` point (theory against network over one phase), or nil.
    static func runProblem(_ spec: StudySpec) -> ([String], String)? {
        guard spec.kind == .phases else { return (["study"], "a `sweep: run` point trains one phase; use `sweep: study` for the \(spec.kind.rawValue) protocol") }
        guard spec.runners == .both else { return (["run"], "a `sweep: run` point compares theory and network; leave out `run` (or use `sweep: study`)") }
        guard spec.phases.count == 1 else { return (["phases"], "a `sweep: run` point trains one phase (got \(spec.phases.count)); use `sweep: study` for several") }
        let phase = spec.phases[0]
        if phase.noise != 0 { return (["phases", "1", "targetNoise"], "a `sweep: run` point has no target noise; use `sweep: study`") }
        if !phase.rules.isEmpty { return (["phases", "1", "lrRules"], "a `sweep: run` point has no learning-rate rules; use `sweep: study`") }
        if phase.options?.hasFlipFlopShape == true { return (["phases", "1", "options"], "pulseDuration, amplitude and level need `sweep: study`") }
        return nil
    }

    /// The run a one-phase study is: its model, initial state and phase, as `gramflow validate` runs it.
    public static func runConfiguration(_ spec: StudySpec) -> RunConfiguration {
        var config = spec.configuration(phase: 0)
        let phase = spec.phases[0]
        config.seed = spec.start.randomSeed
        config.update = phase.update ?? .map
        config.flowTolerance = phase.tolerance ?? 1e-12
        config.initialOverlaps = spec.start.overlaps
        config.initialization = spec.start.initialization ?? .gaussian
        config.initialScale = spec.start.scale
        return config
    }
}

extension Node {
    /// This node with the value at `path` (mapping keys, 1-based list positions) replaced,
    /// creating mappings on the way; a list position past the end is left as it is; `*` sets
    /// it in every item of the list.
    func setting(_ path: [String], to value: Node) -> Node {
        guard let step = path.first else { return value }
        let rest = Array(path.dropFirst())
        if var sequence = self.sequence, step == "*" {
            for i in sequence.indices { sequence[i] = sequence[i].setting(rest, to: value) }
            return .sequence(sequence)
        }
        if var sequence = self.sequence, let i = Int(step) {
            guard i >= 1, i <= sequence.count else { return self }
            let at = sequence.index(sequence.startIndex, offsetBy: i - 1)
            sequence[at] = sequence[at].setting(rest, to: value)
            return .sequence(sequence)
        }
        var mapping = self.mapping ?? Node.Mapping([])
        mapping[step] = (mapping[step] ?? Node.Mapping([]).node).setting(rest, to: value)
        return .mapping(mapping)
    }
}

extension Node {
    /// Every list position along `path` exists (mapping keys may be missing: they are created).
    func hasListPositions(along path: [String]) -> Bool {
        guard let step = path.first else { return true }
        if let sequence = self.sequence {
            if step == "*" { return !sequence.isEmpty && sequence.allSatisfy { $0.hasListPositions(along: Array(path.dropFirst())) } }
            guard let i = Int(step), i >= 1, i <= sequence.count else { return false }
            return Array(sequence)[i - 1].hasListPositions(along: Array(path.dropFirst()))
        }
        guard let child = mapping?[step] else { return !path.dropFirst().contains { Int($0) != nil } }
        return child.hasListPositions(along: Array(path.dropFirst()))
    }
}

private extension Node.Mapping {
    var node: Node { .mapping(self) }
}

import Yams

/// The keys a study file may use, as a tree: decoding alone ignores unknown
/// keys, so a misspelt `epoch:` would silently fall back to a default. The
/// loader walks the YAML node tree against this schema first.
indirect enum StudySchema: Sendable {
    case scalar
    /// A mapping with these keys only.
    case fields([String: StudySchema])
    /// A mapping with free keys (overlap names), each value of this shape.
    case dictionary(StudySchema)
    case list(StudySchema)
    /// Any shape: checked by its own loader (a sweep file's `base`, a study or a path).
    case any

    static let taskOptions: StudySchema = .fields([
        "gain": .scalar, "decay": .scalar, "frequency": .scalar, "batch": .scalar, "noise": .scalar,
        "pulseAmplitude": .scalar, "teacher": .dictionary(.scalar), "pulseDuration": .list(.scalar), "pulseGap": .list(.scalar),
        "amplitude": .scalar, "level": .scalar,
        "data": .scalar, "bits": .scalar, "inputs": .scalar, "outputs": .scalar,
        "loss": .scalar, "targetGrid": .scalar, "pulseSchedule": .scalar,
    ])

    static let phase: StudySchema = .fields([
        "name": .scalar, "label": .scalar, "task": .scalar, "options": taskOptions, "epochs": .scalar,
        "lr": .scalar, "targetNoise": .scalar, "optimizer": .scalar, "update": .scalar, "tolerance": .scalar,
        "ntkRank": .scalar, "damping": .scalar, "theoryBatches": .scalar,
        "lrRules": .list(.fields(["below": .scalar, "divideBy": .scalar])),
    ])

    static let study: StudySchema = .fields([
        "study": .scalar, "title": .scalar,
        "model": .fields(["rank": .scalar, "phi": .scalar, "dt": .scalar, "tau": .scalar, "inputs": .scalar,
                          "outputs": .scalar, "steps": .scalar]),
        "initial": .fields(["neurons": .scalar, "seed": .scalar, "overlaps": .dictionary(.scalar), "initialization": .scalar, "scale": .scalar]),
        "run": .scalar,
        "phases": .list(phase),
        "equivalence": .fields(["normU": .scalar, "sigmaMU": .scalar]),
        "twins": .fields(["pairs": .scalar, "seed": .scalar, "offDiagonalScale": .scalar, "normRange": .list(.scalar),
                          "networkPairs": .scalar, "networkNeurons": .scalar]),
        "multitask": .fields(["model": .scalar, "neurons": .scalar, "batch": .scalar, "dt": .scalar, "phi": .scalar,
                              "gain": .scalar, "epochs": .scalar, "lr": .scalar, "optimizer": .scalar,
                              "trackEvery": .scalar, "seeds": .list(.scalar)]),
    ])

    /// A single value at `path` (mapping keys, 1-based list positions, `*` for every item): a key a sweep axis may set.
    func allowsValue(at path: [String]) -> Bool {
        guard let step = path.first else { if case .scalar = self { return true }; return false }
        switch self {
        case .fields(let keys): return keys[step]?.allowsValue(at: Array(path.dropFirst())) ?? false
        case .dictionary(let element): return element.allowsValue(at: Array(path.dropFirst()))
        case .list(let element): return (step == "*" || Int(step).map { $0 >= 1 } == true) && element.allowsValue(at: Array(path.dropFirst()))
        case .scalar, .any: return false
        }
    }

    /// The first key not in the schema, or a node of the wrong shape, as (path, line, message).
    func check(_ node: Node, path: [String]) -> (path: [String], line: Int, message: String)? {
        let line = node.mark?.line ?? 0
        switch self {
        case .any:
            return nil
        case .scalar:
            return node.scalar == nil ? (path, line, "expected a single value") : nil
        case .fields(let keys):
            guard let mapping = node.mapping else { return (path, line, "expected a mapping of keys") }
            for (key, value) in mapping {
                let name = key.string ?? "?"
                guard let schema = keys[name] else {
                    return (path + [name], key.mark?.line ?? line,
                            "unknown key '\(name)'; allowed here: \(keys.keys.sorted().joined(separator: ", "))")
                }
                if let problem = schema.check(value, path: path + [name]) { return problem }
            }
        case .dictionary(let element):
            guard let mapping = node.mapping else { return (path, line, "expected a mapping of names to values") }
            for (key, value) in mapping {
                if let problem = element.check(value, path: path + [key.string ?? "?"]) { return problem }
            }
        case .list(let element):
            guard let sequence = node.sequence else { return (path, line, "expected a list") }
            for (i, value) in sequence.enumerated() {
                if let problem = element.check(value, path: path + ["\(i + 1)"]) { return problem }
            }
        }
        return nil
    }
}

extension Node {
    /// The node at `path` (mapping keys, or 1-based list positions), or the deepest one that exists.
    func deepest(along path: [String]) -> Node {
        var node = self
        for step in path {
            if let mapping = node.mapping, let child = mapping[step] { node = child; continue }
            if let sequence = node.sequence, let i = Int(step), i >= 1, i <= sequence.count {
                node = Array(sequence)[i - 1]; continue
            }
            break
        }
        return node
    }
}

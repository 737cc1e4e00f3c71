import Foundation
import GramFlowCore
import Yams

/// A study file that cannot be run: the file, the line and the field at fault.
public struct StudyFileError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let line: Int
    /// The field's path, e.g. `phases[2].epochs`.
    public let field: String
    public let message: String
    /// `FILE:LINE: field: message`, or `FILE: message` for the file as a whole (line 0).
    public var description: String { line > 0 ? "\(file):\(line): \(field): \(message)" : "\(file): \(message)" }
}

/// Reads and checks a study file before any work: YAML syntax, unknown keys
/// (`StudySchema`), types (Yams' decoder, its coding path mapped back to a
/// line), then values (`StudySpec.problem()`).
public enum StudyFile {
    public static func load(_ path: String) throws(StudyFileError) -> StudySpec {
        try parse(try text(of: path, kind: "a study file"), file: path)
    }

    /// The UTF-8 text of a file, or the error naming what is wrong with the path.
    static func text(of path: String, kind: String) throws(StudyFileError) -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw StudyFileError(file: path, line: 0, field: "file", message: "the file does not exist; give the path of \(kind) (YAML)")
        }
        guard !isFolder.boolValue else {
            throw StudyFileError(file: path, line: 0, field: "file", message: "this is a folder; give the path of \(kind) (YAML)")
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw StudyFileError(file: path, line: 0, field: "file", message: FileErrors.message(error, verb: "read", path: path))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw StudyFileError(file: path, line: 0, field: "file", message: "the file is not UTF-8 text; save it as UTF-8")
        }
        return text
    }

    public static func parse(_ text: String, file: String) throws(StudyFileError) -> StudySpec {
        let root = try compose(text, file: file)
        return try spec(root, file: file)
    }

    /// The study held by `node` (a whole file, or a sweep file's `base`): keys, types, then
    /// values, each error at the node's own line, its field prefixed with `prefix`.
    static func spec(_ root: Node, file: String, prefix: [String] = []) throws(StudyFileError) -> StudySpec {
        func fail(_ path: [String], _ message: String) -> StudyFileError {
            StudyFileError(file: file, line: line(of: path, in: root), field: dotted(prefix + path), message: message)
        }
        if let problem = StudySchema.study.check(root, path: []) {
            throw StudyFileError(file: file, line: problem.line, field: dotted(prefix + problem.path), message: problem.message)
        }
        let spec = try decode(StudySpec.self, from: root, file: file, prefix: prefix)
        if let (path, message) = spec.problem() { throw fail(path, message) }
        return spec
    }

    /// Decodes `node` (its keys already checked against a schema); a wrong type is an error at its line.
    static func decode<T: Decodable>(_ type: T.Type, from root: Node, file: String, prefix: [String] = []) throws(StudyFileError) -> T {
        do {
            return try YAMLDecoder().decode(type, from: root)
        } catch let error as DecodingError {
            let (path, message) = describe(error)
            throw StudyFileError(file: file, line: line(of: path, in: root), field: dotted(prefix + path), message: message)
        } catch {
            throw StudyFileError(file: file, line: 0, field: "file", message: "\(error)")
        }
    }

    /// The root node of a YAML text, or the error at its line (syntax, a key given twice, an empty file).
    static func compose(_ text: String, file: String) throws(StudyFileError) -> Node {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw StudyFileError(file: file, line: 1, field: "file", message: "the file is empty")
            }
            return node
        } catch let error as StudyFileError { throw error } catch {
            if case .duplicatedKeysInMapping(let keys, let context)? = error as? YamlError {
                let (line, field) = duplicate(keys, after: context.mark, in: text)
                throw StudyFileError(file: file, line: line, field: field,
                                     message: "the key is given twice (first at line \(context.mark.line)); keep one")
            }
            let line = (error as? YamlError).flatMap(yamlLine) ?? 0
            throw StudyFileError(file: file, line: line, field: "syntax", message: "not valid YAML: \(error)")
        }
    }

    /// The line of the second occurrence of a duplicated key (Yams marks the first): the next
    /// line that starts with `key:` at the first one's column, after only spaces or "- ".
    private static func duplicate(_ keys: [String], after mark: Mark, in text: String) -> (line: Int, key: String) {
        let key = keys.first ?? "?"
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for number in stride(from: mark.line + 1, through: lines.count, by: 1) {
            let line = Array(lines[number - 1])
            guard line.count >= mark.column - 1, line.prefix(mark.column - 1).allSatisfy({ $0 == " " || $0 == "-" }) else { continue }
            let rest = String(line.dropFirst(mark.column - 1))
            if rest.hasPrefix(key + ":") || rest.hasPrefix("\"\(key)\":") { return (number, key) }
        }
        return (mark.line, key)
    }

    private static func yamlLine(_ error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    static func line(of path: [String], in root: Node) -> Int {
        root.deepest(along: path).mark?.line ?? 0
    }

    /// `phases[2].epochs` from ["phases", "2", "epochs"].
    static func dotted(_ path: [String]) -> String {
        guard !path.isEmpty else { return "(top level)" }
        return path.reduce("") { text, step in
            Int(step) != nil || step == "*" ? text + "[\(step)]" : (text.isEmpty ? step : text + "." + step)
        }
    }

    /// Path (1-based list positions) and message of a decoding error.
    private static func describe(_ error: DecodingError) -> ([String], String) {
        func steps(_ keys: [CodingKey]) -> [String] { keys.map { $0.intValue.map { "\($0 + 1)" } ?? $0.stringValue } }
        switch error {
        case .typeMismatch(let type, let context):
            return (steps(context.codingPath), "expected \(readable(type)): \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            return (steps(context.codingPath), "expected \(readable(type)), found nothing")
        case .keyNotFound(let key, let context):
            return (steps(context.codingPath) + [key.stringValue], "required key missing")
        case .dataCorrupted(let context):
            let path = steps(context.codingPath)
            return (path, allowedValues[path.last ?? ""].map { "unknown value; use one of \($0)" } ?? context.debugDescription)
        @unknown default:
            return ([], "\(error)")
        }
    }

    /// The values of the file's named choices, for a helpful message.
    private static let allowedValues: [String: String] = [
        "task": TaskName.allCases.map(\.rawValue).joined(separator: ", "),
        "phi": Nonlinearity.allCases.map(\.rawValue).joined(separator: ", "),
        "optimizer": "gd, sgd, adam, natural", "run": "theory, network, both", "study": "phases, equivalence, twins",
        "sweep": "run, study", "combine": "cross, zip",
    ]

    private static func readable(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is UInt64.Type: return "an integer"
        case is Double.Type: return "a number"
        case is String.Type: return "a string"
        default: return "\(type)"
        }
    }
}

import Foundation
import Yams

/// A validation claim and its verdict: what is claimed, the criterion it was
/// held to (fixed in a claims file before the run), what was measured, whether
/// it held, and what kind of claim it is.
///
/// * `regression`: an exactness or identity the code promises (linear theory =
///   network, adjoint identities, conservation by the flow). One that does not
///   hold fails `make validate`.
/// * `finding`: a statement about the science (a paper's claim, a scaling
///   exponent). It is reported whichever way it falls, never tuned to hold, and
///   does not fail the build.
public struct Claim: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable { case regression, finding }
    public var claim: String
    public var criterion: String
    public var measured: String
    public var held: Bool
    public var kind: Kind
}

/// claims.json: verdicts with a title, marked as GramFlow's own. Reports that state
/// claims of their own (the bifurcation demos, the studies) write one into their
/// output folder; `gramflow claims` writes one for a whole validation folder.
public struct ClaimsRecord: Codable, Sendable {
    public var tool = "gramflow"
    public var version = GramFlowVersion.current
    public var title: String
    public var claims: [Claim]

    public init(title: String, claims: [Claim]) { self.title = title; self.claims = claims }

    public var json: String { encodeJSON(self) }
}

extension Claim {
    /// A finding checked in code: `held` computed from `measured` by the report that states it.
    public static func finding(_ claim: String, criterion: String, measured: String, held: Bool) -> Claim {
        Claim(claim: claim, criterion: criterion, measured: measured, held: held, kind: .finding)
    }
}

/// A claims file (`claims.yaml` in a validation folder): the claims and their
/// criteria, each reading one number from a JSON report of the run:
///
///     title: Linear theory
///     claims:
///       - claim: the exact map equals the network (filter, rank 1, N = 500)
///         kind: regression
///         file: filter-rank1/report.json
///         key: maxOverlapDeviation          # dotted path; list items by index
///         reduce: max                        # for a list: max, min, mean or count
///         spread: …                          # optional: the key of its sd over seeds
///         criterion: "<= 1e-9"               # <=, <, >=, >, == and a number
///       - claim: a ratio, over three seeds
///         kind: finding
///         files: [seed1/report.json, seed2/report.json, seed3/report.json]  # instead of file
///         key: returns.network.2.invisibleSinceFirst
///         over: returns.network.2.invisibleExcursion   # optional: measured = key / over
///         criterion: "> 0.5"                 # with files: held only if every file's value meets it
///       - include: pitchfork-N300/claims.json    # the claims a report stated itself
public struct ClaimsFile: Codable, Sendable {
    public struct Entry: Codable, Sendable {
        /// The claims.json a report wrote (its claims are taken as they are), instead of one measurement.
        public var include: String?
        public var claim: String?
        public var kind: Claim.Kind?
        public var file: String?
        /// Several reports (one per seed) instead of `file`: measured as their mean ± s.d., held
        /// only when every one meets the criterion.
        public var files: [String]?
        public var key: String?
        /// A second key of the same report: the measurement is key / over (a ratio of two numbers).
        public var over: String?
        public var reduce: String?
        /// The key of the measurement's spread over seeds (a standard deviation), shown as ± beside it.
        public var spread: String?
        public var criterion: String?
    }
    public var title: String
    public var claims: [Entry]

    /// A claims file that cannot be checked, or a report it names that cannot be read.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public static func load(_ path: String) throws -> ClaimsFile {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Problem(description: "cannot read \(path); give the path of a claims.yaml file")
        }
        do { return try YAMLDecoder().decode(ClaimsFile.self, from: text) } catch {
            throw Problem(description: "\(path) is not a claims file (title, claims: claim, kind, file, key, criterion): \(error)")
        }
    }

    /// Every claim evaluated against the reports in `folder`.
    public func evaluate(in folder: URL) throws -> [Claim] {
        try claims.flatMap { entry -> [Claim] in
            if let include = entry.include {
                let url = folder.appendingPathComponent(include)
                guard let data = FileManager.default.contents(atPath: url.path),
                      let record = try? JSONDecoder().decode(ClaimsRecord.self, from: data) else {
                    throw Problem(description: "cannot read the claims \(url.path) a report writes; run the validation first")
                }
                // Named by the run they come from, so two runs of one study stay apart in the folder's table.
                let run = URL(fileURLWithPath: include).deletingLastPathComponent().relativePath
                return record.claims.map { claim in
                    var named = claim
                    if !run.isEmpty && run != "." { named.claim = "[\(run)] " + claim.claim }
                    return named
                }
            }
            guard let claim = entry.claim, let kind = entry.kind, let key = entry.key, let criterion = entry.criterion,
                  (entry.file == nil) != (entry.files == nil) else {
                throw Problem(description: "a claim needs claim, kind, file (or files), key and criterion (or include: a report's claims.json)")
            }
            if let files = entry.files {
                return [try measure(claim, kind: kind, files: files, key: key, over: entry.over, reduce: entry.reduce,
                                    criterion: criterion, in: folder)]
            }
            return [try measure(claim, kind: kind, file: entry.file!, key: key, over: entry.over, reduce: entry.reduce,
                                spread: entry.spread, criterion: criterion, in: folder)]
        }
    }

    /// A report's JSON, or the problem naming the claim that needs it.
    private func report(_ file: String, claim: String, in folder: URL) throws -> Any {
        let url = folder.appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: url.path),
              let json = try? JSONSerialization.jsonObject(with: data) else {
            throw Problem(description: "cannot read the report \(url.path) named by '\(claim)'; run the validation first")
        }
        return json
    }

    /// key (or key / over) of one report.
    private func value(_ json: Any, key: String, over: String?, reduce: String?, claim: String) throws -> Double {
        let value = try Self.number(json, key: key, reduce: reduce, claim: claim)
        guard let over else { return value }
        return value / (try Self.number(json, key: over, reduce: reduce, claim: claim))
    }

    /// The same measurement in every report of `files` (seeds): mean ± s.d. (n − 1), and the range.
    private func measure(_ claim: String, kind: Claim.Kind, files: [String], key: String, over: String?, reduce: String?,
                         criterion: String, in folder: URL) throws -> Claim {
        guard !files.isEmpty else { throw Problem(description: "'\(claim)': files is empty; name one report per seed") }
        let values = try files.map { try value(report($0, claim: claim, in: folder), key: key, over: over, reduce: reduce, claim: claim) }
        let (comparison, bound) = try Self.parse(criterion, claim: claim)
        let mean = values.reduce(0, +) / Double(values.count)
        let sd = values.count > 1 ? (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot() : 0
        let measured = String(format: "%.4g ± %.2g (%d seeds, %.4g to %.4g)", mean, sd, values.count, values.min()!, values.max()!)
        return Claim(claim: claim, criterion: criterion, measured: measured,
                     held: values.allSatisfy { comparison($0, bound) }, kind: kind)
    }

    private func measure(_ claim: String, kind: Claim.Kind, file: String, key: String, over: String?, reduce: String?,
                         spread: String?, criterion: String, in folder: URL) throws -> Claim {
        let json = try report(file, claim: claim, in: folder)
        let value = try value(json, key: key, over: over, reduce: reduce, claim: claim)
        let (comparison, bound) = try Self.parse(criterion, claim: claim)
        var measured = String(format: "%.4g", value)
        if let spread {
            measured += " ± " + String(format: "%.2g", try Self.number(json, key: spread, reduce: nil, claim: claim))
        }
        return Claim(claim: claim, criterion: criterion, measured: measured, held: comparison(value, bound), kind: kind)
    }

    private static func number(_ json: Any, key: String, reduce: String?, claim: String) throws -> Double {
        var node: Any = json
        for part in key.split(separator: ".") {
            if let object = node as? [String: Any], let next = object[String(part)] { node = next; continue }
            if let list = node as? [Any], let i = Int(part), list.indices.contains(i) { node = list[i]; continue }
            throw Problem(description: "'\(claim)': the report has no '\(key)' (stopped at '\(part)')")
        }
        func value(_ x: Any) -> Double? {
            if let n = x as? NSNumber { return n.doubleValue }
            if let s = x as? String { return Double(s) ?? (s == "inf" ? .infinity : s == "nan" ? .nan : nil) }
            return nil
        }
        if let list = node as? [Any] {
            if reduce == "count" { return Double(list.count) }
            let values = list.compactMap(value)
            guard values.count == list.count, !values.isEmpty else {
                throw Problem(description: "'\(claim)': '\(key)' is not a list of numbers")
            }
            switch reduce {
            case "max": return values.contains(where: \.isNaN) ? .nan : values.max()!
            case "min": return values.contains(where: \.isNaN) ? .nan : values.min()!
            case "mean": return values.reduce(0, +) / Double(values.count)
            default: throw Problem(description: "'\(claim)': '\(key)' is a list; give reduce: max, min, mean or count")
            }
        }
        guard let number = value(node) else { throw Problem(description: "'\(claim)': '\(key)' is not a number") }
        return number
    }

    /// "<= 1e-9" → (≤, 1e-9). A NaN measurement holds no criterion.
    private static func parse(_ criterion: String, claim: String) throws -> ((Double, Double) -> Bool, Double) {
        let operators: [(String, (Double, Double) -> Bool)] = [("<=", { $0 <= $1 }), (">=", { $0 >= $1 }), ("==", { $0 == $1 }),
                                                               ("<", { $0 < $1 }), (">", { $0 > $1 })]
        let text = criterion.trimmingCharacters(in: .whitespaces)
        for (symbol, comparison) in operators where text.hasPrefix(symbol) {
            if let bound = Double(text.dropFirst(symbol.count).trimmingCharacters(in: .whitespaces)) {
                return (comparison, bound)
            }
        }
        throw Problem(description: "'\(claim)': criterion '\(criterion)' is not an operator (<=, <, >=, >, ==) and a number")
    }

    /// The claims as a Markdown table.
    public static func markdown(_ claims: [Claim]) -> String {
        "| claim | kind | criterion | measured | held |\n| --- | --- | --- | --- | --- |\n"
            + claims.map { c in
                "| " + [c.claim, c.kind.rawValue, c.criterion, c.measured, c.held ? "yes" : "NO"]
                    .map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
            }
                .joined(separator: "\n") + "\n"
    }
}

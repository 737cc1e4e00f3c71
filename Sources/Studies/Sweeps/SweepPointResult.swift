import Foundation

/// points/NNNN/result/summary.json: how a point ended and the numbers it measured.
/// This small file is all `collect` reads of a point (never its per-epoch tables),
/// so collecting does not grow with the epochs of the points.
public struct SweepPointResult: Codable, Equatable, Sendable {
    public enum Status: String, Codable, Sendable {
        /// Ran to the end.
        case completed
        /// Ran, and a learner diverged: a result (running it again gives the same), not a failure.
        case diverged
        /// Stopped by an error (a file that could not be written, memory): rerun it.
        case failed
    }

    public var index: Int
    public var status: Status
    /// Why it diverged or failed.
    public var message: String?
    /// Every number the point measured, by name (`maxOverlapDeviation`; a study's report.json flattened,
    /// `returns.network[1].invisibleSinceFirst`).
    public var metrics: [String: Double]
    /// Named texts (a run's `theoryStatus`, `networkStatus`).
    public var labels: [String: String]

    public init(index: Int, status: Status, message: String? = nil, metrics: [String: Double] = [:], labels: [String: String] = [:]) {
        self.index = index; self.status = status; self.message = message; self.metrics = metrics; self.labels = labels
    }

    public static let fileName = "summary.json"

    /// The result in `folder` (a point's result/), or nil when there is none or it cannot be read.
    public static func read(in folder: URL) -> SweepPointResult? {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(fileName).path) else { return nil }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try? decoder.decode(SweepPointResult.self, from: data)
    }

    /// Every number of a JSON document by its path: `a.b[2].c` (list positions from 1);
    /// "nan" and "inf" strings are numbers, other texts are left out.
    public static func numbers(inJSON data: Data) -> [String: Double] {
        guard let root = try? JSONDecoder().decode(JSONValue.self, from: data) else { return [:] }
        var found: [String: Double] = [:]
        func walk(_ value: JSONValue, _ path: String) {
            switch value {
            case .object(let dictionary): for (key, child) in dictionary { walk(child, path.isEmpty ? key : path + "." + key) }
            case .list(let array): for (i, child) in array.enumerated() { walk(child, path + "[\(i + 1)]") }
            case .number(let x): found[path] = x
            case .text(let text): if let x = ["nan": Double.nan, "inf": .infinity, "-inf": -.infinity][text] { found[path] = x }
            case .other: break
            }
        }
        walk(root, "")
        return found
    }

    /// A JSON document as a tree.
    private indirect enum JSONValue: Decodable {
        case number(Double), text(String), list([JSONValue]), object([String: JSONValue]), other

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .other }
            else if (try? c.decode(Bool.self)) != nil { self = .other }
            else if let x = try? c.decode(Double.self) { self = .number(x) }
            else if let s = try? c.decode(String.self) { self = .text(s) }
            else if let a = try? c.decode([JSONValue].self) { self = .list(a) }
            else { self = .object(try c.decode([String: JSONValue].self)) }
        }
    }
}

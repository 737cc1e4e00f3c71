import Foundation

/// One axis of a sweep: a key of the base in study-file words (`initial.neurons`,
/// `phases[1].lr`, `model.rank`, `phases[2].options.gain`) and its values, given
///
/// * as a list, `values: [250, 500, 1000]` (numbers or names, written as given);
/// * as a range, `range: {from: a, to: b, step: s}`: a, a + s, … up to b (b included
///   when it is hit to 1e-9 of s);
/// * as a log-range, `logRange: {from: a, to: b, count: n}`: n values a·(b/a)^(i/(n−1)).
///
/// When `from`, `to` (and `step`) are all integers the values are integers (a
/// log-range rounds to the nearest one), so that `neurons` or `epochs` can be swept.
public struct SweepAxis: Codable, Equatable, Sendable {
    public var key: String
    public var values: [String]?
    public var range: Range?
    public var logRange: LogRange?

    public struct Range: Codable, Equatable, Sendable {
        public var from: Double
        public var to: Double
        public var step: Double
    }

    public struct LogRange: Codable, Equatable, Sendable {
        public var from: Double
        public var to: Double
        public var count: Int
    }

    /// The values as the scalars substituted into the base, or a message saying what is wrong.
    public func expanded() -> Result<[String], AxisProblem> {
        let given = [values != nil, range != nil, logRange != nil].filter { $0 }.count
        guard given == 1 else { return .failure(AxisProblem(field: nil, message: "give exactly one of values, range or logRange")) }
        if let values {
            guard !values.isEmpty else { return .failure(AxisProblem(field: "values", message: "give at least one value")) }
            return .success(values)
        }
        if let r = range {
            guard r.from.isFinite, r.to.isFinite, r.step.isFinite, r.step != 0, (r.to - r.from) / r.step >= 0 else {
                return .failure(AxisProblem(field: "range", message: "from, to and step must be numbers with step ≠ 0 leading from `from` to `to`"))
            }
            let count = Int(((r.to - r.from) / r.step + 1e-9).rounded(.down)) + 1
            guard count <= Self.maximumCount else { return .failure(AxisProblem(field: "range", message: "gives \(count) values, more than \(Self.maximumCount)")) }
            let integers = [r.from, r.to, r.step].allSatisfy(Self.isInteger)
            return .success((0..<count).map { i in Self.text(r.from + Double(i) * r.step, integer: integers) })
        }
        let l = logRange!
        guard l.from > 0, l.to > 0, l.from.isFinite, l.to.isFinite else {
            return .failure(AxisProblem(field: "logRange", message: "from and to must be positive numbers"))
        }
        guard l.count >= 2, l.count <= Self.maximumCount else {
            return .failure(AxisProblem(field: "logRange.count", message: "must be between 2 and \(Self.maximumCount) (got \(l.count))"))
        }
        let integers = Self.isInteger(l.from) && Self.isInteger(l.to)
        let values = (0..<l.count).map { i in
            i == l.count - 1 ? l.to : l.from * pow(l.to / l.from, Double(i) / Double(l.count - 1))
        }
        let texts = values.map { Self.text($0, integer: integers) }
        guard Set(texts).count == texts.count else {
            return .failure(AxisProblem(field: "logRange.count", message: "rounded to integers, two values coincide (\(texts.joined(separator: ", "))); lower count"))
        }
        return .success(texts)
    }

    /// A bad axis: the field inside the axis (nil for the axis itself) and the message.
    public struct AxisProblem: Error, Equatable {
        public let field: String?
        public let message: String
    }

    static let maximumCount = 1_000_000

    private static func isInteger(_ x: Double) -> Bool { x == x.rounded() && abs(x) < 1e15 }

    /// The scalar written into the base: an integer, or Swift's shortest round-trip text of the double.
    private static func text(_ x: Double, integer: Bool) -> String {
        integer ? String(Int(x.rounded())) : "\(x)"
    }
}

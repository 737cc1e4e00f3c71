import Foundation

/// Least-squares fit of log y = a + b log x: the exponent b of a power law y ∝ x^b.
public struct LogLogFit: Codable, Equatable, Sendable {
    public let slope: Double
    public let intercept: Double

    /// nil with fewer than two points or no spread in x; non-positive y are skipped.
    public init?(x: [Double], y: [Double]) {
        let pairs = zip(x, y).filter { $0.0 > 0 && $0.1 > 0 && $0.1.isFinite }.map { (log($0.0), log($0.1)) }
        guard pairs.count >= 2 else { return nil }
        let n = Double(pairs.count)
        let mx = pairs.reduce(0) { $0 + $1.0 } / n, my = pairs.reduce(0) { $0 + $1.1 } / n
        let sxx = pairs.reduce(0) { $0 + ($1.0 - mx) * ($1.0 - mx) }
        guard sxx > 0 else { return nil }
        slope = pairs.reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / sxx
        intercept = my - slope * mx
    }
}

/// Mean and sample standard deviation.
public struct Spread: Codable, Equatable, Sendable {
    public let mean: Double
    public let standardDeviation: Double
    public let count: Int

    public init(_ values: [Double]) {
        count = values.count
        let m = values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        mean = m
        standardDeviation = values.count < 2 ? 0
            : (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
    }
}

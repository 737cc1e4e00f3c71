import GramFlowNumerics

/// Logistic regression p(y = 1 | x) = σ(w·x̂ + b) on standardised features
/// x̂ = (x − mean)/sd (training statistics), fitted by Newton's method on the
/// mean cross-entropy plus (λ/2)‖(w, b)‖² (λ keeps w finite on separable data):
///
///     g = Xᵀ(p − y)/n + λθ,   H = Xᵀ diag(p(1−p)) X/n + λI,   θ ← θ − H⁻¹g
///
/// with X's rows (x̂, 1). The objective is strictly convex, so Newton converges.
public struct LogisticRegression {
    public private(set) var weights: [Double]
    public private(set) var bias = 0.0
    private var mean: [Double], scale: [Double]

    public init(features x: [[Double]], labels y: [Int], lambda: Double = 1e-2, iterations: Int = 50) {
        let d = x.first?.count ?? 0, n = Double(x.count)
        mean = (0..<d).map { j in x.reduce(0) { $0 + $1[j] } / n }
        scale = (0..<d).map { [mean] j in
            let v = x.reduce(0) { $0 + ($1[j] - mean[j]) * ($1[j] - mean[j]) } / n
            return v > 1e-24 ? v.squareRoot() : 1  // a constant feature carries nothing
        }
        weights = Array(repeating: 0, count: d)
        let rows = x.map { standardised($0) + [1] }
        var theta = Array(repeating: 0.0, count: d + 1)
        for _ in 0..<iterations {
            var g = theta.map { lambda * $0 }
            var H = Matrix.identity(d + 1)
            for i in 0...d { H[i, i] = lambda }
            for (row, label) in zip(rows, y) {
                let p = 1 / (1 + Double.exp(-zip(theta, row).reduce(0) { $0 + $1.0 * $1.1 }))
                for i in 0...d {
                    g[i] += (p - Double(label)) * row[i] / n
                    for j in 0...d { H[i, j] += p * (1 - p) * row[i] * row[j] / n }
                }
            }
            // λI makes H positive definite, so its Cholesky factor exists.
            let step = solveWithCholesky(try! choleskyLower(H), g)
            for i in 0...d { theta[i] -= step[i] }
            if step.reduce(0, { max($0, abs($1)) }) < 1e-12 { break }
        }
        weights = Array(theta[..<d]); bias = theta[d]
    }

    /// x from L Lᵀ x = b: forward, then backward substitution.
    private func solveWithCholesky(_ L: Matrix, _ b: [Double]) -> [Double] {
        let n = b.count
        var z = b
        for i in 0..<n { for k in 0..<i { z[i] -= L[i, k] * z[k] }; z[i] /= L[i, i] }
        for i in stride(from: n - 1, through: 0, by: -1) { for k in (i + 1)..<n { z[i] -= L[k, i] * z[k] }; z[i] /= L[i, i] }
        return z
    }

    private func standardised(_ x: [Double]) -> [Double] { zip(x, zip(mean, scale)).map { ($0 - $1.0) / $1.1 } }
    private func dot(_ x: [Double]) -> Double { zip(weights, x).reduce(bias) { $0 + $1.0 * $1.1 } }

    public func predict(_ x: [Double]) -> Int { dot(standardised(x)) > 0 ? 1 : 0 }
}

/// Decoding accuracy with whole pairs held out: a pair's two twins are always
/// in the same fold, so the decoder never sees the initial state it is tested on.
public struct DecodingAccuracy: Codable, Sendable {
    /// Leave-one-pair-out: the mean accuracy over pairs and the sd of the per-pair accuracy.
    public var leaveOneOut: Double, leaveOneOutSD: Double
    /// Random halves of the pairs (train on one half, test on the other), repeated: mean and sd over repeats.
    public var splitHalf: Double, splitHalfSD: Double
    public var repeats: Int
    /// The overlap paper's decoder: `splits` random splits with `testPairs` pairs held out, Gaussian
    /// noise of s.d. `trainingNoise` added to the training features only (before they are
    /// standardised): mean and sd of the test accuracy over splits.
    public var randomSplits: Double, randomSplitsSD: Double
    public var splits: Int, testPairs: Int, trainingNoise: Double

    /// `features[p]` = (twin with label 0, twin with label 1) of pair p.
    /// - Parameters:
    ///   - splits, testPairs, trainingNoise: the paper's decoder (50 splits of 8/2 pairs at 10 pairs,
    ///     noise 0.3); `testPairs` defaults to a fifth of the pairs (at least one).
    public static func measure(_ features: [([Double], [Double])], repeats: Int = 20, seed: UInt64 = 7,
                               splits: Int = 50, testPairs: Int? = nil, trainingNoise: Double = 0.3) -> DecodingAccuracy {
        let random = RandomSource(seed: seed)
        func accuracy(train: [Int], test: [Int], noise: Double = 0) -> Double {
            var x = train.flatMap { [features[$0].0, features[$0].1] }
            if noise > 0 { x = x.map { row in row.map { $0 + noise * random.gaussian() } } }
            let y = train.flatMap { _ in [0, 1] }
            let model = LogisticRegression(features: x, labels: y)
            let hits = test.reduce(0) { $0 + (model.predict(features[$1].0) == 0 ? 1 : 0) + (model.predict(features[$1].1) == 1 ? 1 : 0) }
            return Double(hits) / Double(2 * test.count)
        }
        let pairs = Array(features.indices)
        let loo = pairs.map { p in accuracy(train: pairs.filter { $0 != p }, test: [p]) }
        func shuffled() -> [Int] {
            var order = pairs
            for i in stride(from: order.count - 1, to: 0, by: -1) {  // Fisher–Yates
                order.swapAt(i, min(i, Int(random.uniform() * Double(i + 1))))
            }
            return order
        }
        let halves: [Double] = (0..<repeats).map { _ in
            let order = shuffled(), cut = order.count / 2
            return accuracy(train: Array(order[..<cut]), test: Array(order[cut...]))
        }
        // Drawn after the halves, so the halves are the numbers they always were.
        let held = min(max(1, testPairs ?? pairs.count / 5), pairs.count - 1)
        let paper: [Double] = (0..<splits).map { _ in
            let order = shuffled()
            return accuracy(train: Array(order[held...]), test: Array(order[..<held]), noise: trainingNoise)
        }
        let a = Spread(loo), b = Spread(halves), c = Spread(paper)
        return DecodingAccuracy(leaveOneOut: a.mean, leaveOneOutSD: a.standardDeviation,
                                splitHalf: b.mean, splitHalfSD: b.standardDeviation, repeats: repeats,
                                randomSplits: c.mean, randomSplitsSD: c.standardDeviation, splits: splits,
                                testPairs: held, trainingNoise: trainingNoise)
    }
}

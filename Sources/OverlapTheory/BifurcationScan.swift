import GramFlowNumerics

/// A codimension-1 bifurcation of the latent fixed point met while one parameter
/// (an overlap, or a combination) varies.
public struct BifurcationCrossing: Sendable, Equatable {
    public enum Kind: String, Sendable { case pitchfork, saddleNode = "saddle-node", hopf }
    public let kind: Kind
    /// The parameter value at the crossing (refined by bisection).
    public let parameter: Double
    /// κ* at the last point of the followed branch before the crossing.
    public let kappa: [Double]
    /// The leading eigenvalue there (real, imaginary): real ≈ 0 at a crossing.
    public let eigenvalue: (real: Double, imaginary: Double)

    public static func == (a: Self, b: Self) -> Bool {
        a.kind == b.kind && a.parameter == b.parameter && a.kappa == b.kappa
            && a.eigenvalue.real == b.eigenvalue.real && a.eigenvalue.imaginary == b.eigenvalue.imaginary
    }
}

/// Follows the fixed point branch of a latent field family f_s along the values s
/// (natural continuation: Newton from the previous point) and reports where it
/// loses stability:
///
/// * the leading real part changes sign: Hopf if that eigenvalue is complex, else a
///   pitchfork when the branch is the symmetric κ* = 0 of a field without input;
/// * the branch ends (Newton fails or jumps by more than `jump`): a saddle-node (fold).
///
/// Each crossing is refined by bisection on s to `parameterTolerance`.
public struct BifurcationScan {
    public let family: (Double) -> LatentVectorField
    public var jump = 0.25
    public var parameterTolerance = 1e-12

    public init(family: @escaping (Double) -> LatentVectorField) { self.family = family }

    public struct Result {
        /// (s, κ*, leading eigenvalue) along the followed branch.
        public var branch: [(parameter: Double, point: LatentFixedPoint)] = []
        public var crossings: [BifurcationCrossing] = []
        /// The value of s where the followed branch ended (a fold), if it did.
        public var endedAt: Double?
    }

    public func run(values: [Double], start guess: [Double]) throws -> Result {
        var result = Result()
        var previous: (s: Double, point: LatentFixedPoint)?
        for s in values {
            let seed = previous?.point.kappa ?? guess
            let point = try family(s).fixedPoint(from: seed)
            let continues = point != nil && (previous == nil || distance(point!.kappa, seed) <= jump)
            guard continues, let point else {
                if let previous {
                    result.crossings.append(try refine(from: previous, to: s, fold: true))
                    result.endedAt = s
                }
                return result
            }
            if let previous, (previous.point.leadingRealPart < 0) != (point.leadingRealPart < 0) {
                result.crossings.append(try refine(from: previous, to: s, fold: false))
            }
            result.branch.append((s, point))
            previous = (s, point)
        }
        return result
    }

    private func distance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    /// Bisection between the last good point and s: "good" means Newton from the last
    /// good κ converges nearby with the same sign of the leading real part.
    private func refine(from start: (s: Double, point: LatentFixedPoint), to end: Double,
                        fold: Bool) throws -> BifurcationCrossing {
        var good = start, bad = end
        let stable = start.point.leadingRealPart < 0
        while abs(bad - good.s) > parameterTolerance * max(1, abs(good.s)) {
            let mid = 0.5 * (good.s + bad)
            if let p = try family(mid).fixedPoint(from: good.point.kappa),
               distance(p.kappa, good.point.kappa) <= jump, (p.leadingRealPart < 0) == stable {
                good = (mid, p)
            } else {
                bad = mid
            }
        }
        let point = good.point
        let symmetric = family(good.s).input.allSatisfy { $0 == 0 } && point.kappa.allSatisfy { abs($0) <= 1e-10 }
        let kind: BifurcationCrossing.Kind = point.leadingImaginaryPart != 0 ? .hopf
            : (fold || !symmetric ? .saddleNode : .pitchfork)
        return BifurcationCrossing(kind: kind, parameter: 0.5 * (good.s + bad), kappa: point.kappa,
                                   eigenvalue: (point.leadingRealPart, point.leadingImaginaryPart))
    }
}

/// The fitted exponent b of metric ∝ x^b (`LogLogFit`), x the sweep's `fit` axis: one
/// fit per seed over the points that share every other axis value, and the spread of
/// b over seeds (`Spread`), as `ScalingReport` does for `validate`.
public struct SweepFit: Codable, Equatable, Sendable {
    /// The other axes' values this fit holds fixed, in axis order (key → value).
    public var fixed: [String]
    public var metric: String
    public var perSeed: [Double]
    public var spread: Spread

    /// Every fit of a collected sweep: per group of other-axis values and per metric,
    /// in the order the groups first appear. Only completed points enter.
    public static func fits(plan: SweepPlan, results: [SweepPointResult?]) -> [SweepFit] {
        guard let key = plan.fit, let axis = plan.keys.firstIndex(of: key) else { return [] }
        let others = plan.keys.indices.filter { $0 != axis }
        var groups: [[String]] = []
        var members: [[String]: [Int]] = [:]
        for (i, point) in plan.points.enumerated() {
            let group = others.map { point.values[$0] }
            if members[group] == nil { groups.append(group) }
            members[group, default: []].append(i)
        }
        let seeds = Array(Set(plan.points.map(\.seed))).sorted()
        return groups.flatMap { group in
            plan.collect.compactMap { metric -> SweepFit? in
                let slopes = seeds.compactMap { seed -> Double? in
                    let series = members[group]!.filter { plan.points[$0].seed == seed && results[$0]?.status == .completed }
                    return LogLogFit(x: series.map { Double(plan.points[$0].values[axis]) ?? .nan },
                                     y: series.map { results[$0]?.metrics[metric] ?? .nan })?.slope
                }
                guard !slopes.isEmpty else { return nil }
                return SweepFit(fixed: zip(others, group).map { "\(plan.keys[$0]) = \($1)" }, metric: metric,
                                perSeed: slopes, spread: Spread(slopes))
            }
        }
    }
}

/// A sweep file (YAML): a base run or study written in study-file words, the axes
/// that vary it, the seeds, and what to collect.
///
///     sweep: run                       # run: theory against network, as `gramflow validate`
///                                      # study: the base is a study, as `gramflow study`
///     base:                            # a study file's keys inline, or the path of a study file
///       model: {rank: 1, phi: erf, dt: 0.025, steps: 800}
///       initial: {neurons: 500, seed: 1}
///       phases: [{task: flipflop, options: {batch: 10}, epochs: 30, lr: 5e-2}]
///     axes:
///       - {key: initial.neurons, logRange: {from: 250, to: 8000, count: 6}}
///       - {key: phases[1].lr, values: [1e-2, 5e-2]}
///     combine: cross                   # cross (every combination, first axis outermost) or zip
///     seeds: 5                         # initial.seed, initial.seed + 1, … (innermost)
///     collect: [maxOverlapDeviation, maxLossDeviation]
///     fit: initial.neurons             # exponent b of metric ∝ key^b, per seed, with its spread
///
/// The types below are what the file decodes to; `SweepFile` checks them with
/// FILE:LINE errors and expands them into points.
public struct SweepSpec: Codable, Equatable, Sendable {
    public var sweep: SweepKind?
    public var title: String?
    /// An inline study (decoded separately from its node) or a path; here only the path.
    public var axes: [SweepAxis]
    public var combine: SweepCombination?
    public var seeds: Int?
    public var collect: [String]
    public var fit: String?

    public var kind: SweepKind { sweep ?? .run }
    public var combination: SweepCombination { combine ?? .cross }
    public var seedCount: Int { seeds ?? 1 }

    private enum CodingKeys: String, CodingKey { case sweep, title, axes, combine, seeds, collect, fit }
}

/// What each point runs.
public enum SweepKind: String, Codable, Sendable {
    /// Theory and network from the same initial overlaps, compared (`gramflow validate`).
    case run
    /// A study file (`gramflow study`).
    case study
}

/// How the axes combine into points.
public enum SweepCombination: String, Codable, Sendable {
    /// Every combination; the first axis varies slowest.
    case cross
    /// The i-th value of every axis together (all axes equally long).
    case zip
}

import Foundation
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory

/// Functionally equivalent networks (docs/theory.md §8). From a Gaussian network with
/// overlaps S₁, the second network realises exactly (`LowRankNetwork.realizing`)
///
///     S₂ = S₁ with σ_{u1u1} = normU and σ_{m1u1} = sigmaMU,
///
/// invisible overlaps for linear φ, whose output y_t = Σ_j C_j c_{t,j} with
/// c_t driven by A = S_{V,E} depends only on the visible blocks A, C (docs/theory.md §3).
/// So both compute the same function at finite N; learning then separates them,
/// because the update S ← (I − 2ηG) S (I − 2ηG) mixes invisible entries into
/// visible ones. A random perturbation P₁ + εΞ moving S by the same Frobenius
/// distance is the comparison: it changes the visible overlaps, hence the output.
public struct EquivalenceStudy {
    public let spec: StudySpec
    /// The three networks' outputs on phase 1's batch (direct forward pass) and losses (BPTT pass).
    public var outputDifference: Double, lossDifference: Double
    public var visibleDifference: Double, invisibleDifference: Double
    public var perturbationOutputDifference: Double, perturbationLossDifference: Double, perturbationVisibleDifference: Double
    public var perturbationScale: Double
    public var lossNetwork1: Double
    /// Per learner kind, per epoch of all phases: (‖vis S₁ − vis S₂‖, |L₁ − L₂|).
    public var separation: [String: [(Double, Double)]]
    public var trajectories: [String: [String]]

    public static func run(_ spec: StudySpec, progress: Bool) throws -> EquivalenceStudy {
        let model = spec.model.spec, layout = model.layout, visible = Visibility(spec: model).isVisible
        let e = spec.equivalence!
        let first = try InitialState.network(RunConfiguration(model: model, seed: spec.start.randomSeed, neurons: spec.start.size))
        let S1 = first.overlaps
        var S2 = S1
        let (m, u) = (layout.m(0), layout.u(0))
        S2[u, u] = e.normU; S2[m, u] = e.sigmaMU; S2[u, m] = e.sigmaMU
        let smallest = try SymmetricEigen(S2).values.first ?? 0
        guard smallest > 0 else {
            throw InputError(.equivalence, "σ_uu = \(e.normU), σ_mu = \(e.sigmaMU) with the other overlaps is not positive definite (smallest eigenvalue \(smallest))")
        }
        let second = try LowRankNetwork.realizing(overlaps: S2, spec: model, neurons: first.neurons,
                                                  random: RandomSource(seed: spec.start.randomSeed &+ 17))
        let batch = try PhaseBatches(spec: spec, phase: 0).batch(epoch: 0)
        let pass = Backpropagation(spec: model, neurons: first.neurons, steps: batch.steps)
        func loss(_ n: LowRankNetwork) -> Double { var none: Matrix? = nil; return pass.evaluate(n, batch: batch, gradient: &none) }
        let visibility = Visibility(spec: model)
        func classDistance(_ a: Matrix, _ b: Matrix, _ cls: Bool) -> Double {
            let n = visibility.norms(layout.overlapPairs.map { a[$0.0, $0.1] - b[$0.0, $0.1] })
            return cls ? n.visible : n.invisible
        }
        let y1 = forwardOutputs(first, batch: batch), y2 = forwardOutputs(second, batch: batch)
        let perturbed = perturbation(of: first, distance: (S2 - S1).frobeniusNorm, seed: spec.start.randomSeed &+ 29)
        let y3 = forwardOutputs(perturbed.network, batch: batch)

        var separation: [String: [(Double, Double)]] = [:], trajectories: [String: [String]] = [:]
        let pairs: [(String, PhaseLearner, PhaseLearner)] = [
            ("theory", PhaseSides.theory(model, S: S1), PhaseSides.theory(model, S: second.overlaps)),
            ("network", PhaseSides.network(first), PhaseSides.network(second)),
        ].filter { ($0.0 == "theory" && spec.runners.theory) || ($0.0 == "network" && spec.runners.network) }
        for (kind, a, b) in pairs {
            var rowsA: [(Double, Matrix)] = [], rowsB: [(Double, Matrix)] = []
            var textA = "", textB = ""
            var offset = 0
            for i in spec.phases.indices {
                for (learner, which) in [(a, 1), (b, 2)] {
                    let meter = Progress(label: "\(kind) \(which) \(spec.name(phase: i))", total: spec.phases[i].epochs, enabled: progress)
                    _ = try learner.run(spec: spec, phase: i, tracking: nil) { epoch, L, S in
                        let line = "\(offset + epoch),\(i + 1),\(L)," + layout.overlapPairs.map { "\(S[$0.0, $0.1])" }.joined(separator: ",") + "\n"
                        if which == 1 { rowsA.append((L, S)); textA += line } else { rowsB.append((L, S)); textB += line }
                        meter.update(epoch: epoch, loss: L)
                    }
                    meter.finish()
                }
                offset += spec.phases[i].epochs
            }
            separation[kind] = zip(rowsA, rowsB).map { (classDistance($0.1, $1.1, true), abs($0.0 - $1.0)) }
            trajectories[kind] = [textA, textB]
        }
        return EquivalenceStudy(
            spec: spec, outputDifference: maxDifference(y1, y2), lossDifference: abs(loss(first) - loss(second)),
            visibleDifference: maxClassDifference(first.overlaps, second.overlaps, layout: layout, visible: visible, cls: true),
            invisibleDifference: maxClassDifference(first.overlaps, second.overlaps, layout: layout, visible: visible, cls: false),
            perturbationOutputDifference: maxDifference(y1, y3), perturbationLossDifference: abs(loss(first) - loss(perturbed.network)),
            perturbationVisibleDifference: maxClassDifference(first.overlaps, perturbed.network.overlaps, layout: layout, visible: visible, cls: true),
            perturbationScale: perturbed.scale, lossNetwork1: loss(first), separation: separation, trajectories: trajectories)
    }

    /// y_{b,t,o} by a direct simulation of the N neurons (docs/theory.md §1), in `TaskBatch` target order:
    /// h_t = (1−α) h_{t−1} + α (U Vᵀφ(h_{t−1})/N + M x_{t−1}),  y_t = Zᵀψ(h_t)/N.
    /// Independent of the BPTT pass and of the reduced dynamics.
    static func forwardOutputs(_ net: LowRankNetwork, batch: TaskBatch) -> [Double] {
        let spec = net.spec, layout = spec.layout, N = net.neurons, P = net.parameters
        let phi = spec.nonlinearity, alpha = spec.alpha
        var y = [Double](repeating: 0, count: batch.target.count)
        for b in 0..<batch.trials {
            var h = [Double](repeating: 0, count: N)
            for t in 1...batch.steps {
                let f = h.map { phi.value($0) }
                let kappa = layout.vIndices.map { v in (0..<N).reduce(0) { $0 + P[$1, v] * f[$1] } / Double(N) }
                for i in 0..<N {
                    var drive = 0.0
                    for (r, u) in layout.uIndices.enumerated() { drive += P[i, u] * kappa[r] }
                    for (k, m) in layout.mIndices.enumerated() { drive += P[i, m] * batch.x[batch.inputIndex(b, t - 1, k)] }
                    h[i] = (1 - alpha) * h[i] + alpha * drive
                }
                let g = phi.isLinear ? h : h.map { phi.value($0) }
                for (o, z) in layout.zIndices.enumerated() {
                    y[batch.targetIndex(b, t, o)] = (0..<N).reduce(0) { $0 + P[$1, z] * g[$1] } / Double(N)
                }
            }
        }
        return y
    }

    /// P + εΞ (Ξ standard Gaussian) with ε found by bisection so that ‖S(ε) − S‖_F = `distance`.
    static func perturbation(of net: LowRankNetwork, distance: Double, seed: UInt64) -> (network: LowRankNetwork, scale: Double) {
        let noise = RandomSource(seed: seed).gaussians(net.parameters.storage.count)
        func at(_ eps: Double) -> LowRankNetwork {
            var p = net.parameters
            for i in p.storage.indices { p.storage[i] += eps * noise[i] }
            return LowRankNetwork(spec: net.spec, parameters: p)
        }
        var lo = 0.0, hi = 4.0
        for _ in 0..<60 {
            let mid = (lo + hi) / 2
            if (at(mid).overlaps - net.overlaps).frobeniusNorm < distance { lo = mid } else { hi = mid }
        }
        return (at(lo), lo)
    }

    static func maxDifference(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) } }

    static func maxClassDifference(_ a: Matrix, _ b: Matrix, layout: VectorLayout, visible: [Bool], cls: Bool) -> Double {
        zip(layout.overlapPairs, visible).filter { $0.1 == cls }.reduce(0) { max($0, abs(a[$1.0.0, $1.0.1] - b[$1.0.0, $1.0.1])) }
    }
}

import Foundation
import GramFlowNumerics

/// Adam's moment estimates: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
/// P ← P − η m̂/(√v̂ + ε) with the bias corrections m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
struct AdamState {
    var m: [Double], v: [Double]
    var t = 0
    let beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8

    init(count: Int) {
        m = Array(repeating: 0, count: count)
        v = Array(repeating: 0, count: count)
    }

    mutating func step(_ p: inout Matrix, gradient: Matrix, stepSize: Double) {
        step(&p.storage, gradient: gradient.storage, stepSize: stepSize)
    }

    /// The step on a flat parameter vector (the dense and gated models).
    mutating func step(_ p: inout [Double], gradient: [Double], stepSize: Double) {
        precondition(p.count == m.count && gradient.count == m.count)
        t += 1
        let c1 = 1 - pow(beta1, Double(t)), c2 = 1 - pow(beta2, Double(t))
        for i in 0..<p.count {
            let g = gradient[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            p[i] -= stepSize * (m[i] / c1) / ((v[i] / c2).squareRoot() + epsilon)
        }
    }
}

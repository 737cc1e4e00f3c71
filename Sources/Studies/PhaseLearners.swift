import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory

/// Something trained phase after phase, whose overlaps S are recorded: the theory
/// (S itself) or a finite network (S = PᵀP/N). Its state carries over phases.
protocol PhaseLearner: AnyObject {
    var kind: String { get }
    var overlaps: Matrix { get }
    /// The state to checkpoint (S, or the network's P), row-major.
    var state: Matrix { get }
    /// L on `batch` at the current state, then, if `eta` is given, one GD step with it.
    func lossThenStep(batch: TaskBatch, eta: Double?) -> Double
}

/// The theory, advanced by the exact discrete-GD map S ← (I − 2ηG) S (I − 2ηG).
final class TheoryLearner: PhaseLearner {
    let kind = "theory"
    private(set) var S: Matrix
    private let spec: ModelSpec
    private var loss: ReducedOverlapLoss?

    init(spec: ModelSpec, S: Matrix) { self.spec = spec; self.S = S }

    var overlaps: Matrix { S }
    var state: Matrix { S }

    func lossThenStep(batch: TaskBatch, eta: Double?) -> Double {
        if let loss {
            if loss.batch != batch { loss.batch = batch }
        } else {
            // The gain of φ was checked when the file was read, so this cannot fail.
            loss = try! ReducedOverlapLoss(spec: spec, batch: batch)
        }
        guard let eta else { return loss!.loss(S) }
        let (L, G) = loss!.lossAndGradient(S)
        S = gradientDescentMap(S: S, G: G, eta: eta)
        return L
    }
}

/// A finite network trained by backpropagation through time, P ← P − ηN ∇_P L.
final class NetworkLearner: PhaseLearner {
    let kind = "network"
    private(set) var network: LowRankNetwork
    private let pass: Backpropagation
    private var gradient: Matrix?

    init(network: LowRankNetwork, steps: Int) {
        self.network = network
        pass = Backpropagation(spec: network.spec, neurons: network.neurons, steps: steps)
        gradient = Matrix(rows: network.neurons, cols: network.spec.layout.dimension)
    }

    var overlaps: Matrix { network.overlaps }
    var state: Matrix { network.parameters }

    func lossThenStep(batch: TaskBatch, eta: Double?) -> Double {
        guard let eta else {
            var none: Matrix? = nil
            return pass.evaluate(network, batch: batch, gradient: &none)
        }
        let L = pass.evaluate(network, batch: batch, gradient: &gradient)
        NetworkTrainer(eta: eta).step(&network, gradient: gradient!)
        return L
    }
}

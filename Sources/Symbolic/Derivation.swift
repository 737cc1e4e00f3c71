import GramFlowCore

/// Everything `gramflow derive` prints for one case (K inputs, rank R, O outputs, φ):
/// the reduced dynamics, the visible overlaps read off them, the per-overlap flow
/// and exact map, the augmented Gram matrix and the invariants.
public struct Derivation: Sendable {
    public let layout: VectorLayout
    public let nonlinearity: Nonlinearity
    public let dynamics: ReducedDynamics
    public let visibility: StructuralVisibility
    public let flow: OverlapFlow
    public let gram: AugmentedGram
    public let invariants: ConservedTraces

    public init(inputs: Int, rank: Int, outputs: Int, nonlinearity: Nonlinearity) {
        layout = VectorLayout(inputs: inputs, rank: rank, outputs: outputs)
        self.nonlinearity = nonlinearity
        dynamics = ReducedDynamics(layout: layout, nonlinearity: nonlinearity)
        visibility = StructuralVisibility(dynamics)
        flow = OverlapFlow(visibility: visibility)
        gram = AugmentedGram(flow: flow, gradients: visibility.gradientSymbols)
        invariants = ConservedTraces(layout: layout, flow: flow)
    }
}

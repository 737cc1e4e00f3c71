import GramFlowNumerics

extension RecurrentOperators {
    /// The participation ratio (tr A)²/tr A² and the modes for 95 % of tr A of each operator
    /// (for P: of P P*), from the top-k spectra and Hutch++ traces (`spectra(_:options:)`):
    /// what `--track-ntk-every` records along training (the "effective rank collapse").
    public func effectiveRanks(_ kinds: [KPFlowOperator] = [.parameterOperator, .propagation, .ntk],
                               options: KPFlowSpectraOptions) throws -> [(kind: KPFlowOperator, summary: SpectrumSummary)] {
        var o = options
        o.eigenfunctions = 0
        return try spectra(kinds, options: o).map { ($0.kind, $0.summary) }
    }
}

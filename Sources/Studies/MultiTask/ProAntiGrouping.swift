import GramFlowNumerics

/// Which pairing of the four Pro/Anti tasks a 4×4 task matrix M (interference C or
/// hidden-state similarity S, tasks in the order MP, MA, DP, DA) prefers, as in the
/// KPFlow poster's Fig. 5:
///
///     π(M) = ½ (M_{MP,DP} + M_{MA,DA}) − ½ (M_{MP,MA} + M_{DP,DA}),
///
/// the mean over the Pro/Anti pairs (same response rule) minus the mean over the
/// Memory/Delay pairs (same stimulus timing). π > 0: the Pro/Anti grouping.
public enum ProAntiGrouping {
    public static func preference(_ m: Matrix) -> Double {
        precondition(m.rows == 4 && m.cols == 4)
        return (m[0, 2] + m[1, 3]) / 2 - (m[0, 1] + m[2, 3]) / 2
    }

    /// The first recorded epoch from which π stays > 0 at every later record, or nil when
    /// the last record's π ≤ 0 (the grouping has not appeared, or not for good).
    public static func onset(epochs: [Int], preferences: [Double]) -> Int? {
        precondition(epochs.count == preferences.count)
        guard let last = preferences.last, last > 0 else { return nil }
        var start = preferences.count - 1
        while start > 0 && preferences[start - 1] > 0 { start -= 1 }
        return epochs[start]
    }
}

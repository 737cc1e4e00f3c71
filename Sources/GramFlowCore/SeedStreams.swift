import GramFlowNumerics

/// Independent random streams derived from one user seed, so that the theory
/// and the network draw the same initial vectors and the same task batches.
public enum SeedStreams {
    /// The stream for initial vectors.
    public static func initialization(_ seed: UInt64) -> RandomSource { RandomSource(seed: mix(seed, 1)) }
    /// The stream for task batches (inputs, noise).
    public static func batches(_ seed: UInt64) -> RandomSource { RandomSource(seed: mix(seed, 2)) }

    /// The seed of the theory's own batches under `TheoryBatches.independent`.
    public static func independentBatches(_ seed: UInt64) -> UInt64 { mix(seed, 3) }

    /// SplitMix64 finaliser of (seed, stream): distinct streams for nearby seeds.
    static func mix(_ seed: UInt64, _ stream: UInt64) -> UInt64 {
        var z = seed &+ stream &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

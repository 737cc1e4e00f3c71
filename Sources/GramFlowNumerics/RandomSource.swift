@preconcurrency internal import CGSL

/// A seeded pseudo-random source: GSL's Mersenne Twister (`gsl_rng_mt19937`).
///
/// The same seed gives the same numbers on every machine, so a run's outputs
/// are reproducible byte for byte. Not shareable across threads.
public final class RandomSource {
    private let rng: UnsafeMutablePointer<gsl_rng>
    public let seed: UInt64

    public init(seed: UInt64) {
        _ = gslErrorHandlerDisabled
        guard let r = gsl_rng_alloc(gsl_rng_mt19937) else {
            preconditionFailure("gsl_rng_alloc failed: out of memory")
        }
        rng = r
        self.seed = seed
        // mt19937 takes an unsigned long seed; GSL maps seed 0 to its default 4357.
        gsl_rng_set(rng, UInt(truncatingIfNeeded: seed))
    }

    deinit { gsl_rng_free(rng) }

    /// A standard normal draw N(0, 1) (Ziggurat method).
    public func gaussian() -> Double { gsl_ran_gaussian_ziggurat(rng, 1.0) }

    /// A uniform draw in [0, 1).
    public func uniform() -> Double { gsl_rng_uniform(rng) }

    /// A uniform draw in [a, b).
    public func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * uniform() }

    /// `count` independent standard normal draws.
    public func gaussians(_ count: Int) -> [Double] { (0..<count).map { _ in gaussian() } }
}

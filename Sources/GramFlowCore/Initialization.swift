/// How the initial vectors are drawn when neither overlaps nor vectors are given.
public enum Initialization: String, CaseIterable, Codable, Sendable {
    /// Gaussian vectors, each rescaled to norm √N (the default).
    case gaussian
    /// Gaussian vectors redrawn until they are balanced, as the overlap paper's flip-flop code
    /// draws them (rank 1, one input, one output): |σ_zu − σ_vm| < 1e-3 and |σ_mu − σ_zv| < 1e-3,
    /// each pair with equal signs.
    case balanced
}

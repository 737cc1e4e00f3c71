/// A failure reported by a C numerical library. Every LAPACK `info` and GSL
/// status is checked and turned into one of these; none is ignored.
public enum NumericsError: Error, Equatable, CustomStringConvertible {
    /// A LAPACK routine returned a non-zero `info`.
    case lapack(routine: String, info: Int32)
    /// A GSL function returned a non-success status.
    case gsl(function: String, status: Int32, message: String)
    /// The input was outside what the routine accepts (e.g. not positive definite).
    case invalidInput(String)

    public var description: String {
        switch self {
        case let .lapack(routine, info):
            let meaning = info < 0 ? "argument \(-info) had an illegal value"
                                   : "the algorithm failed (info = \(info))"
            return "LAPACK \(routine) failed: \(meaning)"
        case let .gsl(function, status, message):
            return "GSL \(function) failed with status \(status): \(message)"
        case let .invalidInput(message):
            return message
        }
    }
}

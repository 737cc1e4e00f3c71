@preconcurrency internal import CGSL

/// Turns GSL's abort-on-error handler off, once, before any GSL call.
/// Errors are then reported through return codes, which every caller checks.
/// A global `let` is initialised lazily and exactly once, thread-safely.
let gslErrorHandlerDisabled: Void = {
    _ = gsl_set_error_handler_off()
}()

/// Throws `NumericsError.gsl` unless `status` is `GSL_SUCCESS`.
func checkGSL(_ status: Int32, _ function: String) throws {
    guard Int(status) != GSL_SUCCESS else { return }
    let message = gsl_strerror(status).map { String(cString: $0) } ?? "unknown error"
    throw NumericsError.gsl(function: function, status: status, message: message)
}

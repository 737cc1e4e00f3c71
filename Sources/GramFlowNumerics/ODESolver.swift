@preconcurrency internal import CGSL

/// An explicit Runge–Kutta method from GSL `odeiv2`, with its order of accuracy.
public enum ODEMethod: String, CaseIterable, Sendable, Codable {
    /// Runge–Kutta–Fehlberg 4(5).
    case rkf45
    /// Cash–Karp 4(5).
    case rkck
    /// Prince–Dormand 8(9); order 8.
    case rk8pd

    /// The global order of accuracy p: halving a fixed step divides the error by 2^p.
    /// GSL advances the 4(5) pairs with their fifth-order solution (local
    /// extrapolation), so their order is 5; `ODESolverTests` measures it.
    public var order: Int {
        switch self {
        case .rkf45, .rkck: return 5
        case .rk8pd: return 8
        }
    }

    fileprivate var stepType: UnsafePointer<gsl_odeiv2_step_type> {
        switch self {
        case .rkf45: return gsl_odeiv2_step_rkf45
        case .rkck: return gsl_odeiv2_step_rkck
        case .rk8pd: return gsl_odeiv2_step_rk8pd
        }
    }
}

/// How an ODE solve ended. A solve that cannot continue says why and what to try.
public enum ODEOutcome: Equatable, Sendable, CustomStringConvertible {
    case success
    case maxStepsReached(Int)
    case stepSizeUnderflow
    /// The right-hand side was not finite (the state blew up).
    case nonFiniteDerivative

    public var description: String {
        switch self {
        case .success: return "success"
        case .maxStepsReached(let n):
            return "the adaptive solver took \(n) steps without reaching the end; try loosening the tolerances or lowering the learning rate"
        case .stepSizeUnderflow:
            return "the step size fell below machine precision (the system is too stiff or singular); try a smaller learning rate"
        case .nonFiniteDerivative:
            return "the derivative became NaN or infinite (the state diverged)"
        }
    }
}

/// Adaptive integration of dy/dt = f(t, y) by a GSL `odeiv2` driver with
/// absolute and relative error tolerances. The state vector is a `[Double]`.
///
/// The right-hand side writes f(t, y) into its third argument.
public final class ODESolver {
    public typealias RightHandSide = (Double, UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void

    public let dimension: Int
    public let method: ODEMethod
    private let context: RightHandSideBox
    private let system: UnsafeMutablePointer<gsl_odeiv2_system>
    private let driver: UnsafeMutablePointer<gsl_odeiv2_driver>
    private let maxSteps: Int

    /// - Parameters:
    ///   - absoluteTolerance, relativeTolerance: the local error per step is kept below
    ///     `absoluteTolerance + relativeTolerance · |y|` (GSL's standard control).
    ///   - maxSteps: steps allowed in one `advance` call before it gives up (0 = no limit).
    public init(dimension: Int, method: ODEMethod = .rk8pd,
                absoluteTolerance: Double = 1e-12, relativeTolerance: Double = 1e-12,
                initialStep: Double = 1e-2, maxSteps: Int = 100_000,
                rhs: @escaping RightHandSide) {
        precondition(dimension > 0 && absoluteTolerance >= 0 && relativeTolerance >= 0)
        _ = gslErrorHandlerDisabled
        self.dimension = dimension
        self.method = method
        context = RightHandSideBox(rhs, dimension)
        system = .allocate(capacity: 1)
        system.initialize(to: gsl_odeiv2_system(
            function: odeTrampoline, jacobian: nil, dimension: dimension,
            params: Unmanaged.passUnretained(context).toOpaque()))
        guard let d = gsl_odeiv2_driver_alloc_y_new(system, method.stepType, initialStep,
                                                     absoluteTolerance, relativeTolerance) else {
            preconditionFailure("gsl_odeiv2_driver_alloc_y_new failed: out of memory")
        }
        driver = d
        self.maxSteps = maxSteps
        if maxSteps > 0 { _ = gsl_odeiv2_driver_set_nmax(driver, UInt(maxSteps)) }
    }

    deinit {
        gsl_odeiv2_driver_free(driver)
        system.deinitialize(count: 1)
        system.deallocate()
    }

    /// Integrates y from t0 to t1 with adaptive steps. On failure `y` holds the
    /// state at the last accepted step.
    public func advance(_ y: inout [Double], from t0: Double, to t1: Double) -> ODEOutcome {
        precondition(y.count == dimension)
        var t = t0
        let status = y.withUnsafeMutableBufferPointer { gsl_odeiv2_driver_apply(driver, &t, t1, $0.baseAddress) }
        return outcome(status)
    }

    /// Integrates with `steps` fixed steps of size h and no error control
    /// (`gsl_odeiv2_step_apply`): used to measure the method's convergence order.
    public func advanceFixed(_ y: inout [Double], from t0: Double, step h: Double, steps: Int) -> ODEOutcome {
        precondition(y.count == dimension)
        guard let stepper = gsl_odeiv2_step_alloc(method.stepType, dimension) else {
            preconditionFailure("gsl_odeiv2_step_alloc failed: out of memory")
        }
        defer { gsl_odeiv2_step_free(stepper) }
        var error = [Double](repeating: 0, count: dimension)
        var t = t0
        for _ in 0..<steps {
            let status = y.withUnsafeMutableBufferPointer { py in
                error.withUnsafeMutableBufferPointer { pe in
                    gsl_odeiv2_step_apply(stepper, t, h, py.baseAddress, pe.baseAddress, nil, nil, system)
                }
            }
            guard Int(status) == GSL_SUCCESS else { return outcome(status) }
            t += h
        }
        return .success
    }

    /// Forgets the step size chosen so far (call between unrelated solves).
    public func reset() { _ = gsl_odeiv2_driver_reset(driver) }

    private func outcome(_ status: Int32) -> ODEOutcome {
        switch Int(status) {
        case GSL_SUCCESS: return .success
        case GSL_EMAXITER: return .maxStepsReached(maxSteps)
        case GSL_EBADFUNC: return .nonFiniteDerivative
        default: return .stepSizeUnderflow
        }
    }
}

/// Holds the Swift right-hand side for the C callback.
private final class RightHandSideBox {
    let rhs: ODESolver.RightHandSide
    let dimension: Int
    init(_ rhs: @escaping ODESolver.RightHandSide, _ dimension: Int) { self.rhs = rhs; self.dimension = dimension }

    /// Evaluates f(t, y); a non-finite derivative stops the driver (GSL_EBADFUNC).
    func evaluate(_ t: Double, _ y: UnsafePointer<Double>, _ dydt: UnsafeMutablePointer<Double>) -> Int32 {
        let out = UnsafeMutableBufferPointer(start: dydt, count: dimension)
        rhs(t, UnsafeBufferPointer(start: y, count: dimension), out)
        return Int32(out.allSatisfy { $0.isFinite } ? GSL_SUCCESS : GSL_EBADFUNC)
    }
}

private func odeTrampoline(_ t: Double, _ y: UnsafePointer<Double>?, _ dydt: UnsafeMutablePointer<Double>?,
                           _ params: UnsafeMutableRawPointer?) -> Int32 {
    guard let y, let dydt, let params else { return Int32(GSL_EBADFUNC) }
    return Unmanaged<RightHandSideBox>.fromOpaque(params).takeUnretainedValue().evaluate(t, y, dydt)
}

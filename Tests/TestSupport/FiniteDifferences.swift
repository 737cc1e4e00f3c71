/// Finite differences, the independent reference for every derivative the code
/// computes analytically. Each takes f as a function of the signed displacement t
/// (f(t) = F(x + t·direction)), so one helper serves scalars, vectors and matrices.

/// (f(h) − f(−h)) / 2h: the derivative at t = 0, truncation error O(h²).
public func centralDifference(step h: Double, _ f: (Double) throws -> Double) rethrows -> Double {
    (try f(h) - f(-h)) / (2 * h)
}

/// The central difference of each component of a vector-valued f.
public func centralDifference(step h: Double, _ f: (Double) throws -> [Double]) rethrows -> [Double] {
    let plus = try f(h), minus = try f(-h)
    precondition(plus.count == minus.count)
    return zip(plus, minus).map { ($0 - $1) / (2 * h) }
}

/// (−f(2h) + 8f(h) − 8f(−h) + f(−2h)) / 12h: truncation error O(h⁴), for derivatives
/// whose O(h²) stencil would be rounding-limited at the tolerance a test needs.
public func fourthOrderDifference(step h: Double, _ f: (Double) throws -> Double) rethrows -> Double {
    (try -f(2 * h) + 8 * f(h) - 8 * f(-h) + f(-2 * h)) / (12 * h)
}

/// (f(h) + f(−h) − 2f(0)) / h²: the second derivative at t = 0, error O(h²).
public func secondDifference(step h: Double, _ f: (Double) throws -> Double) rethrows -> Double {
    (try f(h) + f(-h) - 2 * f(0)) / (h * h)
}

/// An exact rational number p/q, q > 0, gcd(p, q) = 1: the coefficients of `Polynomial`.
///
/// `Int`-based: every operation checks for overflow and stops with a message
/// rather than wrap (the derivations here only meet small numbers such as ½, 2, 4).
public struct Rational: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let numerator: Int
    public let denominator: Int

    /// p/q reduced to lowest terms with a positive denominator.
    public init(_ p: Int, _ q: Int = 1) {
        precondition(q != 0, "Rational: zero denominator")
        let g = Rational.gcd(p, q)
        let sign = q < 0 ? -1 : 1
        numerator = Rational.product(p / g, sign)
        denominator = Rational.product(q / g, sign)
    }

    public static let zero = Rational(0)
    public static let one = Rational(1)

    public var isZero: Bool { numerator == 0 }
    public var isInteger: Bool { denominator == 1 }
    public var magnitude: Rational { Rational(abs(numerator), denominator) }
    public var doubleValue: Double { Double(numerator) / Double(denominator) }

    public static func + (a: Rational, b: Rational) -> Rational {
        let g = gcd(a.denominator, b.denominator)
        let left = product(a.numerator, b.denominator / g), right = product(b.numerator, a.denominator / g)
        return Rational(sum(left, right), product(a.denominator / g, b.denominator))
    }
    public static prefix func - (a: Rational) -> Rational { Rational(product(a.numerator, -1), a.denominator) }
    public static func - (a: Rational, b: Rational) -> Rational { a + (-b) }
    public static func * (a: Rational, b: Rational) -> Rational {
        // Cross-cancel first so the products stay as small as the result.
        let g1 = gcd(a.numerator, b.denominator), g2 = gcd(b.numerator, a.denominator)
        return Rational(product(a.numerator / g1, b.numerator / g2), product(a.denominator / g2, b.denominator / g1))
    }
    public static func += (a: inout Rational, b: Rational) { a = a + b }

    public static func < (a: Rational, b: Rational) -> Bool {
        product(a.numerator, b.denominator) < product(b.numerator, a.denominator)
    }

    /// "3", "-1/2".
    public var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }

    /// Greatest common divisor, gcd(0, 0) = 1 so that division by it is always safe.
    public static func gcd(_ a: Int, _ b: Int) -> Int {
        var x = a.magnitude, y = b.magnitude
        while y != 0 { (x, y) = (y, x % y) }
        return x == 0 ? 1 : Int(x)
    }

    /// a·b, stopping on overflow.
    private static func product(_ a: Int, _ b: Int) -> Int {
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        precondition(!overflow, "Rational: Int overflow in \(a)·\(b); the exact coefficients outgrew 64 bits")
        return value
    }

    /// a + b, stopping on overflow.
    private static func sum(_ a: Int, _ b: Int) -> Int {
        let (value, overflow) = a.addingReportingOverflow(b)
        precondition(!overflow, "Rational: Int overflow in \(a) + \(b); the exact coefficients outgrew 64 bits")
        return value
    }
}

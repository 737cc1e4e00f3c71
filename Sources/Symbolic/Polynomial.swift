/// An exact sparse polynomial with rational coefficients over `Symbol`s:
/// Σ_i c_i m_i with c_i ∈ ℚ \ {0} and distinct monomials m_i.
///
/// Enough algebra for the derivations: sum, product, scaling, partial
/// derivative ∂/∂s (for the chain rule on the invariants), collection of
/// terms by a subset of the symbols, and evaluation at numbers.
public struct Polynomial: Hashable, Sendable {
    /// Non-zero coefficients by monomial.
    public private(set) var terms: [Monomial: Rational]

    public init() { terms = [:] }
    public init(_ constant: Rational) { terms = constant.isZero ? [:] : [.one: constant] }
    public init(_ constant: Int) { self.init(Rational(constant)) }
    public init(_ symbol: Symbol) { terms = [Monomial(sorted: [symbol]): .one] }
    public init(_ monomial: Monomial, _ coefficient: Rational = .one) {
        terms = coefficient.isZero ? [:] : [monomial: coefficient]
    }

    public static let zero = Polynomial()
    public static let one = Polynomial(1)

    public var isZero: Bool { terms.isEmpty }
    public var termCount: Int { terms.count }

    /// The terms in canonical order (by monomial).
    public var sortedTerms: [(monomial: Monomial, coefficient: Rational)] {
        terms.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Every symbol that occurs.
    public var symbols: Set<Symbol> { Set(terms.keys.flatMap(\.factors)) }

    /// Adds c·m in place, dropping the term if it cancels.
    public mutating func add(_ monomial: Monomial, _ coefficient: Rational) {
        guard !coefficient.isZero else { return }
        let sum = (terms[monomial] ?? .zero) + coefficient
        terms[monomial] = sum.isZero ? nil : sum
    }

    /// self += scale · a · b, without forming a · b (the inner loop of matrix products and the chain rule).
    public mutating func addProduct(_ a: Polynomial, _ b: Polynomial, scale: Rational = .one) {
        for (ma, ca) in a.terms { for (mb, cb) in b.terms { add(ma * mb, scale * ca * cb) } }
    }

    public static func + (a: Polynomial, b: Polynomial) -> Polynomial {
        var sum = a
        for (m, c) in b.terms { sum.add(m, c) }
        return sum
    }
    public static func += (a: inout Polynomial, b: Polynomial) { for (m, c) in b.terms { a.add(m, c) } }
    public static prefix func - (a: Polynomial) -> Polynomial { a.scaled(by: Rational(-1)) }
    public static func - (a: Polynomial, b: Polynomial) -> Polynomial { a + (-b) }
    public static func * (a: Polynomial, b: Polynomial) -> Polynomial {
        var product = Polynomial()
        product.addProduct(a, b)
        return product
    }

    /// c · p.
    public func scaled(by c: Rational) -> Polynomial {
        guard !c.isZero else { return .zero }
        var out = self
        for (m, v) in terms { out.terms[m] = v * c }
        return out
    }

    /// ∂p/∂s, treating every other symbol as independent of s.
    public func derivative(withRespectTo s: Symbol) -> Polynomial {
        var out = Polynomial()
        for (m, c) in terms {
            let n = m.exponent(of: s)
            if n > 0 { out.add(m.removingOne(s), c * Rational(n)) }
        }
        return out
    }

    /// The value with every symbol replaced by `value(symbol)`.
    public func evaluate(_ value: (Symbol) -> Double) -> Double {
        var total = 0.0
        for (m, c) in terms { total += m.factors.reduce(c.doubleValue) { $0 * value($1) } }
        return total
    }

    /// p = Σ_k key_k · coefficient_k, where each key is the product of the factors
    /// that satisfy `predicate` and the coefficients are free of them; keys in
    /// canonical order. E.g. collecting by the g's gives (σ_mm + σ_zz) g_zm + ….
    public func collected(by predicate: (Symbol) -> Bool) -> [(key: Monomial, coefficient: Polynomial)] {
        var groups: [Monomial: Polynomial] = [:]
        for (m, c) in terms {
            let (key, rest) = m.split(by: predicate)
            groups[key, default: Polynomial()].add(rest, c)
        }
        return groups.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The positive rational content: gcd of the numerators over lcm of the
    /// denominators, so that p / content has coprime integer coefficients. 1 for 0.
    public var content: Rational {
        guard !terms.isEmpty else { return .one }
        var g = 0, l = 1
        for c in terms.values {
            g = Rational.gcd(g, c.numerator)
            l = l / Rational.gcd(l, c.denominator) * c.denominator
        }
        return Rational(g, l)
    }
}

/// A product of symbols, stored as the sorted list of its factors with
/// repetition: σ_mm² g_zm is [σ_mm, σ_mm, g_zm]. The empty list is 1.
///
/// Sorted factors make equal monomials equal arrays (one canonical form), make
/// the product a merge, and give the canonical order of terms: lexicographic in
/// the factors, shorter first on a common prefix.
public struct Monomial: Hashable, Comparable, Sendable {
    public let factors: [Symbol]

    public static let one = Monomial(sorted: [])

    public init(_ factors: [Symbol]) { self.factors = factors.sorted() }
    init(sorted factors: [Symbol]) { self.factors = factors }

    public var degree: Int { factors.count }
    public var isOne: Bool { factors.isEmpty }

    /// The product, by merging the two sorted factor lists.
    public static func * (a: Monomial, b: Monomial) -> Monomial {
        if a.isOne { return b }
        if b.isOne { return a }
        var merged: [Symbol] = []
        merged.reserveCapacity(a.degree + b.degree)
        var i = 0, j = 0
        while i < a.factors.count && j < b.factors.count {
            if a.factors[i] <= b.factors[j] { merged.append(a.factors[i]); i += 1 } else { merged.append(b.factors[j]); j += 1 }
        }
        merged.append(contentsOf: a.factors[i...])
        merged.append(contentsOf: b.factors[j...])
        return Monomial(sorted: merged)
    }

    /// The exponent of `symbol`.
    public func exponent(of symbol: Symbol) -> Int { factors.lazy.filter { $0 == symbol }.count }

    /// This monomial with one factor `symbol` removed (it must be present).
    func removingOne(_ symbol: Symbol) -> Monomial {
        var rest = factors
        rest.remove(at: rest.firstIndex(of: symbol)!)
        return Monomial(sorted: rest)
    }

    /// The factors split by `predicate`: (those that satisfy it, the others).
    public func split(by predicate: (Symbol) -> Bool) -> (selected: Monomial, rest: Monomial) {
        (Monomial(sorted: factors.filter(predicate)), Monomial(sorted: factors.filter { !predicate($0) }))
    }

    /// Distinct factors with their exponents, in order: σ_mm² g_zm → [(σ_mm, 2), (g_zm, 1)].
    public var powers: [(symbol: Symbol, exponent: Int)] {
        var out: [(symbol: Symbol, exponent: Int)] = []
        for s in factors {
            if let last = out.last, last.symbol == s { out[out.count - 1].exponent += 1 } else { out.append((s, 1)) }
        }
        return out
    }

    public static func < (a: Monomial, b: Monomial) -> Bool { a.factors.lexicographicallyPrecedes(b.factors) }
}

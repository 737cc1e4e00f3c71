/// One term of a printed sum: its sign and its unsigned text.
struct SignedTerm {
    var negative: Bool
    var body: String
}

/// Printing polynomials in a notation, term by term in canonical order.
extension Notation {
    /// σ_mm² g_zm, or "1" for the empty monomial.
    func monomial(_ m: Monomial) -> String {
        m.isOne ? "1" : m.powers.map { power(name($0.symbol), $0.exponent) }.joined(separator: times)
    }

    /// c·m as a signed term: "2σ_mm g_mz", "σ_mm", "(1/2)".
    func term(_ c: Rational, _ m: Monomial) -> SignedTerm {
        let size = c.magnitude
        let body = m.isOne ? number(size) : size == .one ? monomial(m) : number(size) + numberTimes + monomial(m)
        return SignedTerm(negative: c.numerator < 0, body: body)
    }

    func terms(_ p: Polynomial) -> [SignedTerm] { p.sortedTerms.map { term($0.coefficient, $0.monomial) } }

    /// The terms of p grouped by the symbols that satisfy `key`: (σ_mm + σ_zz) g_zm + σ_mu g_zu.
    func collectedTerms(_ p: Polynomial, by key: (Symbol) -> Bool) -> [SignedTerm] {
        p.collected(by: key).flatMap { group -> [SignedTerm] in
            if group.key.isOne { return terms(group.coefficient) }
            if group.coefficient.termCount == 1, let only = group.coefficient.sortedTerms.first {
                return [term(only.coefficient, only.monomial * group.key)]
            }
            return [SignedTerm(negative: false, body: "(\(join(terms(group.coefficient))))\(times)\(monomial(group.key))")]
        }
    }

    /// "a − b + c"; with `breakEvery`, a LaTeX line break after every that many terms.
    func join(_ terms: [SignedTerm], breakEvery: Int? = nil) -> String {
        guard let first = terms.first else { return "0" }
        var out = (first.negative ? minus : "") + first.body
        for (n, t) in terms.enumerated().dropFirst() {
            if let every = breakEvery, n % every == 0 { out += " \\\\\n  &\\quad" }
            out += (t.negative ? " \(minus) " : " + ") + t.body
        }
        return out
    }

    func polynomial(_ p: Polynomial, breakEvery: Int? = nil) -> String { join(terms(p), breakEvery: breakEvery) }

    /// ±c·prefix·[p/c] with c the content of p, as one signed term: −η P prints as
    /// "−η[(σ_mm + σ_zz) g_zm + …]" or "−2η(…)"-style, the sum collected by `key`.
    func factored(_ p: Polynomial, prefix: Monomial, negative: Bool, collectingBy key: (Symbol) -> Bool,
                  breakEvery: Int? = nil) -> SignedTerm {
        guard !p.isZero else { return SignedTerm(negative: false, body: "0") }
        let c = p.content
        let inner = collectedTerms(p.scaled(by: Rational(c.denominator, c.numerator)), by: key)
        let lead = prefix.isOne ? (c == .one ? "" : number(c)) : c == .one ? monomial(prefix) : number(c) + numberTimes + monomial(prefix)
        guard inner.count > 1 else {
            // A single term: fold its sign into the result's, no brackets.
            let only = inner[0]
            let body = lead.isEmpty ? only.body : lead + times + only.body
            return SignedTerm(negative: negative != only.negative, body: body)
        }
        if lead.isEmpty && !negative { return SignedTerm(negative: false, body: join(inner, breakEvery: breakEvery)) }
        return SignedTerm(negative: negative,
                          body: lead + (lead.isEmpty ? "" : numberTimes) + bracketed(join(inner, breakEvery: breakEvery)))
    }
}

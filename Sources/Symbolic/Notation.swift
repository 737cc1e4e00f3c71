/// How symbols, numbers and products are spelled in one output notation:
/// unicode (markdown), LaTeX, or SymPy (Python) syntax.
public enum Notation: Sendable {
    case unicode, latex, sympy

    /// The name of a symbol: σ_m1v1, \sigma_{m_1 v_1}, sigma_m1_v1.
    public func name(_ s: Symbol) -> String {
        switch s.kind {
        case .eta: return self == .unicode ? "η" : self == .latex ? "\\eta" : "eta"
        case .alpha: return self == .unicode ? "α" : self == .latex ? "\\alpha" : "alpha"
        case .meanSlope:
            switch self {
            case .unicode: return "⟨φ'⟩(Δ\(time(s.time)))"
            case .latex: return "\\langle\\phi'\\rangle(\\Delta_{\(time(s.time))})"
            case .sympy: return "phiprime_mean(Delta_\(time(s.time)))"
            }
        case .overlap, .gradient:
            let (a, b) = s.vectors
            let head = s.kind == .overlap ? ["σ", "\\sigma", "sigma"] : ["g", "g", "g"]
            switch self {
            case .unicode: return "\(head[0])_\(a)\(b)"
            case .latex: return "\(head[1])_{\(a.role.letter)_{\(a.index)} \(b.role.letter)_{\(b.index)}}"
            case .sympy: return "\(head[2])_\(a)_\(b)"
            }
        case .kappa, .xi, .input:
            let head = s.kind == .kappa ? ["κ", "\\kappa", "kappa"] : s.kind == .xi ? ["ξ", "\\xi", "xi"] : ["x", "x", "x"]
            switch self {
            case .unicode: return "\(head[0])\(s.index)\(time(s.time))"
            case .latex: return "\(head[1])_{\(s.index),\(time(s.time))}"
            case .sympy: return "\(head[2])\(s.index)_\(time(s.time))"
            }
        }
    }

    /// The time of a latent symbol: (t), (t−1) / t, t-1 / t, tm1.
    private func time(_ t: Symbol.Time) -> String {
        switch (self, t) {
        case (.unicode, .current): return "(t)"
        case (.unicode, .previous): return "(t−1)"
        case (.latex, .current), (.sympy, .current): return "t"
        case (.latex, .previous): return "t-1"
        case (.sympy, .previous): return "tm1"
        }
    }

    /// x^n.
    func power(_ base: String, _ n: Int) -> String {
        guard n != 1 else { return base }
        switch self {
        case .unicode:
            let digits = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
            return base + String(n).map { digits[Int(String($0))!] }.joined()
        case .latex: return "{\(base)}^{\(n)}"
        case .sympy: return "\(base)**\(n)"
        }
    }

    /// The product sign between two factors that are not a leading number.
    var times: String { self == .sympy ? "*" : " " }
    /// The product sign after a leading number.
    var numberTimes: String { self == .sympy ? "*" : "" }
    /// The minus sign.
    var minus: String { self == .unicode ? "−" : "-" }

    /// A positive rational: 2, (1/2), \tfrac{1}{2}, Rational(1, 2).
    func number(_ r: Rational) -> String {
        precondition(r.numerator > 0)
        guard !r.isInteger else { return "\(r.numerator)" }
        switch self {
        case .unicode: return "(\(r.numerator)/\(r.denominator))"
        case .latex: return "\\tfrac{\(r.numerator)}{\(r.denominator)}"
        case .sympy: return "Rational(\(r.numerator), \(r.denominator))"
        }
    }

    /// Outer brackets around a sum that multiplies a prefix such as −η.
    func bracketed(_ s: String) -> String {
        switch self {
        case .unicode: return "[\(s)]"
        case .latex: return "\\bigl[\(s)\\bigr]"  // \bigl, not \left: it may span a line break
        case .sympy: return "(\(s))"
        }
    }
}

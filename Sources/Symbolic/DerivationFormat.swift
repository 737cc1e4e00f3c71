import GramFlowCore

/// The output formats of `gramflow derive`.
public enum DerivationFormat: String, CaseIterable, Sendable {
    /// A Markdown document with the equations in unicode (the committed `derivations/*.md`).
    case markdown
    /// A standalone LaTeX document (amsmath).
    case latex
    /// Every polynomial as SymPy text and as a list of terms, for programs.
    case json
    /// A Python module in SymPy syntax (`validation/sympy_check.py` reads it).
    case sympy
}

extension Derivation {
    /// The document `gramflow derive` prints for this case in `format`.
    public func rendered(as format: DerivationFormat) -> String {
        switch format {
        case .markdown: return MarkdownRenderer(self).document
        case .latex: return LatexRenderer(self).document
        case .json: return JSONRenderer(self).document
        case .sympy: return SympyRenderer(self).document
        }
    }

    /// The command that prints this derivation in `format`.
    public func command(_ format: DerivationFormat) -> String {
        "gramflow derive --rank \(layout.rank) --inputs \(layout.inputs) --outputs \(layout.outputs) "
            + "--phi \(nonlinearity.rawValue) --format \(format.rawValue)"
    }

    /// "rank 2, 1 input, 1 output, φ = erf".
    var caseTitle: String {
        func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        return "rank \(layout.rank), \(count(layout.inputs, "input")), \(count(layout.outputs, "output")), φ = \(nonlinearity.rawValue)"
    }

    /// `extra` · γ [Σ_j c_j σ_{b e_j}] with the gain γ = ⟨φ'⟩(Δ at `time`) or its constant:
    /// "α ⟨φ'⟩(Δ(t−1))[σ_u1v1 κ1(t−1) + …]", terms grouped by latent coordinate.
    func gained(_ input: Polynomial, extra: [Symbol], time: Symbol.Time, in notation: Notation,
                breakEvery: Int? = nil) -> String {
        let slope = dynamics.slope
        let prefix = Monomial(extra + (slope.dependsOnDelta ? [.meanSlope(time)] : []))
        return notation.factored(input.scaled(by: slope.constant ?? .one), prefix: prefix, negative: false,
                                 collectingBy: ReducedDynamics.isLatent, breakEvery: breakEvery).body
    }

    /// The symbols a key of collection should take: the g's.
    static func isGradient(_ s: Symbol) -> Bool { s.kind == .gradient }
}

extension ConservedTraces {
    /// A rate η·R printed as η[R] with R's content in front and R grouped by the g's.
    static func factoredRate(_ rate: Polynomial, in notation: Notation, breakEvery: Int? = nil) -> SignedTerm {
        // The flow is linear in η, so the rate is η times its η-derivative.
        notation.factored(rate.derivative(withRespectTo: .eta), prefix: Monomial([.eta]), negative: false,
                          collectingBy: Derivation.isGradient, breakEvery: breakEvery)
    }
}

import Foundation
import GramFlowCore

/// The derivation as JSON: every polynomial both as SymPy text and as a list of
/// terms {coefficient "p/q", powers {symbol: exponent}}, symbols named as in SymPy.
struct JSONRenderer {
    let d: Derivation

    init(_ derivation: Derivation) { d = derivation }

    struct Term: Encodable { let coefficient: String; let powers: [String: Int] }
    struct Poly: Encodable {
        let text: String
        let terms: [Term]
        init(_ p: Polynomial) {
            text = Notation.sympy.polynomial(p)
            terms = p.sortedTerms.map { t in
                Term(coefficient: t.coefficient.description,
                     powers: Dictionary(uniqueKeysWithValues: t.monomial.powers.map { (Notation.sympy.name($0.symbol), $0.exponent) }))
            }
        }
    }
    struct Case: Encodable { let inputs: Int, rank: Int, outputs: Int, phi: String }
    struct Gain: Encodable { let constant: String?; let symbol: String? }
    struct Latent: Encodable { let kappa: [Poly], xi: [Poly], readout: [Poly], delta: Poly? }
    struct Overlap: Encodable { let overlap: String, rate: Poly, mapped: Poly, firstOrder: Poly, secondOrder: Poly }
    struct Gram: Encodable { let rows: [String], columns: [String], entries: [[Poly]] }
    struct Invariant: Encodable { let power: Int, trace: Poly, rate: Poly, conserved: Bool }
    struct Document: Encodable {
        let command: String, `case`: Case, vectors: [String], overlaps: [String]
        let gain: Gain, latent: Latent, visible: [String], invisible: [String]
        let equations: [Overlap], augmentedGram: Gram, invariants: [Invariant]
    }

    var document: String {
        let dyn = d.dynamics
        let doc = Document(
            command: d.command(.json),
            case: Case(inputs: d.layout.inputs, rank: d.layout.rank, outputs: d.layout.outputs, phi: d.nonlinearity.rawValue),
            vectors: d.layout.vectorNames, overlaps: d.layout.overlapNames,
            gain: Gain(constant: dyn.slope.constant?.description,
                       symbol: dyn.slope.dependsOnDelta ? Notation.sympy.name(.meanSlope(.current)) : nil),
            latent: Latent(kappa: dyn.kappaUpdates.map(Poly.init), xi: dyn.xiUpdates.map(Poly.init),
                           readout: dyn.readouts.map(Poly.init), delta: dyn.slope.dependsOnDelta ? Poly(dyn.delta) : nil),
            visible: d.visibility.visibleNames, invisible: d.visibility.invisibleNames,
            equations: d.flow.equations.map {
                Overlap(overlap: $0.overlap.pairName, rate: Poly($0.rate), mapped: Poly($0.mapped),
                        firstOrder: Poly($0.firstOrder), secondOrder: Poly($0.secondOrder))
            },
            augmentedGram: Gram(rows: d.gram.rows.map(\.pairName), columns: d.gram.columns.map(\.pairName),
                                entries: d.gram.entries.map { $0.map(Poly.init) }),
            invariants: zip(d.invariants.traces, d.invariants.rates).enumerated().map {
                Invariant(power: $0.offset + 1, trace: Poly($0.element.0), rate: Poly($0.element.1), conserved: $0.element.1.isZero)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain structs of strings and numbers cannot fail.
        return String(decoding: try! encoder.encode(doc), as: UTF8.self) + "\n"
    }
}

import Foundation
import GramFlowCore
import GramFlowNumerics
import NumPyFiles
import OverlapTheory

/// Continuation of the latent fixed point κ* along a path S(s) in overlap space
/// (`gramflow bifurcation scan`): the branch followed by Newton from the previous
/// point (`BifurcationScan`), its pitchfork, saddle-node and Hopf crossings refined by
/// bisection, and at each crossing the normal-form coefficients of the field there:
///
///     pitchfork   ẏ = λy + a₃y³,       a₃ = F'(0)(pᵀS_uu p)(qᵀS_vu p)   (`CentreNormalForm.pitchfork`)
///     saddle-node ẏ = λy + a₂y²,       a₂ = ½ qᵀD²f(κ*)[p, p]           (`CentreNormalForm.saddleNode`)
///     Hopf        ż = (λ+iω)z + c₁z|z|², l₁ = Re c₁/ω (first Lyapunov coefficient; `HopfNormalForm`)
///
/// The pitchfork and Hopf forms are those of κ* = 0 of a field without input (odd);
/// elsewhere the coefficient is left empty and the note says why.
public enum FixedPointScan {
    public struct Crossing: Sendable {
        public let crossing: BifurcationCrossing
        /// The real centre eigenvalue (pitchfork, saddle-node) or the real part λ (Hopf) of the field at the crossing.
        public var eigenvalue: Double?
        public var quadratic: Double?
        public var cubic: Double?
        public var frequency: Double?
        public var c1: (real: Double, imaginary: Double)?
        public var lyapunovCoefficient: Double?
        public var note = ""
    }

    public struct Result: Sendable {
        public let parameters: [Double]
        public let points: [LatentFixedPoint]
        public let crossings: [Crossing]
        public let endedAt: Double?
    }

    /// The overlaps with one overlap `name` set to `value` (both entries of the symmetric S).
    public static func varying(_ base: Matrix, layout: VectorLayout, name: String) throws -> (Double) -> Matrix {
        guard let (a, b) = layout.pair(ofOverlap: name) else {
            throw InputError(.overlaps, "unknown overlap '\(name)'; names are a.b with a, b in \(layout.vectorNames.joined(separator: ", "))")
        }
        return { value in var S = base; S[a, b] = value; S[b, a] = value; return S }
    }

    /// S(s) = (1 − s) S₀ + s S₁.
    public static func segment(_ start: Matrix, _ end: Matrix) -> (Double) -> Matrix {
        { s in (1 - s) * start + s * end }
    }

    /// The default base: S = I except σ_{v_r v_r} = 4 (so every σ_{v_r u_s} up to 2 keeps S a Gram matrix).
    public static func defaultBase(_ layout: VectorLayout) -> Matrix {
        var S = Matrix.identity(layout.dimension)
        for r in 0..<layout.rank { S[layout.v(r), layout.v(r)] = 4 }
        return S
    }

    public static func run(spec: ModelSpec, path: @escaping (Double) -> Matrix, values: [Double], input: [Double],
                           start: [Double]) throws -> Result {
        for s in values {
            try InitialState.requirePositiveSemiDefinite(path(s), field: .overlaps,
                                                         what: "the overlap matrix at parameter \(s) on the path")
        }
        let gain = try GaussianGain.of(spec.nonlinearity)
        let field = { (s: Double) in LatentVectorField(overlaps: path(s), spec: spec, gain: gain, input: input) }
        let scan = try BifurcationScan(family: field).run(values: values, start: start)
        let crossings = scan.crossings.map { describe($0, field: field($0.parameter), input: input) }
        return Result(parameters: scan.branch.map(\.parameter), points: scan.branch.map(\.point), crossings: crossings,
                      endedAt: scan.endedAt)
    }

    static func describe(_ c: BifurcationCrossing, field: LatentVectorField, input: [Double]) -> Crossing {
        var out = Crossing(crossing: c)
        let odd = input.allSatisfy { $0 == 0 } && c.kappa.allSatisfy { abs($0) <= 1e-10 }
        do {
            switch c.kind {
            case .pitchfork:
                let form = try CentreNormalForm.pitchfork(field)
                out.eigenvalue = form.eigenvalue; out.cubic = form.cubic
            case .saddleNode:
                let form = try CentreNormalForm.saddleNode(field, at: c.kappa)
                out.eigenvalue = form.eigenvalue; out.quadratic = form.quadratic
            case .hopf:
                guard odd else { out.note = "Hopf form computed only at κ* = 0 without input"; return out }
                let form = try HopfNormalForm(field)
                out.eigenvalue = form.realPart; out.frequency = form.frequency; out.c1 = form.c1
                out.lyapunovCoefficient = form.lyapunovCoefficient
                out.note = form.lyapunovCoefficient < 0 ? "supercritical" : "subcritical"
            }
        } catch let error as InputError { out.note = error.message } catch { out.note = "\(error)" }
        if c.kind == .pitchfork, let a3 = out.cubic { out.note = a3 < 0 ? "supercritical" : "subcritical" }
        return out
    }

    /// branch.csv: parameter, κ*_r, leading eigenvalue (real, imaginary), |f(κ*)|.
    public static func branchCSV(_ r: Result, rank: Int) -> String {
        var s = "parameter," + (1...rank).map { "kappa\($0)" }.joined(separator: ",") + ",leading_real,leading_imaginary,residual\n"
        for (p, point) in zip(r.parameters, r.points) {
            s += "\(p)," + point.kappa.map { "\($0)" }.joined(separator: ",")
            s += ",\(point.leadingRealPart),\(point.leadingImaginaryPart),\(point.residual)\n"
        }
        return s
    }

    /// crossings.csv: kind, parameter, centre eigenvalue, a₂, a₃, ω, Re c₁, Im c₁, l₁, note.
    public static func crossingsCSV(_ r: Result) -> String {
        func f(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
        var s = "kind,parameter,eigenvalue,a2,a3,frequency,c1_real,c1_imaginary,lyapunov_coefficient,note\n"
        for c in r.crossings {
            s += "\(c.crossing.kind.rawValue),\(c.crossing.parameter),\(f(c.eigenvalue)),\(f(c.quadratic)),\(f(c.cubic)),"
            s += "\(f(c.frequency)),\(f(c.c1?.real)),\(f(c.c1?.imaginary)),\(f(c.lyapunovCoefficient)),\(c.note.replacingOccurrences(of: ",", with: ";"))\n"
        }
        return s
    }

    /// scan.npz: parameter (n), kappa (n×R), leading_real, leading_imaginary (n), crossing_parameter (c).
    public static func arrays(_ r: Result, rank: Int) -> [(name: String, array: NumPyArray)] {
        let n = r.parameters.count
        return [("parameter", NumPyArray(shape: [n], values: r.parameters)),
                ("kappa", NumPyArray(shape: [n, rank], values: r.points.flatMap(\.kappa))),
                ("leading_real", NumPyArray(shape: [n], values: r.points.map(\.leadingRealPart))),
                ("leading_imaginary", NumPyArray(shape: [n], values: r.points.map(\.leadingImaginaryPart))),
                ("crossing_parameter", NumPyArray(shape: [r.crossings.count], values: r.crossings.map(\.crossing.parameter)))]
    }

    /// One line per crossing.
    public static func lines(_ r: Result) -> [String] {
        func g(_ x: Double?) -> String { x.map { String(format: "%.6g", $0) } ?? "–" }
        return r.crossings.map { c in
            var line = "\(c.crossing.kind.rawValue) at \(String(format: "%.10g", c.crossing.parameter)): λ = \(g(c.eigenvalue))"
            switch c.crossing.kind {
            case .pitchfork: line += ", a₃ = \(g(c.cubic))"
            case .saddleNode: line += ", a₂ = \(g(c.quadratic))"
            case .hopf:
                let imaginary = c.c1.map { ($0.imaginary < 0 ? " − " : " + ") + g(abs($0.imaginary)) + "i" } ?? ""
                line += ", ω = \(g(c.frequency)), c₁ = \(g(c.c1?.real))\(imaginary), l₁ = \(g(c.lyapunovCoefficient))"
            }
            return line + (c.note.isEmpty ? "" : " (\(c.note))")
        }
    }
}

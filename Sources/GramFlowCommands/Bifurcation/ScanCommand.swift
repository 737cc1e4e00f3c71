import ArgumentParser
import Foundation
import GramFlowCore
import GramFlowNumerics
import NumPyFiles
import Studies

/// `gramflow bifurcation scan`: the latent fixed point followed along a path in overlap space.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Follow the latent fixed point κ* along a path in overlap space; report pitchfork, saddle-node and Hopf crossings with their normal-form coefficients.",
        discussion: """
        The path varies one overlap (--vary NAME --range A:B) of the base overlaps (--overlaps FILE; default S = I with \
        σ_vv = 4), or runs the segment from the base to --to FILE (parameter s from 0 to 1). At each point κ* solves \
        f(κ) = −κ + F(Δ)(S_vu κ + S_vm x) = 0 (Newton from the previous point, from --start at the first). Writes \
        DIR/branch.csv, crossings.csv (a₂, a₃, c₁, the first Lyapunov coefficient l₁ = Re c₁/ω), scan.npz and, with \
        --plot, scan.png.
        """)

    @OptionGroup var model: ModelOptions
    @Option(help: ArgumentHelp("JSON file of the base overlaps, all of them (default: S = I with every v_r.v_r = 4).", valueName: "file"))
    var overlaps: String?
    @Option(help: ArgumentHelp("The overlap to vary, e.g. v1.u1.", valueName: "a.b"))
    var vary: String?
    @Option(help: ArgumentHelp("The range of --vary.", valueName: "A:B"))
    var range: String?
    @Option(help: ArgumentHelp("JSON file of the overlaps at the end of a straight path from the base (instead of --vary).", valueName: "file"))
    var to: String?
    @Option(parsing: .unconditional, help: "Number of points on the path (≥ 2).")
    var points: Int = 201
    @Option(parsing: .unconditional, help: ArgumentHelp("Constant input x (comma-separated, one per input; K = their number).", valueName: "x[,x…]"),
            transform: { try parseList($0, option: "input", Double.init) })
    var input: [Double] = [0]
    @Option(parsing: .unconditional, help: ArgumentHelp("Newton's first guess for κ* (comma-separated, R numbers; default 0).", valueName: "κ[,κ…]"),
            transform: { try parseList($0, option: "start", Double.init) })
    var start: [Double]?
    @OptionGroup var output: OutputOptions

    private var spec: ModelSpec { ModelSpec(inputs: input.count, rank: model.rank, outputs: 1, nonlinearity: model.phi) }

    /// The path and its parameter values, checked (exit 64 on a bad option).
    private func path() throws -> (path: (Double) -> Matrix, values: [Double], label: String) {
        guard model.rank >= 1 else { throw ValidationError("--rank: must be at least 1 (got \(model.rank))") }
        guard points >= 2 else { throw ValidationError("--points: must be at least 2 (got \(points))") }
        guard input.allSatisfy(\.isFinite) else { throw ValidationError("--input: every x must be a finite number") }
        if let start, start.count != model.rank {
            throw ValidationError("--start: give R = \(model.rank) numbers (got \(start.count))")
        }
        let layout = spec.layout
        do {
            let base = try overlaps.map { try InitialState.parse(JSONNumbersFile.read($0, field: .overlaps), layout: layout) }
                ?? FixedPointScan.defaultBase(layout)
            switch (vary, to) {
            case (let name?, nil):
                guard let range, let (a, b) = parseRange(range) else {
                    throw ValidationError("--range: give A:B with two finite numbers for --vary (e.g. --range 0.5:1.5)")
                }
                let values = (0..<points).map { a + (b - a) * Double($0) / Double(points - 1) }
                return (try FixedPointScan.varying(base, layout: layout, name: name), values, name)
            case (nil, let file?):
                guard range == nil else { throw ValidationError("--range: goes with --vary, not with --to") }
                let end = try InitialState.parse(JSONNumbersFile.read(file, field: .overlaps), layout: layout)
                return (FixedPointScan.segment(base, end), (0..<points).map { Double($0) / Double(points - 1) }, "s (base → \(file))")
            default:
                throw ValidationError("--vary/--to: give exactly one path: --vary NAME --range A:B, or --to FILE")
            }
        } catch let error as InputError {
            throw ValidationError(usageMessage(error).replacingOccurrences(of: "--overlaps:", with: to != nil ? "--overlaps/--to:" : "--overlaps:"))
        }
    }

    private func parseRange(_ text: String) -> (Double, Double)? {
        let parts = text.split(separator: ":").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, parts.allSatisfy(\.isFinite), parts[0] != parts[1] else { return nil }
        return (parts[0], parts[1])
    }

    func validate() throws {
        _ = try path()
        _ = try output.checked(default: "gramflow-scan")
    }

    func run() throws {
        let out = try output.checked(default: "gramflow-scan")
        let (path, values, label) = try path()
        try withOutputFolder(out) { folder in
            let result = try FixedPointScan.run(spec: spec, path: path, values: values, input: input,
                                                start: start ?? [Double](repeating: 0, count: model.rank))
            try folder.write(FixedPointScan.branchCSV(result, rank: model.rank), to: "branch.csv")
            try folder.write(FixedPointScan.crossingsCSV(result), to: "crossings.csv")
            try NPZArchive.write(FixedPointScan.arrays(result, rank: model.rank), to: folder.path("scan.npz"))
            if output.plot {
                try Plotting.plotScan(in: folder.staging, rank: model.rank, xlabel: label, title: "latent fixed point along \(label), rank \(model.rank), φ = \(model.phi.rawValue)")
            }
            guard !output.quiet else { return Finished() }
            var lines = ["followed κ* over \(result.parameters.count) of \(values.count) points of \(label)"
                         + (result.endedAt.map { " (branch ended at \(short($0)))" } ?? "")]
            lines += result.crossings.isEmpty ? ["no crossing"] : FixedPointScan.lines(result)
            lines.append("wrote \(out)/branch.csv, crossings.csv, scan.npz\(output.plot ? ", scan.png" : "")")
            return Finished(summary: lines.joined(separator: "\n"))
        }
    }
}

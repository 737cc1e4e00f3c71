import Foundation
import GramFlowCore

/// `gramflow sweep collect DIR`: every point's summary.json (never its per-epoch
/// tables) gathered into one table, the fits, and the points that failed or are
/// missing with the command that reruns each. Nothing in it depends on which engine
/// ran the points or when, so collecting twice, or after any engine, gives the same bytes.
public struct SweepCollection: Sendable {
    public let plan: SweepPlan
    /// The result of each point, in plan order (nil: missing).
    public let results: [SweepPointResult?]
    public let fits: [SweepFit]
    /// The command a rerun uses (`'gramflow' sweep point 'DIR' I`), without the point number.
    private let rerun: String

    public init(sweep: URL, executable: String) throws {
        plan = try SweepPlan.read(from: sweep)
        let plan = self.plan
        results = plan.points.map { point in
            SweepPointResult.read(in: sweep.appendingPathComponent(plan.folder(of: point.index)).appendingPathComponent("result"))
        }
        fits = SweepFit.fits(plan: plan, results: results)
        rerun = SweepPlan.command(executable: executable, sweep: sweep.path, index: 0).dropLast(1).description
    }

    public var completed: Int { results.filter { $0?.status == .completed }.count }
    public var diverged: [Int] { indices { $0?.status == .diverged } }
    public var failed: [Int] { indices { $0?.status == .failed } }
    public var missing: [Int] { indices { $0 == nil } }

    private func indices(_ test: (SweepPointResult?) -> Bool) -> [Int] {
        results.enumerated().filter { test($0.element) }.map { $0.offset + 1 }
    }

    /// sweep.csv: `point`, every axis, `seed`, `status` (completed, diverged, failed, missing), every collected metric.
    public var csv: String {
        var text = (["point"] + plan.keys + ["seed", "status"] + plan.collect).joined(separator: ",") + "\n"
        for (point, result) in zip(plan.points, results) {
            let metrics = plan.collect.map { name in result?.metrics[name].map { "\($0)" } ?? "" }
            text += (["\(point.index)"] + point.values.map(csvField) + ["\(point.seed)", result?.status.rawValue ?? "missing"] + metrics)
                .joined(separator: ",") + "\n"
        }
        return text
    }

    /// fits.csv: per group and metric, the exponent's mean and sd over seeds and each seed's.
    public var fitsCSV: String {
        "fixed,metric,exponent_mean,exponent_sd,seeds,per_seed\n" + fits.map { f in
            [csvField(f.fixed.joined(separator: "; ")), f.metric, "\(f.spread.mean)", "\(f.spread.standardDeviation)",
             "\(f.spread.count)", f.perSeed.map { "\($0)" }.joined(separator: ";")].joined(separator: ",")
        }.joined(separator: "\n") + (fits.isEmpty ? "" : "\n")
    }

    /// The commands that run the failed and missing points again, one per line.
    public var rerunCommands: [String] { (failed + missing).map { rerun + "\($0)" } }

    public var markdown: String {
        var md = "# Sweep: \(plan.title)\n\n"
        md += "\(plan.points.count) points (\(plan.kind.rawValue)): \(completed) completed, \(diverged.count) diverged, \(failed.count) failed, \(missing.count) missing.\n"
        md += "Axes: \(plan.keys.isEmpty ? "none" : plan.keys.joined(separator: ", ")); seeds: \(Set(plan.points.map(\.seed)).count). Every point is a row of sweep.csv.\n"
        if let key = plan.fit {
            md += "\n## Fitted exponent b of metric ∝ \(key)^b (one fit per seed, completed points)\n\n| fixed | metric | b (mean ± sd over seeds) | seeds | per seed |\n| --- | --- | --- | --- | --- |\n"
            for f in fits {
                md += "| \(f.fixed.isEmpty ? "–" : f.fixed.joined(separator: ", ")) | \(f.metric) | \(format(f.spread.mean)) ± \(format(f.spread.standardDeviation)) | \(f.spread.count) | \(f.perSeed.map(format).joined(separator: ", ")) |\n"
            }
        }
        if !diverged.isEmpty {
            md += "\n## Diverged (a result: running them again gives the same)\n\n"
            for i in diverged { md += "* point \(i): \(results[i - 1]?.message ?? "")\n" }
        }
        if !(failed + missing).isEmpty {
            md += "\n## Failed or missing: run them again with\n\n```sh\n" + rerunCommands.joined(separator: "\n") + "\n```\n"
            for i in failed { md += "\npoint \(i) failed: \(results[i - 1]?.message ?? "")" }
            if !failed.isEmpty { md += "\n" }
        }
        return md
    }

    /// A CSV field: quoted when it holds a comma or a quote.
    private func csvField(_ text: String) -> String {
        text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}

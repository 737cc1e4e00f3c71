import Foundation
import GramFlowCore
import OverlapTheory

/// Writes a run's run.json and (optionally) figures into an output folder; its
/// trajectory.csv was streamed there during the run (`recording(in:subfolder:every:)`).
public enum RunWriter {
    /// Where a run in `folder` streams its trajectory.csv.
    public static func recording(in folder: OutputFolder, subfolder: String = "", every: Int) -> Recording {
        Recording(file: folder.path(subfolder + "trajectory.csv"), every: every)
    }

    /// - Parameter subfolder: "" for the folder itself, or e.g. "theory/".
    public static func write(_ result: RunResult, kind: String, config: RunConfiguration, discrete: Bool,
                             into folder: OutputFolder, subfolder: String = "", plot: Bool) throws -> RunManifest {
        let manifest = RunManifest(kind: kind, config: config, result: result, discrete: discrete)
        try folder.write(manifest.json, to: subfolder + "run.json")
        if plot {
            try Plotting.plotRun(in: folder.path(subfolder), layout: config.model.layout,
                                 visibility: Visibility(spec: config.model),
                                 title: "\(kind): \(config.task.rawValue), rank \(config.model.rank), η = \(config.learningRate)")
        }
        return manifest
    }
}

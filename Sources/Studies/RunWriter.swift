import Foundation
import GramFlowCore
import OverlapTheory

/// Writes a run's trajectory.csv, run.json and (optionally) figures into an output folder.
public enum RunWriter {
    /// - Parameter subfolder: "" for the folder itself, or e.g. "theory/".
    public static func write(_ result: RunResult, kind: String, config: RunConfiguration, discrete: Bool,
                             into folder: OutputFolder, subfolder: String = "", plot: Bool) throws -> RunManifest {
        let manifest = RunManifest(kind: kind, config: config, result: result, discrete: discrete)
        try folder.write(result.trajectory.csv, to: subfolder + "trajectory.csv")
        try folder.write(manifest.json, to: subfolder + "run.json")
        if plot {
            try Plotting.plotRun(in: folder.path(subfolder), layout: config.model.layout,
                                 visibility: Visibility(spec: config.model),
                                 title: "\(kind): \(config.task.rawValue), rank \(config.model.rank), η = \(config.learningRate)")
        }
        return manifest
    }
}

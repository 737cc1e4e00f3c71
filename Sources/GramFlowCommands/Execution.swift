import ArgumentParser
import Foundation
import GramFlowCore
import Studies

/// Prints to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Runs `body` with a staged output folder; commits it when `body` returns
/// (also for a diverged run, which keeps what it computed), discards it on an
/// error. Usage errors exit 64, failed runs 1.
func withOutputFolder(_ path: String, _ body: (OutputFolder) throws -> [TrainingOutcome]) throws {
    let folder: OutputFolder
    do { folder = try OutputFolder(path) } catch let error as InputError {
        throw ValidationError(usageMessage(error))
    }
    let outcomes: [TrainingOutcome]
    do {
        outcomes = try body(folder)
    } catch let error as InputError {
        folder.discard()
        throw ValidationError(usageMessage(error))
    } catch let error as Plotting.Failure {
        try folder.commit()
        printError("error: \(error) (the data files were written to \(path))")
        throw ExitCode.failure
    } catch {
        folder.discard()
        printError("error: \(error)")
        throw ExitCode.failure
    }
    try folder.commit()
    let failures = outcomes.filter { !$0.isCompleted }
    guard failures.isEmpty else {
        for failure in failures { printError("error: the run \(failure); the trajectory up to there is in \(path)") }
        throw ExitCode.failure
    }
}

/// "1.234e-05" style numbers for summaries.
func short(_ x: Double?) -> String { x.map { String(format: "%.4g", $0) } ?? "n/a" }

/// The invariant line of a summary.
func invariantSummary(_ manifest: RunManifest) -> String {
    "tr(M^k) max relative drift k=1..4: " + manifest.invariants.maxRelativeDrift.map(short).joined(separator: ", ")
        + " — " + manifest.invariants.expectation
}

import ArgumentParser
import Foundation
import GramFlowCore
import Studies

/// Prints to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// What a command's body hands back: how its runs ended, and what to print
/// once the output folder is in place (never "wrote …" before the commit).
struct Finished {
    var outcomes: [TrainingOutcome] = []
    var summary: String = ""
}

/// Runs `body` with a locked, staged output folder; commits it when `body`
/// returns (also for a diverged run, which keeps what it computed), discards
/// it on an error. Usage errors exit 64, failed runs 1; a plotting failure
/// keeps the data and exits 1.
func withOutputFolder(_ path: String, _ body: (OutputFolder) throws -> Finished) throws {
    let folder = try openOutputFolder { try OutputFolder(path) }
    let finished: Finished
    do {
        finished = try body(folder)
    } catch let error as InputError {
        folder.discard()
        throw ValidationError(usageMessage(error))
    } catch let error as Plotting.Failure {
        try commit(folder, path)
        printError("error: \(error) (the data files were written to \(path))")
        throw ExitCode.failure
    } catch {
        folder.discard()
        printError("error: \(failureMessage(error, output: path))")
        throw ExitCode.failure
    }
    try commit(folder, path)
    if !finished.summary.isEmpty { print(finished.summary) }
    let failures = finished.outcomes.filter { !$0.isCompleted }
    guard failures.isEmpty else {
        for failure in failures { printError("error: the run \(failure); the trajectory up to there is in \(path)") }
        throw ExitCode.failure
    }
}

/// Opens an output folder: a bad path exits 64, a folder locked by another run exits 1.
func openOutputFolder(_ open: () throws -> OutputFolder) throws -> OutputFolder {
    do { return try open() } catch let error as InputError {
        throw ValidationError(usageMessage(error))
    } catch let error as OutputLock.Busy {
        printError("error: \(error)")
        throw ExitCode.failure
    } catch {
        printError("error: --out: \(error)")
        throw ExitCode.failure
    }
}

/// Moves the staged output into place; a failure exits 1 and says where the output is.
private func commit(_ folder: OutputFolder, _ path: String) throws {
    do { try folder.commit() } catch let error as InputError {
        printError("error: --out: \(error.message)")
        throw ExitCode.failure
    } catch {
        printError("error: could not move the output into \(path) (\(FileErrors.reason(error, path: path))); it is in \(folder.staging.path)")
        throw ExitCode.failure
    }
}

/// One sentence for a failed run: a file error names the file and its cause, anything else says itself.
func failureMessage(_ error: any Error, output path: String) -> String {
    if let cocoa = error as? CocoaError {
        return FileErrors.message(error, path: cocoa.filePath ?? path)
    }
    if error is POSIXError { return FileErrors.message(error, path: path) }
    return "\(error)"
}

/// "1.234e-05" style numbers for summaries.
func short(_ x: Double?) -> String { x.map { String(format: "%.4g", $0) } ?? "n/a" }

/// The invariant line of a summary.
func invariantSummary(_ manifest: RunManifest) -> String {
    "tr(M^k) max relative drift k=1..4: " + manifest.invariants.maxRelativeDrift.map(short).joined(separator: ", ")
        + " — " + manifest.invariants.expectation
}

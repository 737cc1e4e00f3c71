import Foundation
import TestSupport
import XCTest

/// Runs the built `gramflow` executable as a user would, in a fresh temporary folder.
struct CommandRunner {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("gramflow-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Runs in an existing folder (not removed by `cleanUp` of another runner).
    init(directory: URL) { self.directory = directory }

    /// The executable SwiftPM built next to the test bundle.
    static var executable: URL {
        let candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
                          URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        for folder in candidates {
            let url = folder.appendingPathComponent("gramflow")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return candidates[0].appendingPathComponent("gramflow")
    }

    func run(_ arguments: [String], environment: [String: String]? = nil) throws -> ProcessResult {
        try runProcess(CommandRunner.executable, arguments, in: directory, environment: environment)
    }

    func file(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// The folder's entries, hidden ones included (a staging folder would show here).
    var entries: [String] { (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }

    /// Starts the executable without waiting (output discarded), for runs a test interrupts.
    func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits up to 60 s for `name` to appear in the folder while `process` runs.
    func waitFor(_ name: String, process: Process) throws {
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: file(name).path) {
            guard process.isRunning, Date() < deadline else {
                throw NSError(domain: "CommandRunner", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(name) did not appear"])
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}

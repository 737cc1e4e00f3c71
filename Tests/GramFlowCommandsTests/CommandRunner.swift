import Foundation
import XCTest

/// Runs the built `gramflow` executable as a user would, in a fresh temporary folder.
struct CommandRunner {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("gramflow-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

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

    struct Result { let status: Int32; let stdout: String; let stderr: String }

    func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    func file(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// The folder's entries, hidden ones included (a staging folder would show here).
    var entries: [String] { (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }
}

import ArgumentParser
import Foundation
import XCTest
@testable import GramFlowCommands

/// The `--help` text of every command, compared with a reviewed copy in Golden/: a change of
/// help is a diff in a review, never a surprise. After an intended change, regenerate the copies
/// with `GRAMFLOW_UPDATE_GOLDEN=1 swift test --filter HelpGoldenTests` and review the diff.
final class HelpGoldenTests: XCTestCase {
    private static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    private func check(_ name: String, _ command: any ParsableCommand.Type, file: StaticString = #filePath, line: UInt = #line) throws {
        let text = GramFlowCommand.helpMessage(for: command, columns: 100) + "\n"
        let url = Self.folder.appendingPathComponent("\(name).txt")
        if ProcessInfo.processInfo.environment["GRAMFLOW_UPDATE_GOLDEN"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(text, golden, "the help of '\(name)' changed; regenerate Golden/\(name).txt if intended", file: file, line: line)
    }

    func testEveryCommandsHelpMatchesItsGoldenCopy() throws {
        let commands: [(String, any ParsableCommand.Type)] = [("gramflow", GramFlowCommand.self)]
            + GramFlowCommand.allCommands.map { ($0.name, $0.type) }
        XCTAssertGreaterThanOrEqual(commands.count, 8)
        for (name, command) in commands { try check(name, command) }
        // No golden copy is left over from a command that no longer exists.
        let names = Set(commands.map { "\($0.0).txt" })
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".txt") })
        XCTAssertEqual(files, names)
    }
}

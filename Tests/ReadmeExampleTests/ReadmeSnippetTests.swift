import XCTest
import Foundation

/// Every ```swift block of `Sources/*/README.md` is one of `ReadmeExamples.swift`'s marked
/// blocks (`// README: Module` … `// end README`), line for line apart from indentation and
/// import lines, and every marked block is in its README: so each documented API example is
/// compiled, run and checked by `make test`.
final class ReadmeSnippetTests: XCTestCase {
    private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A block as compared: trimmed lines, without blank lines and imports.
    private func normalized(_ lines: [Substring]) -> [String] {
        lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("import ") }
    }

    /// The ```swift blocks of one README.
    private func readmeBlocks(_ text: String) -> [[String]] {
        var blocks: [[String]] = [], current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```swift" { current = []; continue }
            if current != nil, line.trimmingCharacters(in: .whitespaces) == "```" { blocks.append(normalized(current!)); current = nil; continue }
            current?.append(line)
        }
        return blocks
    }

    /// The marked blocks of the examples file, by module.
    private func exampleBlocks(_ text: String) -> [(module: String, lines: [String])] {
        var blocks: [(String, [String])] = [], module: String?, current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("// README: ") { module = String(trimmed.dropFirst("// README: ".count)); current = []; continue }
            if trimmed == "// end README", let m = module { blocks.append((m, normalized(current))); module = nil; continue }
            if module != nil { current.append(line) }
        }
        return blocks
    }

    func testEveryReadmeSwiftBlockIsCompiledAndRun() throws {
        let examples = exampleBlocks(try String(contentsOf: root.appendingPathComponent("Tests/ReadmeExampleTests/ReadmeExamples.swift"),
                                                encoding: .utf8))
        XCTAssertGreaterThanOrEqual(examples.count, 6)
        let sources = root.appendingPathComponent("Sources")
        var found = 0
        for module in try FileManager.default.contentsOfDirectory(atPath: sources.path).sorted() {
            let readme = sources.appendingPathComponent(module).appendingPathComponent("README.md")
            guard let text = try? String(contentsOf: readme, encoding: .utf8) else { continue }
            let blocks = readmeBlocks(text)
            let ours = examples.filter { $0.module == module }.map(\.lines)
            for block in blocks {
                found += 1
                XCTAssertTrue(ours.contains(block), "Sources/\(module)/README.md has a ```swift block that ReadmeExamples.swift does not run:\n\(block.joined(separator: "\n"))")
            }
            for example in ours {
                XCTAssertTrue(blocks.contains(example), "ReadmeExamples.swift runs a '\(module)' block that Sources/\(module)/README.md does not show:\n\(example.joined(separator: "\n"))")
            }
        }
        XCTAssertEqual(found, examples.count, "every marked example belongs to a module README")
    }
}

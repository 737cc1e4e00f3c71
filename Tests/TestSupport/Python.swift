import Foundation
import XCTest

/// Runs `python3` with NumPy, for tests that have NumPy check GramFlow's files.
/// A machine without python3 or NumPy fails these tests (they never skip): the
/// test suite's set-up (`make test`) installs NumPy.
public enum Python {
    public typealias Result = ProcessResult

    /// Runs `python3 -c code arguments…` in `directory`.
    public static func run(_ code: String, arguments: [String] = [], in directory: URL? = nil) throws -> Result {
        try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", code] + arguments, in: directory)
    }

    /// Runs the code and fails the test unless it exits 0; returns its standard output.
    @discardableResult
    public static func check(_ code: String, arguments: [String] = [], in directory: URL? = nil,
                             file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = try run(code, arguments: arguments, in: directory)
        XCTAssertEqual(result.status, 0, "python3 failed (python3 with NumPy is required: `pip install numpy`): \(result.stderr)",
                       file: file, line: line)
        return result.stdout
    }
}

import Foundation
import Studies
import XCTest

/// Foundation's failures as one sentence naming the path and the cause.
final class FileErrorsTests: XCTestCase {
    func testFullDevice() {
        XCTAssertThrowsError(try Data(repeating: 1, count: 1 << 16).write(to: URL(fileURLWithPath: "/dev/full"))) { error in
            XCTAssertEqual(FileErrors.message(error, path: "/dev/full"), "cannot write /dev/full: no space left on device")
        }
    }

    func testMissingFolderAndFile() {
        XCTAssertThrowsError(try Data("x".utf8).write(to: URL(fileURLWithPath: "/no/such/folder/file"), options: .atomic)) { error in
            XCTAssertEqual(FileErrors.message(error, path: "/no/such/folder/file"), "cannot write /no/such/folder/file: no such file or folder")
        }
        XCTAssertThrowsError(try String(contentsOfFile: "/no/such/file", encoding: .utf8)) { error in
            XCTAssertEqual(FileErrors.message(error, verb: "read", path: "/no/such/file"), "cannot read /no/such/file: no such file or folder")
        }
    }

    func testFolderInPlaceOfAFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gramflow-fileerrors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertThrowsError(try Data("x".utf8).write(to: folder, options: .atomic)) { error in
            let message = FileErrors.message(error, path: folder.path)
            XCTAssertFalse(message.contains("NSCocoaErrorDomain"), message)
            XCTAssert(message.hasPrefix("cannot write \(folder.path): "), message)
            print(message)
        }
    }

    func testPOSIXCodes() {
        XCTAssertEqual(FileErrors.reason(POSIXError(.EACCES)), "permission denied")
        XCTAssertEqual(FileErrors.reason(errno: EROFS), "read-only file system")
        XCTAssertEqual(FileErrors.reason(errno: ENAMETOOLONG), "file name too long")
    }
}

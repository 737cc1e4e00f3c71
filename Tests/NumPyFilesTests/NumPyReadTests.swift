import Foundation
import NumPyFiles
import XCTest

/// GramFlow reads files NumPy wrote (Fixtures/make_fixtures.py): every value against
/// the formula the script used, exactly.
final class NumPyReadTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    func fixture(_ name: String) -> URL { Self.fixtures.appendingPathComponent(name) }

    /// grid(shape) of the script: value = 0.5 · (C-order flat index) − 1.25.
    func grid(_ shape: [Int]) -> NumPyArray {
        NumPyArray(shape: shape, values: (0..<shape.reduce(1, *)).map { 0.5 * Double($0) - 1.25 })
    }

    func testCOrderVersion1() throws {
        let a = try NPYFile.read(fixture("c_order.npy"))
        XCTAssertEqual(a, grid([2, 3, 4]))
        XCTAssertEqual(a[1, 2, 3], 0.5 * 23 - 1.25)
    }

    func testFortranOrderIsReorderedToC() throws {
        XCTAssertEqual(try NPYFile.read(fixture("fortran_order.npy")), grid([2, 3, 4]))
    }

    func testVersions2And3() throws {
        XCTAssertEqual(try NPYFile.read(fixture("version2.npy")), grid([2, 3, 4]))
        XCTAssertEqual(try NPYFile.read(fixture("version3.npy")), grid([2, 3, 4]))
    }

    func testScalarAndVector() throws {
        XCTAssertEqual(try NPYFile.read(fixture("scalar.npy")), NumPyArray(shape: [], values: [3.5]))
        XCTAssertEqual(try NPYFile.read(fixture("vector.npy")), NumPyArray(shape: [3], values: [1, -2, Double.pi]))
    }

    func testExactWidening() throws {
        XCTAssertEqual(try NPYFile.read(fixture("big_endian.npy")), grid([2, 3, 4]))
        XCTAssertEqual(try NPYFile.read(fixture("float32.npy")), grid([2, 3, 4]))  // all values exact in float32
        XCTAssertEqual(try NPYFile.read(fixture("int64.npy")), NumPyArray(shape: [2, 3], values: [-2, -1, 0, 1, 2, 3]))
    }

    func testComplexIsRefusedNamingTheDtypeAndTheFix() {
        XCTAssertThrowsError(try NPYFile.read(fixture("complex.npy"))) { error in
            let text = "\(error)"
            XCTAssert(text.contains("'<c16'") && text.contains("numpy.float64"), text)
        }
    }

    func testStoredAndCompressedArchives() throws {
        for name in ["stored.npz", "compressed.npz"] {
            let arrays = try NPZArchive.read(fixture(name))
            XCTAssertEqual(Set(arrays.keys), ["inputs", "targets"], name)
            XCTAssertEqual(arrays["inputs"], grid([2, 3, 4]), name)
            XCTAssertEqual(arrays["targets"], grid([2, 3, 1]), name)
        }
    }

    func testNotAZip() {
        XCTAssertThrowsError(try NPZArchive.read(fixture("not_a_zip.npz"))) { error in
            XCTAssert("\(error)".contains("is not a .npz (zip) archive"), "\(error)")
        }
    }

    func testTruncatedAndGarbage() throws {
        var data = try Data(contentsOf: fixture("c_order.npy"))
        data.removeLast(8)
        XCTAssertThrowsError(try NPYFile.decode(data, file: "t.npy", array: "inputs")) { error in
            XCTAssert("\(error)".contains("array 'inputs' in t.npy") && "\(error)".contains("truncated"), "\(error)")
        }
        XCTAssertThrowsError(try NPYFile.decode(Data("hello world".utf8), file: "g.npy", array: nil)) { error in
            XCTAssert("\(error)".contains("not a NumPy .npy file"), "\(error)")
        }
    }

    func testFolderOfNpyFiles() throws {
        let arrays = try NamedArrays.read(Self.fixtures.appendingPathComponent("folder").path)
        XCTAssertEqual(arrays, ["inputs": grid([2, 3, 4]), "targets": grid([2, 3, 1])])
    }
}

import Foundation
import NumPyFiles
import TestSupport
import XCTest

/// NumPy reads what GramFlow writes: the values bit for bit, and the .npy bytes are
/// exactly those of numpy.save.
final class NumPyWriteTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    /// Values that exercise rounding: 1/3, π, tiny, huge, negative zero.
    let a = NumPyArray(shape: [2, 3], values: [1.0 / 3, Double.pi, 1e-300, -1e300, -0.0, 42])

    func testNumPyLoadsTheNpyBytesAndTheyEqualNumpySave() throws {
        try NPYFile.encode(a).write(to: folder.appendingPathComponent("a.npy"))
        try NPYFile.encode(NumPyArray(shape: [], values: [2.5])).write(to: folder.appendingPathComponent("s.npy"))
        try NPYFile.encode(NumPyArray(shape: [5], values: [1, 2, 3, 4, 5])).write(to: folder.appendingPathComponent("v.npy"))
        let out = try Python.check("""
        import io, numpy as np
        a = np.load('a.npy')
        assert a.dtype == np.float64 and a.shape == (2, 3), (a.dtype, a.shape)
        expected = np.array([1/3, np.pi, 1e-300, -1e300, -0.0, 42.0]).reshape(2, 3)
        assert (a.view(np.uint64) == expected.view(np.uint64)).all()
        for name, arr in [('a.npy', expected), ('s.npy', np.float64(2.5)), ('v.npy', np.arange(1.0, 6.0))]:
            buf = io.BytesIO(); np.save(buf, arr)
            assert open(name, 'rb').read() == buf.getvalue(), name
        print('ok')
        """, in: folder)
        XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines), "ok")
    }

    func testNumPyLoadsStoredAndCompressedNpz() throws {
        for compressed in [false, true] {
            try NPZArchive.write([("m", a), ("z", NumPyArray(shape: [4, 1], values: [1, 2, 3, 4]))],
                                 to: folder.appendingPathComponent("v\(compressed).npz"), compressed: compressed)
        }
        let out = try Python.check("""
        import numpy as np
        for name in ['vfalse.npz', 'vtrue.npz']:
            with np.load(name) as f:
                assert sorted(f.files) == ['m', 'z'], f.files
                m = f['m']
                expected = np.array([1/3, np.pi, 1e-300, -1e300, -0.0, 42.0]).reshape(2, 3)
                assert (m.view(np.uint64) == expected.view(np.uint64)).all()
                assert (f['z'] == np.arange(1.0, 5.0).reshape(4, 1)).all()
        print('ok')
        """, in: folder)
        XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines), "ok")
    }

    func testRoundTripInGramFlow() throws {
        let url = folder.appendingPathComponent("r.npz")
        try NPZArchive.write([("a", a)], to: url, compressed: true)
        let back = try NPZArchive.read(url)["a"]!
        XCTAssertEqual(back.values.map(\.bitPattern), a.values.map(\.bitPattern))
        XCTAssertEqual(back.shape, a.shape)
    }

    func testHeaderIsPaddedTo64Bytes() {
        for shape in [[], [1], [123_456_789, 2], [1, 2, 3, 4, 5, 6, 7, 8]] {
            let header = NPYHeader(descr: "<f8", fortranOrder: false, shape: shape).encoded()
            XCTAssertEqual(header.count % 64, 0, "\(shape)")
            XCTAssertEqual(header.last, UInt8(ascii: "\n"))
        }
    }
}

import Foundation

/// One array as a .npy file (NumPy's format specification).
///
/// Reading gives float64 values in C order. `<f8` and `>f8` are read as they are;
/// float32 and integer arrays are widened exactly (an integer beyond ±2^53 is
/// refused, having no exact float64); any other dtype is refused with the fix.
/// `fortran_order: True` arrays are reordered to C order. Writing produces
/// exactly the bytes `numpy.save` writes for a float64 array.
public enum NPYFile {
    /// The .npy bytes of `array`: NumPy's header for `<f8`, C order, then the values little-endian.
    public static func encode(_ array: NumPyArray) -> Data {
        var data = Data(NPYHeader(descr: "<f8", fortranOrder: false, shape: array.shape).encoded())
        data.reserveCapacity(data.count + 8 * array.count)
        for value in array.values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    /// Reads a .npy file.
    public static func read(_ url: URL) throws(NumPyError) -> NumPyArray {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw NumPyError(file: url.path, "cannot be read; give the path of a .npy file written by numpy.save")
        }
        return try decode(data, file: url.path, array: nil)
    }

    /// Decodes .npy bytes; errors name `file` and `array`.
    public static func decode(_ data: Data, file: String, array: String?) throws(NumPyError) -> NumPyArray {
        let bytes = [UInt8](data)
        let (header, offset) = try NPYHeader.decode(bytes, file: file, array: array)
        func fail(_ message: String) -> NumPyError { NumPyError(file: file, array: array, message) }
        let type = try ElementType(header.descr, fail: fail)
        let count = header.shape.reduce(1, *)
        let needed = count * type.size
        guard bytes.count - offset >= needed else {
            throw fail("holds \(bytes.count - offset) data bytes, shape \(NPYHeader.shapeLiteral(header.shape)) of \(header.descr) needs \(needed); the file is truncated, write it again with numpy.save")
        }
        var values = [Double](repeating: 0, count: count)
        try bytes.withUnsafeBufferPointer { (buffer) throws(NumPyError) in
            let base = buffer.baseAddress! + offset
            for i in 0..<count { values[i] = try type.value(at: base + i * type.size, fail: fail) }
        }
        if header.fortranOrder && header.shape.count > 1 { values = cOrder(fromFortran: values, shape: header.shape) }
        return NumPyArray(shape: header.shape, values: values)
    }

    /// Reorders column-major (Fortran) values to row-major (C) order.
    static func cOrder(fromFortran values: [Double], shape: [Int]) -> [Double] {
        var out = [Double](repeating: 0, count: values.count)
        var fortranStride = [Int](repeating: 1, count: shape.count)
        for axis in 1..<shape.count { fortranStride[axis] = fortranStride[axis - 1] * shape[axis - 1] }
        var index = [Int](repeating: 0, count: shape.count)
        for c in 0..<values.count {
            var f = 0
            for axis in 0..<shape.count { f += index[axis] * fortranStride[axis] }
            out[c] = values[f]
            // Advance the C-order multi-index (last axis fastest).
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return out
    }
}

/// The element types that convert to float64 exactly.
private struct ElementType {
    enum Kind { case float, signed, unsigned, bool }
    let kind: Kind
    let size: Int
    let bigEndian: Bool

    init(_ descr: String, fail: (String) -> NumPyError) throws(NumPyError) {
        let refuse = fail("its dtype '\(descr)' is not supported; save it as float64: numpy.asarray(a, dtype=numpy.float64)")
        let chars = Array(descr)
        guard chars.count >= 3, "<>|=".contains(chars[0]), let size = Int(String(chars[2...])) else { throw refuse }
        bigEndian = chars[0] == ">"
        self.size = size
        switch (chars[1], size) {
        case ("f", 4), ("f", 8): kind = .float
        case ("i", 1), ("i", 2), ("i", 4), ("i", 8): kind = .signed
        case ("u", 1), ("u", 2), ("u", 4), ("u", 8): kind = .unsigned
        case ("b", 1): kind = .bool
        default: throw refuse
        }
    }

    func value(at p: UnsafePointer<UInt8>, fail: (String) -> NumPyError) throws(NumPyError) -> Double {
        var raw: UInt64 = 0
        for i in 0..<size { raw |= UInt64(p[bigEndian ? size - 1 - i : i]) << (8 * UInt64(i)) }
        switch kind {
        case .float:
            return size == 8 ? Double(bitPattern: raw) : Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw)))
        case .bool:
            return raw == 0 ? 0 : 1
        case .unsigned:
            guard raw <= 1 << 53 else { throw fail("holds the integer \(raw), which has no exact float64; save it as float64: numpy.asarray(a, dtype=numpy.float64)") }
            return Double(raw)
        case .signed:
            let shift = UInt64(64 - 8 * size)
            let value = Int64(bitPattern: raw << shift) >> Int64(shift)
            guard value.magnitude <= 1 << 53 else { throw fail("holds the integer \(value), which has no exact float64; save it as float64: numpy.asarray(a, dtype=numpy.float64)") }
            return Double(value)
        }
    }
}

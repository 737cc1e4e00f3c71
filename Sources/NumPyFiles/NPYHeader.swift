/// The header of a .npy file, as NumPy's format specification defines it
/// (numpy.lib.format, versions 1.0, 2.0 and 3.0):
///
///     magic "\x93NUMPY", major, minor (one byte each),
///     header length HEADER_LEN (little-endian uint16 in 1.0, uint32 in 2.0 and 3.0),
///     header: a Python dict literal {'descr': …, 'fortran_order': …, 'shape': (…), }
///     (ASCII in 1.0 and 2.0, UTF-8 in 3.0), padded with spaces and ended by '\n'
///     so that magic + length + header is a multiple of 64 bytes; then the data.
public struct NPYHeader: Equatable, Sendable {
    /// The dtype string, e.g. `<f8`.
    public var descr: String
    public var fortranOrder: Bool
    public var shape: [Int]

    public init(descr: String, fortranOrder: Bool, shape: [Int]) {
        self.descr = descr; self.fortranOrder = fortranOrder; self.shape = shape
    }

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
    /// ARRAY_ALIGN of numpy.lib.format.
    static let alignment = 64
    /// GROWTH_AXIS_MAX_DIGITS of numpy.lib.format: spare spaces NumPy adds so the
    /// header can be rewritten in place when the array grows along its first axis.
    static let growthDigits = 21

    /// `()`, `(3,)`, `(2, 3)`: Python's repr of the shape tuple.
    public static func shapeLiteral(_ shape: [Int]) -> String {
        switch shape.count {
        case 0: return "()"
        case 1: return "(\(shape[0]),)"
        default: return "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
    }

    /// The header bytes NumPy's `numpy.save` writes for this header: the dict with
    /// sorted keys, the growth spaces, version 1.0 when the header fits in 65535
    /// bytes (2.0 otherwise), padded to 64 bytes.
    public func encoded() -> [UInt8] {
        var dict = "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(NPYHeader.shapeLiteral(shape)), }"
        if let axis = fortranOrder ? shape.last : shape.first {
            dict += String(repeating: " ", count: max(0, NPYHeader.growthDigits - String(axis).count))
        }
        let text = Array(dict.utf8)
        for (major, lengthBytes) in [(UInt8(1), 2), (UInt8(2), 4)] {
            let prefix = NPYHeader.magic.count + 2 + lengthBytes
            let unpadded = text.count + 1
            let padding = NPYHeader.alignment - (prefix + unpadded) % NPYHeader.alignment
            let length = unpadded + padding
            if lengthBytes == 2 && length > Int(UInt16.max) { continue }
            var bytes = NPYHeader.magic + [major, 0]
            for i in 0..<lengthBytes { bytes.append(UInt8(truncatingIfNeeded: length >> (8 * i))) }
            bytes += text + Array(repeating: UInt8(ascii: " "), count: padding) + [UInt8(ascii: "\n")]
            return bytes
        }
        fatalError("unreachable: a 2.0 header holds 4 GiB")
    }

    /// Reads the header at the start of `bytes`; returns it and the offset of the data.
    /// - Throws: `NumPyError` naming `file` and `array`.
    public static func decode(_ bytes: [UInt8], file: String, array: String?) throws(NumPyError) -> (NPYHeader, Int) {
        func fail(_ message: String) -> NumPyError { NumPyError(file: file, array: array, message) }
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw fail("not a NumPy .npy file (it does not start with \\x93NUMPY); write it with numpy.save")
        }
        let major = bytes[6], minor = bytes[7]
        let lengthBytes: Int
        switch (major, minor) {
        case (1, 0): lengthBytes = 2
        case (2, 0), (3, 0): lengthBytes = 4
        default: throw fail("NumPy format version \(major).\(minor) is not known (1.0, 2.0 and 3.0 are); write it with numpy.save")
        }
        guard bytes.count >= 8 + lengthBytes else { throw fail("the file ends inside its header; write it again with numpy.save") }
        var length = 0
        for i in 0..<lengthBytes { length |= Int(bytes[8 + i]) << (8 * i) }
        let start = 8 + lengthBytes
        guard bytes.count >= start + length else { throw fail("the file ends inside its header; write it again with numpy.save") }
        guard let text = String(validating: bytes[start..<(start + length)], as: UTF8.self) else {
            throw fail("the header is not text; write it again with numpy.save")
        }
        let header = try parse(text, fail: fail)
        return (header, start + length)
    }

    /// Parses the dict literal: the keys 'descr' (a string), 'fortran_order' (True/False)
    /// and 'shape' (a tuple of integers), in any order.
    private static func parse(_ text: String, fail: (String) -> NumPyError) throws(NumPyError) -> NPYHeader {
        var scanner = LiteralScanner(text)
        var descr: String?, fortran: Bool?, shape: [Int]?
        let bad = fail("the header \(text.trimmingCharacters()) is not a NumPy header dict; write the file with numpy.save")
        guard scanner.take("{") else { throw bad }
        while !scanner.take("}") {
            guard let key = scanner.string(), scanner.take(":") else { throw bad }
            switch key {
            case "descr":
                guard let value = scanner.string() else {
                    throw fail("the array has a structured dtype; save a plain float64 array: numpy.asarray(a, dtype=numpy.float64)")
                }
                descr = value
            case "fortran_order":
                if scanner.word("True") { fortran = true } else if scanner.word("False") { fortran = false } else { throw bad }
            case "shape":
                guard let value = scanner.tuple() else { throw bad }
                shape = value
            default:
                throw bad
            }
            if !scanner.take(",") { guard scanner.take("}") else { throw bad }; break }
        }
        guard let descr, let fortran, let shape else { throw bad }
        return NPYHeader(descr: descr, fortranOrder: fortran, shape: shape)
    }
}

/// A scanner for the few Python literals a .npy header holds.
private struct LiteralScanner {
    let characters: [Character]
    var position = 0
    init(_ text: String) { characters = Array(text) }

    mutating func skipSpace() { while position < characters.count && characters[position].isWhitespace { position += 1 } }

    mutating func take(_ symbol: Character) -> Bool {
        skipSpace()
        guard position < characters.count, characters[position] == symbol else { return false }
        position += 1
        return true
    }

    mutating func word(_ word: String) -> Bool {
        skipSpace()
        let w = Array(word)
        guard position + w.count <= characters.count, Array(characters[position..<(position + w.count)]) == w else { return false }
        position += w.count
        return true
    }

    /// A '…' or "…" string without escapes.
    mutating func string() -> String? {
        skipSpace()
        guard position < characters.count, characters[position] == "'" || characters[position] == "\"" else { return nil }
        let quote = characters[position]
        var end = position + 1
        while end < characters.count && characters[end] != quote { end += 1 }
        guard end < characters.count else { return nil }
        let value = String(characters[(position + 1)..<end])
        position = end + 1
        return value
    }

    mutating func integer() -> Int? {
        skipSpace()
        var end = position
        while end < characters.count && characters[end].isASCII && characters[end].isNumber { end += 1 }
        guard end > position, let value = Int(String(characters[position..<end])) else { return nil }
        position = end
        // Python 2 wrote long integers as 3L.
        if position < characters.count && characters[position] == "L" { position += 1 }
        return value
    }

    /// (), (3,), (2, 3)
    mutating func tuple() -> [Int]? {
        guard take("(") else { return nil }
        var values: [Int] = []
        while !take(")") {
            guard let value = integer() else { return nil }
            values.append(value)
            if !take(",") { guard take(")") else { return nil }; break }
        }
        return values
    }
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while let c = s.last, c.isWhitespace { s.removeLast() }
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        return String(s)
    }
}

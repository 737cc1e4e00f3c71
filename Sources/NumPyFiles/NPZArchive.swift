import Foundation
import ZIPFoundation

/// Named arrays as a .npz file: a zip archive with one `NAME.npy` entry per array,
/// as `numpy.savez` (stored entries) and `numpy.savez_compressed` (deflated) write it.
public enum NPZArchive {
    /// Reads every `.npy` entry of a .npz file, by name without the `.npy` suffix.
    public static func read(_ url: URL) throws(NumPyError) -> [String: NumPyArray] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw NumPyError(file: url.path, "cannot be read; give the path of a .npz file written by numpy.savez")
        }
        return try decode(data, file: url.path)
    }

    /// Decodes .npz bytes; errors name `file` and the entry.
    public static func decode(_ data: Data, file: String) throws(NumPyError) -> [String: NumPyArray] {
        let notZip = NumPyError(file: file, "is not a .npz (zip) archive; write it with numpy.savez(FILE, name=array, …)")
        guard data.count >= 4, data.prefix(2) == Data([0x50, 0x4B]) else { throw notZip }
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch { throw notZip }
        var arrays: [String: NumPyArray] = [:]
        for entry in archive where entry.type == .file {
            guard entry.path.hasSuffix(".npy") else { continue }
            let name = String(entry.path.dropLast(4))
            var bytes = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { bytes.append($0) }
            } catch {
                throw NumPyError(file: file, array: name, "the zip entry \(entry.path) cannot be extracted (\(error)); write the file again with numpy.savez")
            }
            arrays[name] = try NPYFile.decode(bytes, file: file, array: name)
        }
        return arrays
    }

    /// The .npz bytes of `arrays` (in the given order), deflated when `compressed`
    /// (as `numpy.savez_compressed`), stored otherwise (as `numpy.savez`). Entries
    /// carry a fixed date, so the same arrays give the same bytes.
    public static func encode(_ arrays: [(name: String, array: NumPyArray)], compressed: Bool = false) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        let date = Date(timeIntervalSince1970: 315_532_800)  // 1980-01-01, the zip epoch
        for (name, array) in arrays {
            let bytes = NPYFile.encode(array)
            try archive.addEntry(with: name + ".npy", type: .file, uncompressedSize: Int64(bytes.count),
                                 modificationDate: date, permissions: 0o644,
                                 compressionMethod: compressed ? .deflate : .none) { position, size in
                bytes.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
        guard let data = archive.data else { throw NumPyError(file: "(memory)", "the archive could not be built") }
        return data
    }

    /// Writes `arrays` to `url` as a .npz file.
    public static func write(_ arrays: [(name: String, array: NumPyArray)], to url: URL, compressed: Bool = false) throws {
        try encode(arrays, compressed: compressed).write(to: url)
    }
}

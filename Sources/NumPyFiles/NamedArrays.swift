import Foundation

/// Arrays by name from a .npz file or from a folder of `NAME.npy` files: the two
/// ways a user hands GramFlow a set of arrays.
public enum NamedArrays {
    /// Reads `path`: a folder (every `*.npy` in it) or a .npz file.
    public static func read(_ path: String) throws(NumPyError) -> [String: NumPyArray] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw NumPyError(file: path, "does not exist; give a .npz file (numpy.savez) or a folder of .npy files")
        }
        guard isFolder.boolValue else {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw NumPyError(file: path, "cannot be read; check its permissions")
            }
            return try NPZArchive.decode(data, file: path)
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw NumPyError(file: path, "the folder cannot be listed; check its permissions")
        }
        var arrays: [String: NumPyArray] = [:]
        for name in names.sorted() where name.hasSuffix(".npy") {
            let file = (path.hasSuffix("/") ? path : path + "/") + name
            guard let data = FileManager.default.contents(atPath: file) else {
                throw NumPyError(file: file, "cannot be read; check its permissions")
            }
            arrays[String(name.dropLast(4))] = try NPYFile.decode(data, file: file, array: nil)
        }
        return arrays
    }
}

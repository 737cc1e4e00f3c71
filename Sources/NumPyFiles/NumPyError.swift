/// Why a .npy or .npz file could not be read, in one sentence that names the
/// file (and the array) and says how to fix it.
public struct NumPyError: Error, Equatable, CustomStringConvertible {
    /// The file at fault.
    public let file: String
    /// The array at fault (nil when the file as a whole is).
    public let array: String?
    /// What is wrong and the fix.
    public let message: String

    public init(file: String, array: String? = nil, _ message: String) {
        self.file = file; self.array = array; self.message = message
    }

    public var description: String {
        if let array { return "array '\(array)' in \(file): \(message)" }
        return "\(file): \(message)"
    }
}

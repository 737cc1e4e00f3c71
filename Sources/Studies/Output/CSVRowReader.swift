import Foundation

/// Reads a numeric CSV file one row at a time (after its header), so a
/// comparison of two long trajectories needs memory for one row of each.
final class CSVRowReader {
    let url: URL
    private let stream: UnsafeMutablePointer<FILE>
    private var line: UnsafeMutablePointer<CChar>?
    private var capacity = 0
    private(set) var lineNumber = 0

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// Opens the file and reads past its header line.
    init(_ url: URL) throws {
        guard let stream = fopen(url.path, "r") else {
            throw Malformed(description: "cannot read \(url.path): \(String(cString: strerror(errno)))")
        }
        self.url = url
        self.stream = stream
        _ = readLine()
    }

    private func readLine() -> String? {
        guard getline(&line, &capacity, stream) >= 0, let line else { return nil }
        lineNumber += 1
        return String(cString: line).trimmingCharacters(in: .newlines)
    }

    /// The next row's numbers, or nil at the end of the file.
    /// - Throws: `Malformed` naming the file and line when a field is not a number.
    func next() throws -> [Double]? {
        guard let text = readLine() else { return nil }
        var values: [Double] = []
        for field in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = Double(field) else {
                throw Malformed(description: "\(url.path):\(lineNumber): '\(field)' is not a number")
            }
            values.append(value)
        }
        return values
    }

    deinit {
        fclose(stream)
        free(line)
    }
}

import Foundation
import GramFlowCore
import Studies

/// A JSON file of named numbers, `{"m1.m1": 1.0, …}` (`--overlaps`, `--teacher`).
/// Foundation keeps one value of a key written twice and says nothing, so the keys are
/// also counted here and a repeated one is refused.
enum JSONNumbersFile {
    static func read(_ path: String, field: ParameterKey) throws(InputError) -> [String: Double] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw InputError(field, FileErrors.message(error, verb: "read", path: path) + "; give the path of a JSON file")
        }
        guard let values = try? JSONDecoder().decode([String: Double].self, from: data) else {
            throw InputError(field, "\(path) is not a JSON object of numbers like {\"m1.m1\": 1.0, …}")
        }
        if let key = repeatedKey(data) { throw InputError(field, "\(path) gives \"\(key)\" twice; keep one") }
        return values
    }

    /// The first key written twice (as written, escapes not decoded) in a document already
    /// read as a flat object of numbers, where every string is a key.
    static func repeatedKey(_ data: Data) -> String? {
        var seen = Set<[UInt8]>(), key: [UInt8]? = nil, escaped = false
        for byte in data {
            guard var current = key else {
                if byte == UInt8(ascii: "\"") { key = [] }
                continue
            }
            if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") {
                guard seen.insert(current).inserted else { return String(decoding: current, as: UTF8.self) }
                key = nil
                continue
            }
            current.append(byte)
            key = current
        }
        return nil
    }
}

import Foundation

/// Pretty, key-sorted JSON of any encodable value.
public func encodeJSON<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    // Encoding plain data structures cannot fail.
    return String(decoding: try! encoder.encode(value), as: UTF8.self) + "\n"
}

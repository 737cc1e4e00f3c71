import Crypto
import Foundation

/// A file written as it is computed: text is buffered and flushed to disk
/// when the buffer holds 1 MiB or 2 seconds have passed, so a run's memory
/// does not grow with its length and a killed run keeps what it computed up
/// to the last flush.
///
/// With `atomic`, the text goes to `NAME.tmp` and `close()` syncs it to disk
/// and renames it to NAME, so a reader never sees a half-written file.
/// `close()` returns the byte length and SHA-256 of what was written, which
/// a checkpoint records to verify the file later.
public final class StreamingFile {
    public let url: URL
    private let writing: URL
    private let handle: FileHandle
    private var buffer = Data()
    private var hasher = SHA256()
    private var bytes = 0
    private var lastFlush = Date()
    private var closed = false

    private static let bufferLimit = 1 << 20
    private static let flushInterval: TimeInterval = 2

    /// Creates (or truncates) the file; its folder is created if needed.
    public init(_ url: URL, atomic: Bool = false) throws {
        self.url = url
        writing = atomic ? url.appendingPathExtension("tmp") : url
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: writing.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: writing.path])
        }
        handle = try FileHandle(forWritingTo: writing)
    }

    public func write(_ text: String) throws { try write(Data(text.utf8)) }

    public func write(_ data: Data) throws {
        precondition(!closed, "write after close")
        buffer.append(data)
        hasher.update(data: data)
        bytes += data.count
        if buffer.count >= Self.bufferLimit || Date().timeIntervalSince(lastFlush) >= Self.flushInterval {
            try flush()
        }
    }

    /// Hands the buffer to the operating system.
    public func flush() throws {
        if !buffer.isEmpty { try handle.write(contentsOf: buffer) }
        buffer.removeAll(keepingCapacity: true)
        lastFlush = Date()
    }

    /// Flushes, syncs to disk, closes and (atomic) renames into place.
    @discardableResult
    public func close() throws -> FileDigest {
        guard !closed else { return FileDigest(bytes: bytes, sha256: hex(hasher.finalize())) }
        closed = true
        try flush()
        try handle.synchronize()
        try handle.close()
        if writing != url {
            guard rename(writing.path, url.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
        }
        return FileDigest(bytes: bytes, sha256: hex(hasher.finalize()))
    }

    deinit { if !closed { try? handle.close() } }
}

/// A file's byte length and SHA-256 (lower-case hex).
public struct FileDigest: Codable, Equatable, Sendable {
    public var bytes: Int
    public var sha256: String

    /// The digest of a file on disk, read in 1 MiB chunks; nil when it cannot be read.
    public static func of(_ url: URL) -> FileDigest? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256(), bytes = 0
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            bytes += chunk.count
        }
        return FileDigest(bytes: bytes, sha256: hex(hasher.finalize()))
    }
}

private func hex(_ digest: SHA256.Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }

/// Whole files written at once, atomically (temporary name, fsync, rename).
public enum AtomicFile {
    @discardableResult
    public static func write(_ data: Data, to url: URL) throws -> FileDigest {
        let file = try StreamingFile(url, atomic: true)
        try file.write(data)
        return try file.close()
    }
}

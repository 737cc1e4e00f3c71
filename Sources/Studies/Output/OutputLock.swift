import Foundation
import GramFlowCore

/// An exclusive lock on one output path, held for a whole run: `flock` on
/// `.NAME.lock` beside the output folder, which holds the owner's process id.
/// A second run on the same output fails at once and names the first.
public final class OutputLock {
    public let url: URL
    private let descriptor: Int32
    private var released = false

    /// Another run holds the lock (exit 1: the usage is right, the moment is not).
    public struct Busy: Error, CustomStringConvertible {
        public let description: String
    }

    /// The first line of every lock file; a file of that name without it is not GramFlow's.
    private static let signature = "gramflow lock, process "

    /// - Throws: `Busy` when another process holds the lock; `InputError` (field `out`)
    ///   when the lock file cannot be created or a file of its name is not GramFlow's.
    public init(for destination: URL) throws {
        let url = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).lock")
        self.url = url
        if let text = try? String(contentsOf: url, encoding: .utf8), !text.isEmpty, !text.hasPrefix(Self.signature) {
            throw InputError(.out, "\(url.path) exists and is not a GramFlow lock file; move it away or choose another path")
        }
        // Retry when the file we locked was unlinked by its previous owner meanwhile.
        while true {
            let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw InputError(.out, "cannot create the lock file \(url.path) (\(String(cString: strerror(errno)))); choose a writable path")
            }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let owner = (try? String(contentsOf: url, encoding: .utf8))?
                    .dropFirst(Self.signature.count).trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
                close(fd)
                throw Busy(description: "another gramflow run (process \(owner)) is writing \(destination.path); wait for it to finish or choose another --out")
            }
            var held = stat(), onDisk = stat()
            if fstat(fd, &held) == 0, stat(url.path, &onDisk) == 0, held.st_ino == onDisk.st_ino, held.st_dev == onDisk.st_dev {
                descriptor = fd
                break
            }
            close(fd)
        }
        let text = Self.signature + "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        Interruption.shared.register(self) { [url] in unlink(url.path) }
    }

    /// Removes the lock file and releases the lock.
    public func release() {
        guard !released else { return }
        released = true
        Interruption.shared.unregister(self)
        unlink(url.path)
        close(descriptor)
    }

    deinit { release() }
}

import Foundation
import GramFlowCore

/// An output folder written atomically: everything goes to a hidden temporary
/// sibling, renamed into place by `commit()`. A run that fails before the
/// commit leaves nothing behind (`discard()`), never a half-written folder.
///
/// An existing destination is replaced only if it is empty or holds a previous
/// GramFlow output (a `run.json` or `report.json`); anything else is refused.
public final class OutputFolder {
    public let destination: URL
    public let staging: URL
    private var finished = false
    /// Resumable folders keep their staging folder when a run stops before `commit()`.
    private let resumable: Bool

    /// Checks that `path` can become an output folder, without writing anything.
    /// - Throws: `InputError` (field `out`) naming the problem and the fix.
    public static func check(_ path: String) throws(InputError) {
        let fm = FileManager.default
        let destination = URL(fileURLWithPath: path).standardizedFileURL
        let parent = destination.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: destination.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw InputError(field: "out", "\(path) exists and is a file; give a folder path")
            }
            let contents = (try? fm.contentsOfDirectory(atPath: destination.path)) ?? []
            guard contents.isEmpty || contents.contains("run.json") || contents.contains("report.json") else {
                throw InputError(field: "out", "\(path) exists and is not a GramFlow output folder; choose a new path")
            }
        }
        guard fm.fileExists(atPath: parent.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError(field: "out", "the parent folder \(parent.path) does not exist; create it or choose another path")
        }
        guard fm.isWritableFile(atPath: parent.path) else {
            throw InputError(field: "out", "cannot write in \(parent.path); choose a writable path")
        }
    }

    /// Checks the destination and creates the staging folder.
    /// - Throws: `InputError` (field `out`) naming the problem and the fix.
    public convenience init(_ path: String) throws {
        try self.init(path, staging: ".\(URL(fileURLWithPath: path).standardizedFileURL.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)",
                      keep: false, resumable: false)
    }

    /// A folder staged in `.NAME.partial` next to it, which survives a stopped run;
    /// with `resume`, an existing staging folder is reused instead of emptied.
    public convenience init(resumable path: String, resume: Bool) throws {
        try self.init(path, staging: ".\(URL(fileURLWithPath: path).standardizedFileURL.lastPathComponent).partial",
                      keep: resume, resumable: true)
    }

    private init(_ path: String, staging name: String, keep: Bool, resumable: Bool) throws {
        try OutputFolder.check(path)
        let fm = FileManager.default
        self.resumable = resumable
        destination = URL(fileURLWithPath: path).standardizedFileURL
        let parent = destination.deletingLastPathComponent()
        staging = parent.appendingPathComponent(name)
        if keep && fm.fileExists(atPath: staging.path) { return }
        try? fm.removeItem(at: staging)
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw InputError(field: "out", "cannot create a folder next to \(path) (\(error.localizedDescription)); choose a writable path")
        }
    }

    /// Writes a text file inside the staging folder (`name` may include a subfolder).
    public func write(_ text: String, to name: String) throws {
        let url = staging.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: false, encoding: .utf8)
    }

    /// The staging path of a file, for tools that write it themselves (gnuplot).
    public func path(_ name: String) -> URL { staging.appendingPathComponent(name) }

    /// Moves the staging folder into place, replacing a previous output.
    public func commit() throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: destination.path) { try fm.removeItem(at: destination) }
        try fm.moveItem(at: staging, to: destination)
        finished = true
    }

    /// Removes the staging folder.
    public func discard() {
        try? FileManager.default.removeItem(at: staging)
        finished = true
    }

    deinit { if !finished && !resumable { discard() } }
}

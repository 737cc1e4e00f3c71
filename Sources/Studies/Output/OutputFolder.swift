import Foundation
import GramFlowCore

/// An output folder written atomically and safely:
///
/// * the run holds an `OutputLock` on the path for its whole length;
/// * everything goes to a hidden staging sibling `.NAME.partial-PID`, which
///   `commit()` stamps with GramFlow's `OutputMarker` and renames into place;
///   a run that fails before the commit leaves nothing behind (`discard()`);
/// * an existing destination is replaced only when it is empty or carries
///   GramFlow's marker and holds nothing else (`check`); `.`, `..`, `/`, the
///   home folder and any folder holding the working directory are refused;
/// * staging folders of runs whose process is gone are removed by the next
///   run on the same path; SIGINT/SIGTERM remove this run's staging folder.
public final class OutputFolder {
    public let destination: URL
    public let staging: URL
    private let lock: OutputLock
    private var finished = false
    /// Resumable folders (studies) keep their staging folder when a run stops before `commit()`.
    private let resumable: Bool

    /// Checks that `path` can become an output folder, without writing anything.
    /// - Throws: `InputError` (field `out`) naming the problem and the fix.
    public static func check(_ path: String) throws(InputError) {
        let destination = try resolve(path)
        let parent = destination.deletingLastPathComponent()
        var info = stat()
        if lstat(destination.path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFLNK {
                throw InputError(.out, "\(path) is a symbolic link; give the path of a real folder")
            }
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw InputError(.out, "\(path) exists and is a file; give a folder path")
            }
            if let foreign = OutputMarker.foreignEntry(in: destination) {
                throw InputError(.out, "\(path) is not a GramFlow output folder: it holds \(foreign), which GramFlow did not write, and GramFlow replaces only folders it wrote itself; choose a new path")
            }
        }
        guard FileManager.default.isWritableFile(atPath: parent.path) else {
            throw InputError(.out, "cannot write in \(parent.path); choose a writable path")
        }
    }

    /// The absolute destination with its parent's links resolved, refusing the paths
    /// whose replacement could take a user's files with it.
    private static func resolve(_ path: String) throws(InputError) -> URL {
        guard !path.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw InputError(.out, "the path is empty; give a folder path such as --out results")
        }
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        let last = (trimmed as NSString).lastPathComponent
        guard trimmed != "/" else { throw InputError(.out, "/ is the root folder; give a new folder path such as --out results") }
        guard last != "." && last != ".." else {
            throw InputError(.out, "'\(path)' names the current or a parent folder; give a new folder path such as --out results")
        }
        let given = URL(fileURLWithPath: trimmed).standardizedFileURL
        var isDirectory: ObjCBool = false
        let parentGiven = given.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: parentGiven.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError(.out, "the parent folder \(parentGiven.path) does not exist; create it or choose another path")
        }
        let destination = parentGiven.resolvingSymlinksInPath().appendingPathComponent(given.lastPathComponent)
        let home = FileManager.default.homeDirectoryForCurrentUser.resolvingSymlinksInPath().path
        guard destination.path != home else {
            throw InputError(.out, "\(path) is your home folder; give a new folder path such as --out results")
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).resolvingSymlinksInPath().path
        guard cwd != destination.path && !cwd.hasPrefix(destination.path + "/") else {
            throw InputError(.out, "\(path) contains the working directory; give a new folder path such as --out results")
        }
        return destination
    }

    /// Locks the path, checks it, removes stale staging folders and creates the staging folder.
    /// - Throws: `InputError` (field `out`) naming the problem and the fix; `OutputLock.Busy`.
    public convenience init(_ path: String) throws {
        try self.init(path, staging: { ".\($0).partial-\(getpid())" }, keep: false, resumable: false)
    }

    /// A folder staged in `.NAME.partial` next to it, which survives a stopped run;
    /// with `resume`, an existing staging folder is reused instead of emptied.
    public convenience init(resumable path: String, resume: Bool) throws {
        try self.init(path, staging: { ".\($0).partial" }, keep: resume, resumable: true)
    }

    private init(_ path: String, staging name: (String) -> String, keep: Bool, resumable: Bool) throws {
        try OutputFolder.check(path)
        destination = try OutputFolder.resolve(path)
        lock = try OutputLock(for: destination)
        try OutputFolder.check(path)  // again, now that no other run can change it
        self.resumable = resumable
        let parent = destination.deletingLastPathComponent()
        staging = parent.appendingPathComponent(name(destination.lastPathComponent))
        OutputFolder.removeStaleStaging(of: destination)
        let fm = FileManager.default
        let exists = fm.fileExists(atPath: staging.path)
        if exists && OutputMarker.read(in: staging) == nil {
            throw InputError(.out, "\(staging.path) exists and is not GramFlow's staging folder; move it away or choose another path")
        }
        if keep && exists {
            registerInterruption()
            return
        }
        if exists { try fm.removeItem(at: staging) }
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
            try OutputMarker.stamp(staging)
        } catch {
            throw InputError(.out, "cannot create a folder next to \(path) (\(FileErrors.reason(error, path: staging.path))); choose a writable path")
        }
        registerInterruption()
    }

    private func registerInterruption() {
        if resumable {
            Interruption.shared.register(self, keeping: "the completed phases are kept in \(staging.path); continue with --resume") {}
        } else {
            Interruption.shared.register(self) { [staging] in try? FileManager.default.removeItem(at: staging) }
        }
    }

    /// Removes `.NAME.partial-PID` and `.NAME.replaced-PID` folders left by runs whose
    /// process no longer exists (a crash, a kill -9), if they carry GramFlow's marker.
    private static func removeStaleStaging(of destination: URL) {
        let parent = destination.deletingLastPathComponent(), name = destination.lastPathComponent
        let names = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        for entry in names {
            for prefix in [".\(name).partial-", ".\(name).replaced-"] where entry.hasPrefix(prefix) {
                guard let pid = Int32(entry.dropFirst(prefix.count)), pid != getpid(),
                      kill(pid, 0) != 0 && errno == ESRCH else { continue }
                let folder = parent.appendingPathComponent(entry)
                if OutputMarker.read(in: folder) != nil { try? FileManager.default.removeItem(at: folder) }
            }
        }
    }

    /// Writes a text file inside the staging folder (`name` may include a subfolder).
    public func write(_ text: String, to name: String) throws {
        let url = staging.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// The staging path of a file, for code that writes it itself (streams, gnuplot).
    public func path(_ name: String) -> URL { staging.appendingPathComponent(name) }

    /// Stamps the staging folder with the marker and moves it into place, replacing a
    /// previous GramFlow output (checked again: a file added meanwhile keeps it).
    public func commit() throws {
        try OutputMarker.stamp(staging)
        let fm = FileManager.default
        var replaced: URL?
        if fm.fileExists(atPath: destination.path) {
            if let foreign = OutputMarker.foreignEntry(in: destination) {
                finished = true  // keep the staging folder: it is the only copy of this run
                Interruption.shared.unregister(self)
                throw InputError(.out, "\(foreign) appeared in \(destination.path) during the run, so it was not replaced; this run's output is in \(staging.path)")
            }
            let aside = destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).replaced-\(getpid())")
            try fm.moveItem(at: destination, to: aside)
            replaced = aside
        }
        do {
            try fm.moveItem(at: staging, to: destination)
        } catch {
            if let replaced { try? fm.moveItem(at: replaced, to: destination) }
            throw error
        }
        finished = true
        Interruption.shared.unregister(self)
        if let replaced { try? fm.removeItem(at: replaced) }
        lock.release()
    }

    /// Removes the staging folder.
    public func discard() {
        try? FileManager.default.removeItem(at: staging)
        finished = true
        Interruption.shared.unregister(self)
        lock.release()
    }

    /// Leaves the staging folder for `--resume` and releases the lock.
    public func keepForResume() {
        finished = true
        Interruption.shared.unregister(self)
        lock.release()
    }

    deinit {
        if !finished && !resumable { discard() }
        Interruption.shared.unregister(self)
    }
}

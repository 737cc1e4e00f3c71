import Foundation
import GramFlowCore

/// One point of a sweep: its number (from 1), the value of every axis, its seed,
/// and what it runs, resolved (a run's every parameter, or a study file's text).
public struct PlannedPoint: Codable, Equatable, Sendable {
    public var index: Int
    /// One value per axis, in the order of the sweep file's axes, as written into the base.
    public var values: [String]
    public var seed: UInt64
    /// `sweep: run`: the run (written to the point's run.json).
    public var run: RunConfiguration?
    /// `sweep: study`: the study file (written to the point's study.yaml).
    public var study: String?
    /// What the point needs (`MemoryEstimate`), in bytes; nil when it overflows.
    public var memory: Int?

    public init(index: Int, values: [String], seed: UInt64, run: RunConfiguration? = nil, study: String? = nil, memory: Int? = nil) {
        self.index = index; self.values = values; self.seed = seed; self.run = run; self.study = study; self.memory = memory
    }
}

/// A planned sweep: its points, what to collect, and the folder layout that every
/// engine (`gramflow sweep run`, GNU parallel on jobs.txt, a Slurm job array from
/// slurm.sh) reads:
///
///     DIR/plan.json              the sweep: kind, axes, what to collect, every point's values and seed
///     DIR/points/0001/point.json the point's number, values and seed
///     DIR/points/0001/run.json   what it runs (study.yaml for `sweep: study`), self-contained
///     DIR/points/0001/result/    its outputs and summary.json, written by `gramflow sweep point DIR 1`
///     DIR/jobs.txt               one `gramflow sweep point DIR I` per line
///     DIR/slurm.sh               an sbatch job array over the points
public struct SweepPlan: Codable, Equatable, Sendable {
    public var format = 1
    public var kind: SweepKind
    public var title: String
    /// The axes' keys, in study-file words.
    public var keys: [String]
    public var collect: [String]
    public var fit: String?
    public var points: [PlannedPoint]

    public init(kind: SweepKind, title: String, keys: [String], collect: [String], fit: String?, points: [PlannedPoint]) {
        self.kind = kind; self.title = title; self.keys = keys; self.collect = collect; self.fit = fit; self.points = points
    }

    /// Digits of a point's folder name: 4, more for sweeps of 10 000 points or more.
    public var width: Int { max(4, String(points.count).count) }

    /// `points/0007`.
    public func folder(of index: Int) -> String { Self.folder(of: index, width: width) }

    static func folder(of index: Int, width: Int) -> String {
        let digits = String(index)
        return "points/" + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// The largest memory estimate of a point, in bytes (nil when one overflows).
    public var memoryPerPoint: Int? {
        points.reduce(Int?(0)) { largest, point in largest.flatMap { l in point.memory.map { max(l, $0) } } }
    }

    /// Writes the plan into `folder` (a staging folder): plan.json, every point's files, jobs.txt and
    /// slurm.sh, whose commands run `executable` on `destination` (where the folder will be).
    public func write(into folder: URL, destination: URL, executable: String, slurmLimit: Int) throws {
        var manifest = self
        manifest.points = points.map { PlannedPoint(index: $0.index, values: $0.values, seed: $0.seed, memory: $0.memory) }
        try AtomicFile.write(Data(encodeJSON(manifest).utf8), to: folder.appendingPathComponent("plan.json"))
        let jobs = try StreamingFile(folder.appendingPathComponent("jobs.txt"), atomic: true)
        for point in points {
            let sub = folder.appendingPathComponent(self.folder(of: point.index))
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            let description = PointDescription(index: point.index, kind: kind,
                                               values: Dictionary(uniqueKeysWithValues: zip(keys, point.values)), seed: point.seed)
            // Inside the staging folder, renamed into place as a whole: no file needs its own sync.
            try writeUnsynced(encodeJSON(description), to: sub.appendingPathComponent("point.json"))
            if let run = point.run { try writeUnsynced(encodeJSON(run), to: sub.appendingPathComponent("run.json")) }
            if let study = point.study { try writeUnsynced(study, to: sub.appendingPathComponent("study.yaml")) }
            try jobs.write(Self.command(executable: executable, sweep: destination.path, index: point.index) + "\n")
        }
        _ = try jobs.close()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("slurm-logs"), withIntermediateDirectories: true)
        try AtomicFile.write(Data(SlurmScript(plan: self, sweep: destination.path, executable: executable, limit: slurmLimit).text.utf8),
                             to: folder.appendingPathComponent("slurm.sh"))
    }

    /// Reads DIR/plan.json (the points without what they run: that is in each point's folder).
    public static func read(from sweep: URL) throws -> SweepPlan {
        let url = sweep.appendingPathComponent("plan.json")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw InputError(.out, "\(sweep.path) holds no plan.json; give a folder written by `gramflow sweep plan FILE --out DIR`")
        }
        do { return try JSONDecoder().decode(SweepPlan.self, from: Data(contentsOf: url)) } catch {
            throw InputError(.out, "\(url.path) cannot be read as a sweep plan (\(FileErrors.reason(error, path: url.path))); plan the sweep again")
        }
    }

    /// `'gramflow' sweep point 'DIR' 7`, quoted for the shell.
    public static func command(executable: String, sweep: String, index: Int) -> String {
        "\(shellQuoted(executable)) sweep point \(shellQuoted(sweep)) \(index)"
    }

    /// The path of the running executable (what jobs.txt and slurm.sh call).
    public static var currentExecutable: String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        let given = CommandLine.arguments[0]
        return given.hasPrefix("/") ? given : URL(fileURLWithPath: given).standardizedFileURL.path
    }
}

/// points/NNNN/point.json: what a person reading the folder needs to know of the point.
public struct PointDescription: Codable, Sendable {
    public var index: Int
    public var kind: SweepKind
    public var values: [String: String]
    public var seed: UInt64
}

/// Writes a small file without syncing it to disk: Foundation's `Data.write` syncs every
/// file, which made planning 1000 points take seconds of disk waits. For files inside a
/// staging folder, which `OutputFolder.commit()` renames into place as a whole.
func writeUnsynced(_ text: String, to url: URL) throws {
    let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    defer { close(fd) }
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        bytes = bytes.dropFirst(written)
    }
}

/// A word for a POSIX shell: as it is when it is plain, single-quoted otherwise.
func shellQuoted(_ word: String) -> String {
    let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "/._-+=:,@".contains($0) }
    return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

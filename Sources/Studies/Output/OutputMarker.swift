import Foundation

/// `.gramflow-output`: GramFlow's mark on a folder it wrote. It names the
/// format, the version and the command, and lists every entry (file or
/// folder, relative path) GramFlow put there.
///
/// A folder may be replaced only when it carries this marker **and** holds
/// nothing the marker does not list: a file a user added afterwards makes
/// the folder the user's again. A folder holding a `run.json` but no marker
/// is never GramFlow's to delete.
public struct OutputMarker: Codable, Equatable, Sendable {
    public static let fileName = ".gramflow-output"
    /// Bumped when the marker's meaning changes; a newer format is not trusted.
    public static let currentFormat = 1

    public var format: Int
    public var tool: String
    public var version: String
    /// The command line that wrote the folder.
    public var command: [String]
    /// Relative paths of every entry, folders with a trailing "/", sorted; the marker itself excluded.
    public var entries: [String]

    public init(entries: [String]) {
        format = Self.currentFormat
        tool = "gramflow"
        version = GramFlowVersion.current
        command = CommandLine.arguments
        self.entries = entries.sorted()
    }

    /// The marker of `folder`, or nil when there is none or it is not GramFlow's.
    public static func read(in folder: URL) -> OutputMarker? {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(fileName).path),
              let marker = try? JSONDecoder().decode(OutputMarker.self, from: data),
              marker.tool == "gramflow", marker.format <= currentFormat else { return nil }
        return marker
    }

    /// Writes the marker listing what `folder` holds now.
    static func stamp(_ folder: URL) throws {
        let marker = OutputMarker(entries: try entries(of: folder))
        try AtomicFile.write(Data(encodeJSON(marker).utf8), to: folder.appendingPathComponent(fileName))
    }

    /// Every entry below `folder` (relative paths; folders end in "/"), links not followed, the marker excluded.
    public static func entries(of folder: URL) throws -> [String] {
        var found: [String] = []
        func walk(_ relative: String) throws {
            let url = relative.isEmpty ? folder : folder.appendingPathComponent(relative)
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path) {
                let path = relative.isEmpty ? name : relative + "/" + name
                if path == fileName { continue }
                let type = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(path).path)[.type]
                    as? FileAttributeType
                if type == .typeDirectory {
                    found.append(path + "/")
                    try walk(path)
                } else {
                    found.append(path)
                }
            }
        }
        try walk("")
        return found.sorted()
    }

    /// The first entry of `folder` that GramFlow did not write, or nil when every
    /// entry is listed in its marker. A folder with no marker answers with its first entry.
    public static func foreignEntry(in folder: URL) -> String? {
        guard let present = try? entries(of: folder) else { return "(unreadable)" }
        guard let marker = read(in: folder) else {
            // A marker file that is not GramFlow's is the user's file.
            let unreadable = FileManager.default.fileExists(atPath: folder.appendingPathComponent(fileName).path)
            return unreadable ? fileName : present.first
        }
        let listed = Set(marker.entries)
        return present.first { !listed.contains($0) }
    }
}

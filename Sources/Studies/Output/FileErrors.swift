import Foundation

/// One plain sentence for a failed file operation, naming the path:
/// "cannot write out/report.md: no space left on device". Foundation's own text
/// ("The operation could not be completed. (NSCocoaErrorDomain error 512.)") names
/// neither the path nor the cause.
public enum FileErrors {
    /// "cannot VERB PATH: REASON".
    public static func message(_ error: any Error, verb: String = "write", path: String) -> String {
        "cannot \(verb) \(path): \(reason(error, path: path))"
    }

    /// The cause alone, in lower case: "permission denied", "no space left on device", …,
    /// from a POSIX error, the POSIX error under a Cocoa error, the Cocoa error's code, or
    /// (when Foundation gives no cause, e.g. error 512) what the path itself shows.
    public static func reason(_ error: any Error, path: String? = nil) -> String {
        if let posix = error as? POSIXError { return reason(errno: posix.code.rawValue) }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return reason(errno: Int32(ns.code)) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return reason(errno: Int32(underlying.code))
        }
        if let cocoa = error as? CocoaError {
            switch cocoa.code {
            case .fileWriteNoPermission, .fileReadNoPermission: return "permission denied"
            case .fileWriteOutOfSpace: return "no space left on device"
            case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
            case .fileWriteVolumeReadOnly: return "read-only file system"
            case .fileWriteFileExists: return "it already exists"
            case .fileReadInapplicableStringEncoding, .fileReadUnknownStringEncoding: return "it is not UTF-8 text"
            default: break
            }
        }
        if let path {
            var isFolder: ObjCBool = false
            let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue { return "it is a folder" }
            if !FileManager.default.fileExists(atPath: parent) { return "the folder \(parent) does not exist" }
            if !FileManager.default.isWritableFile(atPath: parent) { return "permission denied" }
        }
        return "\(ns.domain) error \(ns.code)"
    }

    /// strerror's text for the common causes, in words a user acts on.
    public static func reason(errno code: Int32) -> String {
        switch code {
        case EACCES, EPERM: return "permission denied"
        case ENOSPC: return "no space left on device"
        case EDQUOT: return "disk quota exceeded"
        case ENOENT: return "no such file or folder"
        case EISDIR: return "it is a folder"
        case ENOTDIR: return "a part of the path is not a folder"
        case EROFS: return "read-only file system"
        case EEXIST: return "it already exists"
        default:
            let text = String(cString: strerror(code))
            return text.prefix(1).lowercased() + text.dropFirst()
        }
    }
}

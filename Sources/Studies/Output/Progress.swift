import Foundation

/// Progress on standard error for runs longer than a second: silent for the
/// first second, then at most twice a second; in place on a terminal, as
/// lines otherwise.
public final class Progress {
    private let label: String
    private let total: Int
    private let enabled: Bool
    private let start = Date()
    private var lastPrint: Date?
    private let isTerminal = isatty(2) != 0

    public init(label: String, total: Int, enabled: Bool = true) {
        self.label = label; self.total = total; self.enabled = enabled
    }

    public func update(epoch: Int, loss: Double) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(start) > 1,
              lastPrint.map({ now.timeIntervalSince($0) >= (isTerminal ? 0.5 : 5) }) ?? true else { return }
        lastPrint = now
        let percent = total > 0 ? 100 * epoch / total : 100
        let line = "[\(label)] epoch \(epoch)/\(total) (\(percent)%) loss \(String(format: "%.6g", loss))"
        FileHandle.standardError.write(Data((isTerminal ? "\r" + line : line + "\n").utf8))
    }

    /// Ends the in-place line, if one was printed.
    public func finish() {
        if enabled && isTerminal && lastPrint != nil { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

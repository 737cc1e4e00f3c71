import Dispatch
import Foundation

/// What happens when a run is interrupted: SIGINT and SIGTERM run the
/// registered clean-ups (remove a staging folder, release a lock), print one
/// line saying what was kept, and exit 130 or 143. SIGPIPE is ignored, so a
/// reader that goes away (gnuplot, `| head`) becomes a write error that the
/// code reports instead of a silent death.
public final class Interruption: @unchecked Sendable {
    public static let shared = Interruption()

    private let lock = NSLock()
    private var cleanups: [ObjectIdentifier: () -> Void] = [:]
    /// What an interrupted run keeps, said in its last line.
    private var kept: [ObjectIdentifier: String] = [:]
    private var sources: [DispatchSourceSignal] = []

    private init() {}

    /// Installs the handlers (once; later calls do nothing).
    public func install() {
        lock.lock(); defer { lock.unlock() }
        guard sources.isEmpty else { return }
        signal(SIGPIPE, SIG_IGN)
        for (number, status) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [unowned self] in self.stop(status: status, name: number == SIGINT ? "SIGINT" : "SIGTERM") }
            source.resume()
            sources.append(source)
        }
    }

    /// Runs `cleanup` if the process is interrupted before `unregister(owner)`.
    /// - Parameter keeping: what stays on disk after the clean-up, for the last line.
    public func register(_ owner: AnyObject, keeping: String? = nil, _ cleanup: @escaping () -> Void) {
        install()
        lock.lock(); defer { lock.unlock() }
        cleanups[ObjectIdentifier(owner)] = cleanup
        kept[ObjectIdentifier(owner)] = keeping
    }

    public func unregister(_ owner: AnyObject) {
        lock.lock(); defer { lock.unlock() }
        cleanups[ObjectIdentifier(owner)] = nil
        kept[ObjectIdentifier(owner)] = nil
    }

    private func stop(status: Int32, name: String) {
        lock.lock()
        let actions = Array(cleanups.values), keeping = Array(kept.values)
        lock.unlock()
        for action in actions { action() }
        let line = "gramflow: interrupted (\(name)); " + (keeping.isEmpty ? "nothing was kept" : keeping.joined(separator: "; ")) + "\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        _exit(status)
    }
}

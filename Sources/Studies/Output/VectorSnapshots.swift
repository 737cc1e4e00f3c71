import Foundation
import NetworkSimulation

/// Writes a network's vectors during a run (`--save-vectors-every E`): epochs 0, E,
/// 2E, … and the last to `folder/epoch-e.npz`. A write error is kept and thrown by
/// `finish()`, after the run.
public final class VectorSnapshots {
    public let folder: URL
    public let every: Int
    private var last: (epoch: Int, network: LowRankNetwork)?
    private var written = Set<Int>()
    private var error: Error?

    public init(folder: URL, every: Int) throws {
        precondition(every >= 1)
        self.folder = folder; self.every = every
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    public func observe(epoch: Int, network: LowRankNetwork) {
        last = (epoch, network)
        if epoch % every == 0 { write(epoch, network) }
    }

    /// Writes the last epoch's vectors (if not yet written) and reports the first error.
    public func finish() throws {
        if let last, !written.contains(last.epoch) { write(last.epoch, last.network) }
        if let error { throw error }
    }

    private func write(_ epoch: Int, _ network: LowRankNetwork) {
        guard error == nil else { return }
        do {
            try NetworkVectors.encode(network).write(to: folder.appendingPathComponent("epoch-\(epoch).npz"))
            written.insert(epoch)
        } catch { self.error = error }
    }
}

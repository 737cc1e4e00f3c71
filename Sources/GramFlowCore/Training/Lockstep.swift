/// A run the lockstep loop can drive: one epoch on a batch, false once it has ended.
public protocol LockstepRun: AnyObject {
    func advance(epoch: Int, batch: TaskBatch) throws -> Bool
}

/// Several runs on one batch sequence, epoch by epoch (the twins' pairs, whose learners all see
/// the batches of their phase's seed): epoch e's batch is drawn once, `batches(e)`, and shown to
/// every run still going, instead of drawn again for each. Each run does exactly what `train`
/// would do with the same batches, so the numbers are the same; the runs of an epoch are split
/// over `workers` threads (the i-th run still going on thread i mod workers), which changes no bits.
/// - Parameter epochDone: called after each epoch with its number (for a progress meter).
/// - Throws: the first error of a run (by run order) at the epoch it happened.
public func trainInLockstep(_ runs: [any LockstepRun], epochs: Int, batches: (Int) -> TaskBatch, workers: Int,
                            epochDone: ((Int) -> Void)? = nil) throws {
    let going = LockstepRuns(runs)
    for epoch in 0...epochs {
        let active = going.active
        guard !active.isEmpty else { break }
        let batch = batches(epoch)
        let ended = try independentJobs(active.count, workers: workers) { i in try going.runs[active[i]].advance(epoch: epoch, batch: batch) == false }
        going.remove(zip(active, ended).filter(\.1).map(\.0))
        epochDone?(epoch)
    }
}

/// The runs and which of them are still going; each thread touches only its own runs.
private final class LockstepRuns: @unchecked Sendable {
    let runs: [any LockstepRun]
    private(set) var active: [Int]
    init(_ runs: [any LockstepRun]) { self.runs = runs; active = Array(runs.indices) }
    func remove(_ ended: [Int]) { active.removeAll { ended.contains($0) } }
}

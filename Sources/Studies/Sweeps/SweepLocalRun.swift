import Foundation
import GramFlowCore

/// `gramflow sweep run DIR --jobs J`: the points that have no result yet, J at a time
/// in this process (each through `SweepPointRun`, like every other engine). Points
/// with a result are skipped, so a sweep stopped half way finishes only what is missing.
public enum SweepLocalRun {
    public struct Summary: Sendable {
        public var ran = 0, skipped = 0, busy = 0, failed = 0, diverged = 0
    }

    /// - Parameter report: called as each point ends (serialised), with the point, what happened,
    ///   how many of the points to run have ended, and how many there are.
    public static func run(sweep: URL, jobs: Int,
                           report: @escaping @Sendable (Int, SweepPointRun.Outcome, Int, Int) -> Void = { _, _, _, _ in }) throws -> Summary {
        let plan = try SweepPlan.read(from: sweep)
        let pending = plan.points.map(\.index).filter { index in
            let result = SweepPointResult.read(in: sweep.appendingPathComponent(plan.folder(of: index)).appendingPathComponent("result"))
            return result == nil || result?.status == .failed
        }
        let state = State(skipped: plan.points.count - pending.count)
        let workers = max(1, min(jobs, pending.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let index = state.next(pending) {
                let outcome = Result { try SweepPointRun.run(sweep: sweep, plan: plan, index: index) }
                state.record(index, outcome) { done in
                    if case .success(let o) = outcome { report(index, o, done, pending.count) }
                }
            }
        }
        return try state.summary()
    }

    /// The shared queue of points and the tally (one lock).
    private final class State: @unchecked Sendable {
        private let lock = NSLock()
        private var cursor = 0, ended = 0
        private var tally: Summary
        private var error: Error?
        init(skipped: Int) { tally = Summary(skipped: skipped) }

        func next(_ pending: [Int]) -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard error == nil, cursor < pending.count else { return nil }
            cursor += 1
            return pending[cursor - 1]
        }

        func record(_ index: Int, _ outcome: Result<SweepPointRun.Outcome, Error>, _ notify: (Int) -> Void) {
            lock.lock(); defer { lock.unlock() }
            ended += 1
            switch outcome {
            case .failure(let e): if error == nil { error = e }
            case .success(.busy): tally.busy += 1
            case .success(.done): tally.skipped += 1
            case .success(.ran(let r)):
                tally.ran += 1
                if r.status == .failed { tally.failed += 1 }
                if r.status == .diverged { tally.diverged += 1 }
            }
            notify(ended)
        }

        func summary() throws -> Summary {
            if let error { throw error }
            return tally
        }
    }
}

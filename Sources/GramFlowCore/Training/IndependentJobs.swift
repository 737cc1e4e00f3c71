import Foundation

/// Independent jobs 0..<count on up to `workers` threads (worker w takes w, w + workers, …),
/// each result kept at its job's index, so the answer does not depend on the number of
/// threads as long as each job depends on nothing but its index. The first error thrown
/// (by job order) is rethrown after all jobs end.
/// - Parameter finished: called after each job that succeeds with the number done so far and its result, one call at a
///   time (under a lock), so it may update a progress meter.
public func independentJobs<T: Sendable>(_ count: Int, workers: Int, finished: ((Int, T) -> Void)? = nil,
                                          _ job: @escaping @Sendable (Int) throws -> T) throws -> [T] {
    let slots = JobSlots<T>(count: count, finished: finished)
    let threads = max(1, min(workers, count))
    if threads == 1 {
        for i in 0..<count { slots.store(i, Result { try job(i) }) }
    } else {
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            for i in stride(from: worker, to: count, by: threads) { slots.store(i, Result { try job(i) }) }
        }
    }
    return try slots.all()
}

/// Thread-safe result slots, one per job.
private final class JobSlots<T: Sendable>: @unchecked Sendable {
    private var slots: [Result<T, Error>?]
    private var done = 0
    private let lock = NSLock()
    private let finished: ((Int, T) -> Void)?
    init(count: Int, finished: ((Int, T) -> Void)?) { slots = Array(repeating: nil, count: count); self.finished = finished }

    func store(_ i: Int, _ result: Result<T, Error>) {
        lock.lock(); defer { lock.unlock() }
        slots[i] = result
        done += 1
        if case .success(let value) = result { finished?(done, value) }
    }

    func all() throws -> [T] { try slots.map { try $0!.get() } }
}

import Foundation
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory

/// `--track-ntk-every E`: every E-th epoch (and the last) the effective ranks of the KPFlow
/// operators of the state being trained, on that epoch's batch, streamed to a CSV:
///
///     network (ntk-ranks.csv): epoch, PR and modes95 of K, P (P P*) and Θ = P K P*;
///     theory (reduced-ntk-ranks.csv): epoch, PR and modes95 of the reduced sNTK Θ_red = J_S 𝒢 J_S*
///     (`ReducedStateNTK`), the overlap-space counterpart of Θ.
///
/// PR = (tr A)²/tr A² (Hutch++ traces), modes95 from the top-k eigenvalues (empty: more than k).
/// An observer, so it runs inside the one training loop (`train`), for any command or phase.
public final class EffectiveRankTracker {
    public let every: Int
    public let options: KPFlowSpectraOptions
    private let file: StreamingFile
    private let batches: (Int) -> TaskBatch
    private var pending: (() throws -> Void)?
    /// Added to the epoch written (a study phase's start on the joined clock).
    private let epochOffset: Int

    /// - Parameters:
    ///   - batches: the batch of each epoch, asked in increasing epoch order.
    ///   - epochOffset: added to the epochs written (E still counts from the run's own epoch 0).
    public init(file url: URL, every: Int, theory: Bool, batches: @escaping (Int) -> TaskBatch, epochOffset: Int = 0,
                options: KPFlowSpectraOptions = KPFlowSpectraOptions(count: 10, eigenfunctions: 0, traceProducts: 60)) throws {
        precondition(every >= 1)
        LargeBlockReuse.enable()  // each tracked epoch allocates B·T·N tensors per product
        self.every = every; self.options = options; self.batches = batches; self.epochOffset = epochOffset
        file = try StreamingFile(url)
        let names = theory ? ["reduced_ntk"] : [KPFlowOperator.parameterOperator, .propagation, .ntk].map(\.rawValue)
        try file.write("epoch," + names.map { "\($0)_participation_ratio,\($0)_modes95" }.joined(separator: ",") + "\n")
    }

    /// Records `epoch` if it is a multiple of E; the last epoch seen is recorded by `finish()`.
    private func observe(epoch: Int, compute: @escaping () throws -> [SpectrumSummary]) throws {
        let row = { [file, epochOffset] in
            let summaries = try compute()
            try file.write("\(epoch + epochOffset)," + summaries.map { "\($0.participationRatio),\($0.modes95.map(String.init) ?? "")" }
                .joined(separator: ",") + "\n")
        }
        if epoch % every == 0 { try row(); pending = nil } else { pending = row }
    }

    /// The observer of a network run.
    public func networkObserver() -> TrainingObserver<LowRankNetwork> {
        TrainingObserver { [self] record, _ in
            let batch = batches(record.epoch)
            try observe(epoch: record.epoch) { [options] in
                try StateSpaceNTK(network: record.state, batch: batch).effectiveRanks(options: options).map(\.summary)
            }
        }
    }

    /// The observer of a theory run (the state is S).
    public func theoryObserver(spec: ModelSpec) -> TrainingObserver<Matrix> {
        TrainingObserver { [self] record, _ in
            let batch = batches(record.epoch)
            try observe(epoch: record.epoch) { [options] in
                let reduced = try ReducedStateNTK(spec: spec, overlaps: record.state, batch: batch)
                let n = reduced.latentCount
                let pairs = try Eigenpairs.top(min(options.count, n), dimension: n, method: options.method, steps: options.steps,
                                               random: RandomSource(seed: options.seed), apply: reduced.apply)
                return [try SpectrumSummary(top: pairs.values, dimension: n, budget: options.traceProducts,
                                            random: RandomSource(seed: options.seed &+ 1), apply: reduced.apply)]
            }
        }
    }

    /// Writes the last epoch's row (if it was not a multiple of E) and closes the file.
    public func finish() throws {
        try pending?()
        pending = nil
        _ = try file.close()
    }
}

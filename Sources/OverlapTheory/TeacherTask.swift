import Foundation
import GramFlowCore
import GramFlowNumerics

/// A teacher network given by its overlaps: the target is the teacher's output
/// under the reduced dynamics (docs/theory.md §3), for an input process of white noise
/// σ ζ_t (ζ_t ~ N(0, 1) per step) plus, optionally, flip-flop pulses of amplitude a.
///
/// Only the teacher's loss-visible overlaps matter (its output depends on no
/// others); the rest are ignored.
public struct TeacherTask: Task {
    public let spec: ModelSpec
    public let overlaps: Matrix
    public var trials: Int
    public var inputNoise: Double
    public var pulseAmplitude: Double
    /// Whose convention the input pulse train follows (`PulseSchedule`: where each gap starts).
    public var pulseSchedule: PulseSchedule
    /// The teacher's forward pass, kept from batch to batch (a fresh batch every epoch then
    /// allocates no trajectory).
    private let forward: TeacherForward

    /// - Throws: `InputError` (field `teacher`) naming an unknown or missing overlap.
    public init(spec: ModelSpec, overlaps given: [String: Double], trials: Int = 10,
                inputNoise: Double = 1.5, pulseAmplitude: Double = 0, pulseSchedule: PulseSchedule = .gramflow) throws(InputError) {
        precondition(spec.inputs == 1 && spec.outputs == 1, "the teacher task has one input and one output")
        let layout = spec.layout
        var S = Matrix(rows: layout.dimension, cols: layout.dimension)
        var seen = Set<String>()
        for (name, value) in given {
            guard let (a, b) = layout.pair(ofOverlap: name) else {
                throw InputError(.teacher, "unknown overlap '\(name)'; names are a.b with a, b in \(layout.vectorNames.joined(separator: ", "))")
            }
            S[a, b] = value; S[b, a] = value
            seen.insert("\(layout.vectorNames[a]).\(layout.vectorNames[b])")
        }
        let missing = Visibility(spec: spec).visibleNames.filter { !seen.contains($0) }
        guard missing.isEmpty else {
            throw InputError(.teacher, "the teacher's output depends on \(missing.joined(separator: ", ")); give them")
        }
        // Build the gain now, so that `batch` cannot fail later.
        let gain: GaussianGain
        do { gain = try GaussianGain.of(spec.nonlinearity) } catch {
            throw InputError(.phi, "the Gaussian gain of \(spec.nonlinearity.rawValue) could not be tabulated: \(error)")
        }
        self.spec = spec; overlaps = S; self.trials = trials; self.inputNoise = inputNoise; self.pulseAmplitude = pulseAmplitude
        self.pulseSchedule = pulseSchedule
        forward = TeacherForward(spec: spec, overlaps: S, gain: gain)
    }

    public var name: String { "teacher" }
    public var inputs: Int { 1 }
    public var outputs: Int { 1 }

    /// The pulse train, then the white noise entry by entry, then the teacher's outputs as targets
    /// on a full mask.
    public func batch(steps: Int, dt: Double, random: RandomSource) -> TaskBatch {
        var batch = FlipFlopTask(trials: trials, amplitude: pulseAmplitude, schedule: pulseSchedule).batch(steps: steps, dt: dt, random: random)
        let sigma = inputNoise
        batch.x.withUnsafeMutableBufferPointer { x in for i in x.indices { x[i] += sigma * random.gaussian() } }
        batch.mask.withUnsafeMutableBufferPointer { $0.update(repeating: 1) }
        forward.outputs(&batch)
        return batch
    }
}

/// The teacher's outputs y_{b,t} = F(Δ_{b,t}) C c_{b,t} under the reduced dynamics
/// (`LatentTrajectory`), with A, C and Q taken once from the teacher's overlaps: the forward
/// half of `ReducedOverlapLoss.outputs`, with the same arithmetic, so the same bits. The
/// trajectory's arrays are reused; a lock keeps copies of one task on several threads apart.
private final class TeacherForward: @unchecked Sendable {
    private let spec: ModelSpec
    private let A: Matrix, C: Matrix, Q: Matrix
    private let gain: GaussianGain
    private var trajectory: LatentTrajectory
    private let lock = NSLock()

    init(spec: ModelSpec, overlaps S: Matrix, gain: GaussianGain) {
        let layout = spec.layout, basis = layout.basisIndices
        self.spec = spec; self.gain = gain
        A = S.selecting(rows: layout.vIndices, cols: basis)
        C = S.selecting(rows: layout.zIndices, cols: basis)
        Q = S.selecting(rows: basis, cols: basis)
        trajectory = LatentTrajectory(spec: spec)
    }

    /// Writes the outputs into the batch's targets, y_{b,t,o} at `targetIndex(b, t, o)`.
    func outputs(_ batch: inout TaskBatch) {
        lock.lock(); defer { lock.unlock() }
        trajectory.run(A: A, Q: Q, batch: batch, spec: spec, gain: gain)
        let B = batch.trials, T = batch.steps, O = spec.outputs, P = trajectory.width
        let trajectory = self.trajectory
        trajectory.c.withUnsafeBufferPointer { cb in
        trajectory.gains.withUnsafeBufferPointer { gb in
        C.storage.withUnsafeBufferPointer { ccb in
        batch.target.withUnsafeMutableBufferPointer { yb in
            let c = cb.baseAddress!, cm = ccb.baseAddress!
            for t in 1...T { for b in 0..<B {
                let cur = c + trajectory.offset(b, t), gain = gb[trajectory.gainIndex(b, t)]
                for o in 0..<O {
                    var r = 0.0
                    for j in 0..<P { r += cm[o &* P &+ j] * cur[j] }
                    yb[(b * T + t - 1) * O + o] = gain * r
                }
            } }
        } } } }
    }
}

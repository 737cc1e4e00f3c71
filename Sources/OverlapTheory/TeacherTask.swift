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
        // Build the gain now (in the teacher's reduced loss), so that `batch` cannot fail later.
        do { forward = try TeacherForward(spec: spec, overlaps: S) } catch {
            throw InputError(.phi, "the Gaussian gain of \(spec.nonlinearity.rawValue) could not be tabulated: \(error)")
        }
        self.spec = spec; overlaps = S; self.trials = trials; self.inputNoise = inputNoise; self.pulseAmplitude = pulseAmplitude
        self.pulseSchedule = pulseSchedule
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

/// The teacher's outputs y_{b,t} = F(Δ_{b,t}) C c_{b,t} under the reduced dynamics: its own
/// `ReducedOverlapLoss` on the teacher's overlaps (kept from batch to batch, so a fresh batch
/// every epoch allocates no trajectory), whose `outputs` become the targets. A lock keeps copies
/// of one task on several threads apart.
private final class TeacherForward: @unchecked Sendable {
    private let overlaps: Matrix
    private let loss: ReducedOverlapLoss
    private let lock = NSLock()

    init(spec: ModelSpec, overlaps S: Matrix) throws {
        overlaps = S
        loss = try ReducedOverlapLoss(spec: spec, batch: TaskBatch(trials: 1, steps: 1, inputs: spec.inputs, outputs: spec.outputs))
    }

    /// Writes the outputs into the batch's targets, y_{b,t,o} at `targetIndex(b, t, o)`.
    func outputs(_ batch: inout TaskBatch) {
        lock.lock(); defer { lock.unlock() }
        loss.batch = batch
        batch.target = loss.outputs(overlaps)
    }
}

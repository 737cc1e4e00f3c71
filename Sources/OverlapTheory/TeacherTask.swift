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

    /// - Throws: `InputError` (field `teacher`) naming an unknown or missing overlap.
    public init(spec: ModelSpec, overlaps given: [String: Double], trials: Int = 10,
                inputNoise: Double = 1.5, pulseAmplitude: Double = 0) throws(InputError) {
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
        do { _ = try GaussianGain.of(spec.nonlinearity) } catch {
            throw InputError(.phi, "the Gaussian gain of \(spec.nonlinearity.rawValue) could not be tabulated: \(error)")
        }
        self.spec = spec; overlaps = S; self.trials = trials; self.inputNoise = inputNoise; self.pulseAmplitude = pulseAmplitude
    }

    public var name: String { "teacher" }
    public var inputs: Int { 1 }
    public var outputs: Int { 1 }

    public func batch(steps: Int, dt: Double, random: RandomSource) -> TaskBatch {
        var batch = FlipFlopTask(trials: trials, amplitude: pulseAmplitude).batch(steps: steps, dt: dt, random: random)
        for i in batch.x.indices { batch.x[i] += inputNoise * random.gaussian() }
        for i in batch.mask.indices { batch.mask[i] = 1 }
        // The gain was built in init (closed form, or the shared tanh table), so this cannot throw.
        let teacher = try! ReducedOverlapLoss(spec: spec, batch: batch)
        batch.target = teacher.outputs(overlaps)
        return batch
    }
}

import Foundation
import NumPyFiles

/// A user's task from a file (docs/theory.md §1 time convention): a .npz file, or a
/// folder of .npy files, holding float64 arrays
///
///     inputs   B×T×K   inputs[b, t, k] = x_{k,t},    t = 0..T−1
///     targets  B×T×O   targets[b, t, o] = y*_{o,t+1}, the target of the state after input t
///     mask     B×T×O   optional (default ones); 0 drops the entry from the loss
///
/// Every problem is an `InputError` on `data` naming the file, the array and the fix.
public enum TaskData {
    /// Reads and checks the file; the whole data set as one batch of B trials.
    public static func load(_ path: String) throws(InputError) -> TaskBatch {
        let arrays: [String: NumPyArray]
        do { arrays = try NamedArrays.read(path) } catch { throw InputError(.data, error.description) }
        func fail(_ array: String, _ message: String) -> InputError {
            InputError(.data, "array '\(array)' in \(path) \(message)")
        }
        func required(_ name: String, _ axes: String) throws(InputError) -> NumPyArray {
            guard let array = arrays[name] else {
                let present = arrays.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")
                throw InputError(.data, "\(path) has no array '\(name)' (\(present.isEmpty ? "it holds no arrays" : "it holds \(present)")); save it with numpy.savez(FILE, inputs=x, targets=y) where inputs is B×T×K and targets B×T×O")
            }
            return try checked(array, name, axes)
        }
        func checked(_ array: NumPyArray, _ name: String, _ axes: String) throws(InputError) -> NumPyArray {
            guard array.rank == 3 else {
                throw fail(name, "has shape \(array.shapeDescription), but it must have 3 axes (\(axes)); one trial of one channel is a.reshape(1, T, 1)")
            }
            guard array.count > 0 else {
                throw fail(name, "has shape \(array.shapeDescription) and holds no values; give at least one trial, one step and one channel")
            }
            if let i = array.firstNonFinite {
                let s = array.shape
                let index = [i / (s[1] * s[2]), (i / s[2]) % s[1], i % s[2]]
                throw fail(name, "holds \(array.values[i]) at [\(index.map(String.init).joined(separator: ", "))]; every value must be finite: replace it (numpy.nan_to_num) or drop that trial")
            }
            return array
        }
        let inputs = try required("inputs", "B×T×K: trials, steps, input channels")
        let targets = try required("targets", "B×T×O: trials, steps, outputs")
        guard targets.shape[0] == inputs.shape[0], targets.shape[1] == inputs.shape[1] else {
            throw fail("targets", "has shape \(targets.shapeDescription) but 'inputs' has \(inputs.shapeDescription); the first two axes (B trials, T steps) must agree: targets[b, t] is the target of the state after input inputs[b, t]")
        }
        let mask = try arrays["mask"].map { (m) throws(InputError) in try checked(m, "mask", "B×T×O, like targets") }
        if let mask {
            guard mask.shape == targets.shape else {
                throw fail("mask", "has shape \(mask.shapeDescription) but 'targets' has \(targets.shapeDescription); they must be equal (mask[b, t, o] weighs targets[b, t, o])")
            }
            if let i = mask.values.firstIndex(where: { $0 < 0 }) {
                throw fail("mask", "holds \(mask.values[i]) at flat index \(i); a mask must be ≥ 0 (1 grades the entry, 0 drops it)")
            }
        }
        let (B, T, K, O) = (inputs.shape[0], inputs.shape[1], inputs.shape[2], targets.shape[2])
        var batch = TaskBatch(trials: B, steps: T, inputs: K, outputs: O)
        // Both layouts are C order over (b, t, channel), with targets[b, t] at the index of y*_{t+1}.
        batch.x = inputs.values
        batch.target = targets.values
        if let mask { batch.mask = mask.values }
        return batch
    }
}

import Foundation
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import NumPyFiles
import OverlapTheory

/// What a scientist looks at: the outputs y of the theory and of the network on a
/// few trials at the start and at the end of training, beside their inputs and
/// targets. Written as `outputs.npz` (arrays, below) and `outputs.csv` (for gnuplot):
///
///     time           T        readout times t·dt, t = 1..T
///     inputs         b×T×K    x_t, t = 0..T−1 (docs/theory.md §1)
///     targets, mask  b×T×O    y*_t and its weight, t = 1..T
///     theory_start, theory_end, network_start, network_end   b×T×O   y_t
///
/// The trials are the first `trials` of the run's first batch; the theory's outputs
/// are those of the reduced dynamics (exact for linear φ, the Gaussian closure otherwise).
public struct OutputTraces {
    public let spec: ModelSpec
    public let batch: TaskBatch
    public var theory: (start: [Double], end: [Double])?
    public var network: (start: [Double], end: [Double])?

    /// The first `trials` trials of the configuration's first batch.
    public init(_ config: RunConfiguration, trials: Int = 4) throws {
        let full = try config.makeBatchSchedule().batch(epoch: 0)
        let b = min(trials, full.trials), T = full.steps, K = full.inputs, O = full.outputs
        var batch = TaskBatch(trials: b, steps: T, inputs: K, outputs: O)
        batch.x = Array(full.x[0..<(b * T * K)])
        batch.target = Array(full.target[0..<(b * T * O)])
        batch.mask = Array(full.mask[0..<(b * T * O)])
        spec = config.model
        self.batch = batch
    }

    /// Adds the theory's outputs at overlaps S_start and S_end.
    public mutating func addTheory(start: Matrix, end: Matrix) throws {
        let loss = try makeOverlapLoss(spec: spec, batch: batch)
        theory = (loss.outputs(start), loss.outputs(end))
    }

    /// Adds the network's outputs before and after training.
    public mutating func addNetwork(start: LowRankNetwork, end: LowRankNetwork) {
        network = (start.outputs(batch), end.outputs(batch))
    }

    /// The named arrays of outputs.npz.
    public var arrays: [(name: String, array: NumPyArray)] {
        let b = batch.trials, T = batch.steps, K = batch.inputs, O = batch.outputs
        var list: [(name: String, array: NumPyArray)] = [
            ("time", NumPyArray(shape: [T], values: (1...T).map { Double($0) * spec.dt })),
            ("inputs", NumPyArray(shape: [b, T, K], values: batch.x)),
            ("targets", NumPyArray(shape: [b, T, O], values: batch.target)),
            ("mask", NumPyArray(shape: [b, T, O], values: batch.mask)),
        ]
        if let theory {
            list += [("theory_start", NumPyArray(shape: [b, T, O], values: theory.start)),
                     ("theory_end", NumPyArray(shape: [b, T, O], values: theory.end))]
        }
        if let network {
            list += [("network_start", NumPyArray(shape: [b, T, O], values: network.start)),
                     ("network_end", NumPyArray(shape: [b, T, O], values: network.end))]
        }
        return list
    }

    /// The same as a CSV: trial, time, then per output o target, mask and the outputs.
    public var csv: String {
        let O = batch.outputs
        var columns: [(String, [Double])] = [("target", batch.target), ("mask", batch.mask)]
        if let theory { columns += [("theory_start", theory.start), ("theory_end", theory.end)] }
        if let network { columns += [("network_start", network.start), ("network_end", network.end)] }
        var text = "trial,time," + (1...O).flatMap { o in columns.map { "\($0.0)_\(o)" } }.joined(separator: ",") + "\n"
        for b in 0..<batch.trials {
            for t in 1...batch.steps {
                var fields = ["\(b)", "\(Double(t) * spec.dt)"]
                for o in 0..<O { for column in columns { fields.append("\(column.1[batch.targetIndex(b, t, o)])") } }
                text += fields.joined(separator: ",") + "\n"
            }
        }
        return text
    }

    /// The CSV column (1-based) of `name` for output o (0-based).
    func column(_ name: String, output o: Int) -> Int {
        var names = ["target", "mask"]
        if theory != nil { names += ["theory_start", "theory_end"] }
        if network != nil { names += ["network_start", "network_end"] }
        return 3 + o * names.count + names.firstIndex(of: name)!
    }

    /// Writes outputs.npz and outputs.csv into `folder`, and outputs.png with `plot`.
    public func write(into folder: OutputFolder, subfolder: String = "", plot: Bool, title: String) throws {
        try NPZArchive.encode(arrays).write(to: folder.path(subfolder + "outputs.npz"))
        try folder.write(csv, to: subfolder + "outputs.csv")
        if plot { try self.plot(into: folder, subfolder: subfolder, title: title) }
    }

    /// outputs.png from the outputs.csv written by `write`.
    public func plot(into folder: OutputFolder, subfolder: String = "", title: String) throws {
        try Plotting.plotOutputs(self, in: folder.path(subfolder), title: title)
    }
}

extension Plotting {
    /// outputs.png: for trial 0 and each output, the target where graded (points), the
    /// theory (solid) and the network (dashed, over it) at the end of training, and
    /// both at the start (thin).
    static func plotOutputs(_ traces: OutputTraces, in folder: URL, title: String) throws {
        let O = min(traces.batch.outputs, 4)
        var script = header(title: title)
        script += "set output 'outputs.png'\nset xlabel 'time'\n"
        if O > 1 { script += "set terminal pngcairo size 900,\(300 * O) enhanced font 'Sans,11'\nset output 'outputs.png'\nset multiplot layout \(O),1\n" }
        for o in 0..<O {
            script += "set ylabel 'output y_\(o + 1), trial 0'\n"
            let mask = traces.column("mask", output: o), target = traces.column("target", output: o)
            var curves = ["'outputs.csv' using ($1 == 0 && $\(mask) > 0 ? $2 : 1/0):\(target) with points pt 7 ps 0.4 lc rgb 'black' title 'target \(o + 1)'"]
            if traces.theory != nil {
                curves.append("'' using ($1 == 0 ? $2 : 1/0):\(traces.column("theory_start", output: o)) with lines lw 1 lc rgb '#9ecae1' title 'theory, start'")
                curves.append("'' using ($1 == 0 ? $2 : 1/0):\(traces.column("theory_end", output: o)) with lines lw 3 lc rgb '#08519c' title 'theory, end'")
            }
            if traces.network != nil {
                curves.append("'' using ($1 == 0 ? $2 : 1/0):\(traces.column("network_start", output: o)) with lines lw 1 dt 2 lc rgb '#fdae6b' title 'network, start'")
                curves.append("'' using ($1 == 0 ? $2 : 1/0):\(traces.column("network_end", output: o)) with lines lw 2 dt 2 lc rgb '#d94801' title 'network, end'")
            }
            script += "plot " + curves.joined(separator: ", \\\n     ") + "\n"
        }
        if O > 1 { script += "unset multiplot\n" }
        try run(script, in: folder)
    }
}

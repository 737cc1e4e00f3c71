import GramFlowNumerics

/// A task given as data (`TaskData`): B fixed trials. Every epoch uses all of them,
/// unless `draw` = b asks for b trials drawn without replacement from the batch
/// stream (SGD with `--batch b`: a new draw each epoch).
public struct DataTask: Task {
    public let data: TaskBatch
    public let draw: Int?

    public init(data: TaskBatch, draw: Int? = nil) {
        precondition(draw.map { $0 >= 1 && $0 <= data.trials } ?? true)
        self.data = data; self.draw = draw
    }

    public var name: String { "custom" }
    public var inputs: Int { data.inputs }
    public var outputs: Int { data.outputs }
    /// T, from the data.
    public var steps: Int { data.steps }

    /// The data's trials (T and dt come from the data, so `steps` and `dt` are not used).
    public func batch(steps: Int, dt: Double, random: RandomSource) -> TaskBatch {
        guard let draw, draw < data.trials else { return data }
        // Partial Fisher–Yates: the first `draw` entries of a random permutation.
        var order = Array(0..<data.trials)
        for i in 0..<draw {
            let j = i + min(data.trials - i - 1, Int(random.uniform() * Double(data.trials - i)))
            order.swapAt(i, j)
        }
        var batch = TaskBatch(trials: draw, steps: data.steps, inputs: data.inputs, outputs: data.outputs)
        let xCount = data.steps * data.inputs, yCount = data.steps * data.outputs
        for (b, source) in order.prefix(draw).enumerated() {
            batch.x.replaceSubrange(b * xCount..<(b + 1) * xCount, with: data.x[source * xCount..<(source + 1) * xCount])
            batch.target.replaceSubrange(b * yCount..<(b + 1) * yCount, with: data.target[source * yCount..<(source + 1) * yCount])
            batch.mask.replaceSubrange(b * yCount..<(b + 1) * yCount, with: data.mask[source * yCount..<(source + 1) * yCount])
        }
        return batch
    }
}

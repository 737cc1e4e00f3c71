/// The tasks known by name, and the options that parameterise them.
public enum TaskName: String, CaseIterable, Codable, Sendable {
    case filter
    case oscillation
    case filterNoise = "filter-noise"
}

/// Task options as a user gives them; nil means the task's default.
public struct TaskOptions: Codable, Equatable, Sendable {
    public var gain: Double?
    public var decay: Double?
    public var frequency: Double?
    public var trials: Int?
    public var noise: Double?
    public init(gain: Double? = nil, decay: Double? = nil, frequency: Double? = nil,
                trials: Int? = nil, noise: Double? = nil) {
        self.gain = gain; self.decay = decay; self.frequency = frequency; self.trials = trials; self.noise = noise
    }

    /// Builds the named task; the error names the option at fault.
    public func makeTask(_ name: TaskName) throws(InputError) -> any Task {
        if let gain, !gain.isFinite { throw InputError(field: "gain", "must be a finite number (got \(gain))") }
        if let decay, !(decay.isFinite && decay >= 0) {
            throw InputError(field: "decay", "must be a non-negative number (got \(decay))")
        }
        if let frequency, !frequency.isFinite {
            throw InputError(field: "frequency", "must be a finite number (got \(frequency))")
        }
        if let trials, trials < 1 { throw InputError(field: "batch", "must be at least 1 (got \(trials))") }
        if let noise, !(noise.isFinite && noise > 0) {
            throw InputError(field: "noise", "must be a positive number (got \(noise))")
        }
        switch name {
        case .filter:
            try rejectUnused(name, frequency: frequency, trials: trials, noise: noise)
            return FilterTask(gain: gain ?? 1, decay: decay ?? 0.2)
        case .oscillation:
            if gain != nil { throw InputError(field: "gain", "is not an option of the oscillation task; remove it") }
            try rejectUnused(name, frequency: nil, trials: trials, noise: noise)
            return OscillationTask(decay: decay ?? 0.3, frequency: frequency ?? 2)
        case .filterNoise:
            try rejectUnused(name, frequency: frequency, trials: nil, noise: nil)
            return NoiseFilterTask(gain: gain ?? 1, decay: decay ?? 0.2, trials: trials ?? 8, noise: noise ?? 1)
        }
    }

    private func rejectUnused(_ name: TaskName, frequency: Double?, trials: Int?, noise: Double?) throws(InputError) {
        if frequency != nil { throw InputError(field: "frequency", "is not an option of the \(name.rawValue) task; remove it") }
        if trials != nil { throw InputError(field: "batch", "is not an option of the \(name.rawValue) task; remove it") }
        if noise != nil { throw InputError(field: "noise", "is not an option of the \(name.rawValue) task; remove it") }
    }
}

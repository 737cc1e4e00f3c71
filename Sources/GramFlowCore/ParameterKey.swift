/// Every parameter a user gives, by its one name: the key in run.json and in
/// study files (`lr`, `pulseAmplitude`). Each front end spells it itself: the
/// CLI as `--lr`, `--pulse-amplitude` (`option`), a study file by its place in
/// the file. `InputError` carries one, so no front end re-spells another's names.
public enum ParameterKey: String, CaseIterable, Codable, Sendable {
    // The run and its model.
    case task, rank, phi, dt, tau, inputs, outputs, epochs, lr, steps, seed, neurons
    case update, tolerance, overlaps, optimizer, theoryBatches, initialization, scale
    // The natural gradient (`optimizer: natural`).
    case ntkRank, damping
    // Task options.
    case gain, decay, frequency, batch, noise, pulseAmplitude, teacher, bits, data, loss, targetGrid, pulseSchedule
    // The network's vectors in and out (.npz).
    case vectors, saveVectors, saveVectorsEvery
    // Studies.
    case networkNeurons, equivalence
    // Multi-task runs.
    case model, trackEvery
    // Output.
    case out, resume

    /// The command-line option: camelCase becomes kebab-case (`pulseAmplitude` → `pulse-amplitude`).
    public var option: String {
        rawValue.reduce(into: "") { name, c in
            if c.isUppercase { name += "-" + c.lowercased() } else { name.append(c) }
        }
    }
}

import Foundation
import XCTest
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import NumPyFiles
import Studies
import TestSupport

/// `gramflow kpflow`, `bifurcation scan` and `--track-ntk-every` from the command line:
/// the files, their shapes, and the numbers against operators rebuilt independently.
final class KPFlowCommandTests: XCTestCase {
    /// The eigenfunctions in kpflow.npz (mode, batch, time, neuron) are unit eigenvectors of
    /// Θ = PKP* rebuilt from the same configuration: ‖Θu − λu‖ ≤ 1e-8 λ₁, λ from ntk_values.
    func testKPFlowWritesSpectraAndEigenfunctions() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let result = try runner.run(["kpflow", "--task", "filter", "--neurons", "12", "--steps", "10", "--epochs", "0",
                                     "--modes", "3", "--operators", "K,ntk", "--phi", "tanh", "--out", "k"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssert(result.stdout.contains("ntk: top"), result.stdout)
        let arrays = try NPZArchive.read(runner.file("k/kpflow.npz"))
        let u = try XCTUnwrap(arrays["ntk_eigenfunctions"]), values = try XCTUnwrap(arrays["ntk_values"]).values
        XCTAssertEqual(u.shape, [3, 1, 10, 12])
        XCTAssertEqual(arrays["K_eigenfunctions"]?.shape, [3, 1, 10, 12])
        let config = RunConfiguration(task: .filter, model: ModelSpec(rank: 1, dt: 0.05, nonlinearity: .tanh), epochs: 0,
                                      steps: 10, seed: 1, neurons: 12)
        let ops = StateSpaceNTK(network: try InitialState.network(config), batch: try config.makeBatchSchedule().batch(epoch: 0))
        for j in 0..<3 {
            let mode = Array(u.values[(j * 120)..<((j + 1) * 120)])
            assertClose(LanczosEigen.norm(mode), 1, absolute: 1e-12)
            let r = LanczosEigen.norm(zip(ops.ntk(mode), mode).map { $0 - values[j] * $1 })
            XCTAssertLessThan(r, 1e-8 * values[0], "mode \(j)")
        }
        let ranks = try String(contentsOf: runner.file("k/effective-rank.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(ranks.count, 3)
        XCTAssert(ranks[2].hasPrefix("ntk,") && ranks[2].contains(",true,"), String(ranks[2]))  // n_θ = 36 ≤ 60: exact traces
    }

    /// `--model gru` and `--model dense`, untrained and after 3 GD epochs: the top Θ eigenvalues
    /// in kpflow.npz equal those of the dense Θ (B·T·N = 60, built column by column from the
    /// model rebuilt from the same seed stream, trained on the same batches by the engine,
    /// `SymmetricEigen`) to 1e-8 relative; training moves them (the two runs differ).
    func testKPFlowOnDenseAndGatedModels() throws {
        for kind in RecurrentModelKind.allCases {
            var untrained: [Double] = []
            for epochs in [0, 3] {
                let runner = try CommandRunner()
                defer { runner.cleanUp() }
                let result = try runner.run(["kpflow", "--model", kind.rawValue, "--task", "filter", "--phi", "tanh", "--neurons", "6",
                                             "--steps", "10", "--epochs", "\(epochs)", "--lr", "0.05", "--modes", "3",
                                             "--operators", "ntk", "--out", "k", "--quiet"])
                XCTAssertEqual(result.status, 0, result.stderr)
                let values = try XCTUnwrap(NPZArchive.read(runner.file("k/kpflow.npz"))["ntk_values"]).values
                let config = RunConfiguration(task: .filter, model: ModelSpec(rank: 1, dt: 0.05, nonlinearity: .tanh), epochs: epochs,
                                              learningRate: 0.05, steps: 10, seed: 1, neurons: 6)
                let schedule = try config.makeBatchSchedule(), random = SeedStreams.initialization(1)
                let theta: ([Double]) -> [Double]
                switch kind {
                case .dense: theta = try trained(DenseRNN.gaussian(neurons: 6, inputs: 1, outputs: 1, dt: 0.05, random: random), config, schedule).ntk
                case .gru: theta = try trained(GRUNetwork.gaussian(neurons: 6, inputs: 1, outputs: 1, dt: 0.05, random: random), config, schedule).ntk
                }
                let n = schedule.batch(epoch: 0).trials * 10 * 6
                var dense = Matrix(rows: n, cols: n)
                for j in 0..<n {
                    var e = [Double](repeating: 0, count: n); e[j] = 1
                    for (i, x) in theta(e).enumerated() { dense[i, j] = x }
                }
                let exact = try SymmetricEigen(dense.symmetrized).values.reversed().prefix(3)
                for (got, want) in zip(values, exact) { assertClose(got, want, relative: 1e-8, "\(kind), \(epochs) epochs") }
                if epochs == 0 { untrained = values } else { XCTAssertGreaterThan(abs(values[0] - untrained[0]), 1e-6 * untrained[0]) }
            }
        }
    }

    /// The model after the config's epochs of GD through the engine, and its forward pass on the last epoch's batch.
    private func trained<Model: RecurrentModel>(_ model: Model, _ config: RunConfiguration, _ schedule: BatchSchedule) throws -> Model.Pass {
        var learner = RecurrentLearner<Model>(optimizer: .gd)
        let solution = try train(LearningProblem(model: config.model, initial: model, batches: schedule.batch(epoch:)), with: &learner,
                                 schedule: TrainingSchedule(epochs: config.epochs, learningRate: config.learningRate))
        return solution.state.forward(schedule.batch(epoch: config.epochs))
    }

    /// Each command line exits 64 and names `expected` in its message.
    private func assertUsageErrors(_ command: [String], _ cases: [([String], String)]) throws {
        for (arguments, expected) in cases {
            let runner = try CommandRunner()
            defer { runner.cleanUp() }
            let result = try runner.run(command + arguments + ["--out", "o"])
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.stderr)")
            XCTAssert(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
        }
    }

    func testBadKPFlowInputExits64() throws {
        try assertUsageErrors(["kpflow", "--neurons", "10", "--steps", "10", "--epochs", "0"],
                              [(["--modes", "0"], "--modes"), (["--operators", "Q"], "--operators"),
                               (["--eigenfunctions", "11"], "--eigenfunctions"), (["--trace-products", "2"], "--trace-products"),
                               (["--track-ntk-every", "0"], "--track-ntk-every"), (["--model", "lstm"], "--model")])
        try assertUsageErrors(["kpflow", "--neurons", "10", "--steps", "10", "--model", "gru"], [(["--optimizer", "natural"], "--optimizer")])
    }

    /// The erf pitchfork at σ_vu = 1 with a₃ = −π/4 (closed form), through the CLI.
    func testScanFindsPitchfork() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let result = try runner.run(["bifurcation", "scan", "--phi", "erf", "--vary", "v1.u1", "--range", "0.5:1.5", "--points", "21", "--out", "s"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = try String(contentsOf: runner.file("s/crossings.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.count, 2)
        let fields = rows[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(fields[0], "pitchfork")
        assertClose(Double(fields[1])!, 1, absolute: 1e-9)
        assertClose(Double(fields[4])!, -Double.pi / 4, relative: 1e-8)
        let arrays = try NPZArchive.read(runner.file("s/scan.npz"))
        XCTAssertEqual(arrays["kappa"]?.shape, [21, 1])
    }

    func testBadScanInputExits64() throws {
        try assertUsageErrors(["bifurcation", "scan"],
                              [(["--vary", "v1.u1"], "--range"), (["--vary", "q1.u1", "--range", "0:1"], "--overlaps"),
                               ([], "--vary/--to"), (["--vary", "v1.u1", "--range", "0:3"], "positive semi-definite"),
                               (["--vary", "v1.u1", "--range", "0:1", "--start", "1,2"], "--start")])
    }

    /// simulate --track-ntk-every 2 over 5 epochs: ntk-ranks.csv rows at epochs 0, 2, 4, 5.
    func testSimulateTracksEffectiveRanks() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let result = try runner.run(["simulate", "--neurons", "10", "--steps", "10", "--epochs", "5", "--track-ntk-every", "2", "--out", "r", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = try String(contentsOf: runner.file("r/ntk-ranks.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.first, "epoch,K_participation_ratio,K_modes95,P_participation_ratio,P_modes95,ntk_participation_ratio,ntk_modes95")
        XCTAssertEqual(rows.dropFirst().map { $0.split(separator: ",")[0] }, ["0", "2", "4", "5"])
    }
}

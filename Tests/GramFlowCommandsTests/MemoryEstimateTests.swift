import Foundation
import GramFlowCore
import NetworkSimulation
import Studies
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `MemoryEstimate` against an independent reference: the peak resident set (VmHWM, the
/// high-water mark of the process's own memory since its exec, read from /proc while it
/// runs) of the built binary running the same configuration. (wait4's ru_maxrss would also
/// count the test process's memory, which posix_spawn's child shares until its exec.) The estimate must
/// cover it and stay within a factor 2 of it (it adds parts that run one after the other).
final class MemoryEstimateTests: XCTestCase {
    /// Runs the binary and returns its exit status and peak resident set in bytes.
    private func peakResidentSet(_ arguments: [String]) throws -> (status: Int32, bytes: Int) {
        let argv: [UnsafeMutablePointer<CChar>?] = ([CommandRunner.executable.path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment.map { strdup("\($0)=\($1)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0]!, &actions, nil, argv, envp)
        XCTAssertEqual(spawned, 0)
        var status: Int32 = 0, peak = 0
        while true {
            // VmHWM only grows, so its last reading before the exit is the peak (to the last 2 ms).
            if let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
               let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
               let kB = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) {
                peak = max(peak, kB * 1024)
            }
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            XCTAssertEqual(reaped, 0)
            if reaped != 0 { break }
            usleep(2000)
        }
        return ((status >> 8) & 0xff, peak)
    }

    private func expectCovered(_ estimate: MemoryEstimate, _ arguments: [String],
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let (status, measured) = try peakResidentSet(arguments + ["--quiet", "--out", runner.file("o").path])
        XCTAssertEqual(status, 0, "\(arguments)", file: file, line: line)
        let estimated = try XCTUnwrap(estimate.bytes)
        let ratio = Double(estimated) / Double(measured)
        print("\(arguments.joined(separator: " ")): estimated \(MemoryEstimate.format(estimated)), measured \(MemoryEstimate.format(measured)), ratio \(String(format: "%.2f", ratio))")
        XCTAssert(ratio >= 1 && ratio <= 2, "\(arguments): estimate \(estimated) against peak \(measured) (ratio \(ratio))",
                  file: file, line: line)
    }

    func testNetworkRunIsCovered() throws {
        // BPTT's workspace dominates: 2·(T+1)·N doubles = 128 MB, 3·(T+1)·N for tanh.
        let linear = RunConfiguration(epochs: 2, steps: 400, neurons: 20000)
        try expectCovered(MemoryEstimate(linear, run: .network),
                          ["simulate", "--neurons", "20000", "--steps", "400", "--epochs", "2"])
        var tanh = linear
        tanh.model.nonlinearity = .tanh
        try expectCovered(MemoryEstimate(tanh, run: .validation),
                          ["validate", "--phi", "tanh", "--neurons", "20000", "--steps", "400", "--epochs", "2"])
    }

    /// kpflow: the stored trajectory and the state-space tensors of Θ's eigenfunctions dominate
    /// (B·(T+1)·N = 10·121·1500 doubles = 14.5 MB each).
    func testKPFlowIsCovered() throws {
        let config = RunConfiguration(task: .flipflop, model: ModelSpec(nonlinearity: .tanh), epochs: 0, steps: 120, neurons: 1500)
        try expectCovered(KPFlowAnalysis.memory(config, operators: [.ntk], options: KPFlowSpectraOptions(count: 3, traceProducts: 3)),
                          ["kpflow", "--task", "flipflop", "--phi", "tanh", "--neurons", "1500", "--steps", "120", "--epochs", "0", "--modes", "3",
                           "--operators", "ntk", "--trace-products", "3"])
    }

    func testTheoryRunIsCovered() throws {
        // The latent trajectory and the batch: B·(T+1)·4 + B·T·3 doubles = 112 MB.
        let batched = RunConfiguration(task: .flipflop, taskOptions: TaskOptions(trials: 1000), epochs: 1, steps: 2000)
        try expectCovered(MemoryEstimate(batched, run: .theory),
                          ["integrate", "--task", "flipflop", "--batch", "1000", "--steps", "2000", "--epochs", "1"])
        // The overlap matrices: 20·D² doubles at D = 1202.
        let wide = RunConfiguration(model: ModelSpec(rank: 600), epochs: 2, steps: 10)
        try expectCovered(MemoryEstimate(wide, run: .theory),
                          ["integrate", "--rank", "600", "--steps", "10", "--epochs", "2"])
    }

    func testBifurcationIsCovered() throws {
        // The dense fixed-point sNTK: 8·N² doubles = 23 MB at N = 600.
        try expectCovered(MemoryEstimate(bifurcationNeurons: 600, compareSteps: nil, studentTeacher: false),
                          ["bifurcation", "--neurons", "600", "--mus", "0.3"])
    }

    func testSizesThatOverflowAreRefusedWithoutArithmeticTraps() throws {
        let huge = RunConfiguration(steps: .max, neurons: .max)
        XCTAssertNil(MemoryEstimate(huge, run: .validation).bytes)
        XCTAssertThrowsError(try MemoryEstimate(huge, run: .validation).check(available: 1 << 40)) { error in
            XCTAssert([ParameterKey.neurons, .steps].contains((error as? InputError)?.key), "\(error)")
        }
        XCTAssertNoThrow(try MemoryEstimate(RunConfiguration(), run: .validation).check(available: 1 << 30))
        XCTAssertEqual(MemoryEstimate.format(24_000_000_000), "24.0 GB")
    }
}

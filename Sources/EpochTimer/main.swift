// epoch-timer: times training epochs of one named problem in-process and prints the
// median seconds per epoch, for the peer comparison (Benchmarks/peers/) and for
// whole-process measurements (/usr/bin/time -v). The problems are those of the
// performance table in the README; Benchmarks/peers/jax_epochs.py builds the same ones.
//
//   epoch-timer PROBLEM [--neurons N] [--trials B] [--steps T] [--epochs E] [--warmup W]
//               [--rank R] [--bits n] [--threads 1|2] [--storage automatic|stored|recomputed] [--dump DIRECTORY] [--each 1]
//
// Besides the median wall time per epoch it prints the median CPU time of the process per
// epoch: on the shared machine an epoch whose wall time is about twice its CPU time waited for
// the core (another runnable process), which no change to the epoch can remove. --each 1
// prints every timed epoch's wall and CPU seconds to stderr (the distribution).
//
// --dump writes the problem (meta.json; x, target, mask and the initial P or S as raw
// little-endian float64) for the JAX reference to load, then exits without timing.
//
// PROBLEM: theory-linear (filter, T = 400), theory-erf (flip-flop, erf, B = 128, T = 400),
// network-linear (filter, T = 400), network-tanh / network-erf (flip-flop, B = 10, T = 800).
// --rank R (default 1) and --bits n (flip-flop only: n inputs and n outputs, default 1) time
// the shapes outside the rank-1 kernels.
import Foundation
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory

struct Options {
    var problem = ""
    var neurons = 500, trials = 0, steps = 0, epochs = 20, warmup = 2, threads = 0, rank = 1, bits = 1
    var storage = Backpropagation.StateStorage.automatic
    var dump = ""
    var each = false
}

func parse() -> Options {
    var o = Options()
    var args = CommandLine.arguments.dropFirst()
    guard let first = args.popFirst() else { usage() }
    o.problem = first
    while let flag = args.popFirst() {
        guard let value = args.popFirst() else { usage() }
        if flag == "--dump" { o.dump = value; continue }
        if flag == "--storage" {
            switch value {
            case "stored": o.storage = .stored
            case "recomputed": o.storage = .recomputed
            case "automatic": o.storage = .automatic
            default: usage()
            }
            continue
        }
        guard let n = Int(value) else { usage() }
        switch flag {
        case "--threads": o.threads = n
        case "--neurons": o.neurons = n
        case "--trials": o.trials = n
        case "--steps": o.steps = n
        case "--epochs": o.epochs = n
        case "--warmup": o.warmup = n
        case "--rank" where n >= 1: o.rank = n
        case "--bits" where n >= 1: o.bits = n
        case "--each": o.each = n != 0
        default: usage()
        }
    }
    return o
}

func usage() -> Never {
    FileHandle.standardError.write(Data("""
        usage: epoch-timer theory-linear|theory-erf|network-linear|network-tanh|network-erf \
        [--neurons N] [--trials B] [--steps T] [--epochs E] [--warmup W] [--rank R] [--bits n] [--threads 1|2] \
        [--storage automatic|stored|recomputed] [--dump DIRECTORY] [--each 1]\n
        """.utf8))
    exit(2)
}

/// CPU seconds used so far by the whole process (all its threads).
func processCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}

/// Wall and CPU seconds of `epochs` epochs of the training engine after `warmup` uncounted ones,
/// and the first and last losses: an observer stamps every epoch, so the time between two stamps
/// is one epoch's step and the next evaluation (loss and gradient), as a run spends it.
func time<L: Learner>(_ learner: inout L, from initial: L.State, epochs: Int, warmup: Int)
    -> (seconds: [Double], cpu: [Double], first: Double, last: Double) {
    var stamps: [UInt64] = [], cpuStamps: [Double] = [], losses: [Double] = []
    stamps.reserveCapacity(warmup + epochs + 2); cpuStamps.reserveCapacity(warmup + epochs + 2)
    let problem = LearningProblem(model: spec, initial: initial, batches: { _ in batch })
    // One epoch more than timed: the engine's last evaluation has no gradient to compute.
    _ = try! train(problem, with: &learner, schedule: TrainingSchedule(epochs: warmup + epochs + 1, learningRate: eta),
                   observers: [.rows { _, loss, _ in
                       stamps.append(DispatchTime.now().uptimeNanoseconds); cpuStamps.append(processCPUSeconds())
                       losses.append(loss)
                   }])
    let counted = Array(stamps.dropFirst(warmup).prefix(epochs + 1))
    let countedCPU = Array(cpuStamps.dropFirst(warmup).prefix(epochs + 1))
    let seconds = zip(counted, counted.dropFirst()).map { Double($1 - $0) * 1e-9 }
    let cpu = zip(countedCPU, countedCPU.dropFirst()).map { $1 - $0 }
    // The last loss of the warmup + epochs evaluations a timed loop makes, L(S_{W+E−1}).
    return (seconds, cpu, losses.first ?? .nan, losses.indices.contains(warmup + epochs - 1) ? losses[warmup + epochs - 1] : .nan)
}

LargeBlockReuse.enableForEpochs()  // as gramflow does, so the epochs timed here are the ones it runs
let o = parse()
let linear = o.problem.hasSuffix("linear")
let phi: Nonlinearity = o.problem.hasSuffix("tanh") ? .tanh : o.problem.hasSuffix("erf") ? .erf : .linear
let dt = linear ? 0.05 : (o.problem == "theory-erf" ? 0.05 : 0.025)
let steps = o.steps > 0 ? o.steps : (linear || o.problem == "theory-erf" ? 400 : 800)
let trials = o.trials > 0 ? o.trials : (o.problem == "theory-erf" ? 128 : 10)
let bits = linear ? 1 : o.bits
let spec = ModelSpec(inputs: bits, rank: o.rank, outputs: bits, dt: dt, nonlinearity: phi)
let batch = linear ? FilterTask().batch(steps: steps, dt: dt, random: RandomSource(seed: 0))
                   : FlipFlopTask(trials: trials, bits: bits).batch(steps: steps, dt: dt, random: RandomSource(seed: 0))
let eta = linear ? 5e-3 : 5e-2
/// Writes the problem for Benchmarks/peers/jax_epochs.py and exits.
func dump(to directory: String, initial: Matrix, name: String) -> Never {
    let url = URL(fileURLWithPath: directory)
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    func write(_ values: [Double], _ file: String) {
        try! values.withUnsafeBytes { Data($0) }.write(to: url.appendingPathComponent(file))
    }
    write(batch.x, "x.f64"); write(batch.target, "target.f64"); write(batch.mask, "mask.f64")
    write(initial.storage, name + ".f64")
    let meta = """
        {"problem": "\(o.problem)", "nonlinearity": "\(phi.rawValue)", "neurons": \(o.neurons), \
        "trials": \(batch.trials), "steps": \(batch.steps), "inputs": \(spec.inputs), "rank": \(spec.rank), \
        "outputs": \(spec.outputs), "dt": \(spec.dt), "alpha": \(spec.alpha), "eta": \(eta), \
        "initial": "\(name).f64", "rows": \(initial.rows), "cols": \(initial.cols)}
        """
    try! Data(meta.utf8).write(to: url.appendingPathComponent("meta.json"))
    exit(0)
}

let timing: (seconds: [Double], cpu: [Double], first: Double, last: Double)
switch o.problem {
case "theory-linear", "theory-erf":
    let S = LowRankNetwork.gaussian(spec: spec, neurons: 500, random: RandomSource(seed: 1)).overlaps
    if !o.dump.isEmpty { dump(to: o.dump, initial: S, name: "S") }
    var learner = TheoryLearner(spec: spec)
    timing = time(&learner, from: S, epochs: o.epochs, warmup: o.warmup)
case "network-linear", "network-tanh", "network-erf":
    let network = LowRankNetwork.gaussian(spec: spec, neurons: o.neurons, random: RandomSource(seed: 1))
    if !o.dump.isEmpty { dump(to: o.dump, initial: network.parameters, name: "P") }
    var learner = NetworkLearner(threads: o.threads > 0 ? o.threads : nil, storage: o.storage)
    timing = time(&learner, from: network, epochs: o.epochs, warmup: o.warmup)
default: usage()
}
let seconds = timing.seconds, first = timing.first, last = timing.last
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : 0.5 * (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2])
}
if o.each {
    for (e, (wall, cpu)) in zip(seconds, timing.cpu).enumerated() {
        FileHandle.standardError.write(Data("epoch \(e) wall_seconds \(wall) cpu_seconds \(cpu)\n".utf8))
    }
}
print("\(o.problem) median_seconds_per_epoch \(median(seconds)) min \(seconds.min() ?? .nan) epochs \(seconds.count) "
      + "first_loss \(first) last_loss \(last) median_cpu_seconds_per_epoch \(median(timing.cpu))")

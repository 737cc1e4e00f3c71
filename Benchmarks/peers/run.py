#!/usr/bin/env python3
"""GramFlow against JAX on the performance problems of the README (issue 12).

    python3 Benchmarks/peers/run.py [--rounds 3] [--only SUBSTRING] [--out FILE]

Installs JAX (`jax[cpu]`) into a virtual environment if it is missing there
(Benchmarks/peers/.venv, git-ignored; PEERS_VENV overrides), builds GramFlow's
`epoch-timer` (release), and for each problem writes it once with `epoch-timer --dump`
so both tools run the same batch and initial state; then runs GramFlow (one thread,
then two) and JAX (`jax_epochs.py`, one thread) alternately, `--rounds` times, each run
timing its epochs in-process after a warm-up (JAX's compilation excluded). A row reports
the median over rounds of each tool's median seconds per epoch, and the median over
rounds of the per-round ratios; also GramFlow's CPU time per epoch on one thread and its ratio
to JAX's (an epoch that waited for a core shows in wall time only). Writes a Markdown table to stdout and to `--out`
(default Benchmarks/peers/results.md), with the machine's load before and after:
the machine is shared, so ratios from one round are noisy when it is busy.
Never part of `make test`.
"""
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VENV = os.environ.get("PEERS_VENV", os.path.join(HERE, ".venv"))
PYTHON = os.path.join(VENV, "bin", "python")
TIMER = os.path.join(ROOT, ".build", "release", "epoch-timer")

# (row label, epoch-timer problem and size, GramFlow epochs/warm-up, JAX epochs/warm-up)
PROBLEMS = [
    ("theory, linear filter, T = 400", ["theory-linear"], ["--epochs", "2000", "--warmup", "100"],
     ["--epochs", "500", "--warmup", "20"]),
    ("theory, erf flip-flop, B = 128, T = 400", ["theory-erf"], ["--epochs", "30", "--warmup", "3"],
     ["--epochs", "10", "--warmup", "2"]),
    ("network, linear filter, N = 500", ["network-linear", "--neurons", "500"], ["--epochs", "200", "--warmup", "10"],
     ["--epochs", "50", "--warmup", "5"]),
    ("network, linear filter, N = 5000", ["network-linear", "--neurons", "5000"], ["--epochs", "30", "--warmup", "3"],
     ["--epochs", "10", "--warmup", "2"]),
    ("network, tanh flip-flop, B = 10, T = 800, N = 600", ["network-tanh", "--neurons", "600"],
     ["--epochs", "10", "--warmup", "2"], ["--epochs", "5", "--warmup", "1"]),
    ("network, tanh flip-flop, B = 10, T = 800, N = 6000", ["network-tanh", "--neurons", "6000"],
     ["--epochs", "3", "--warmup", "1"], ["--epochs", "3", "--warmup", "1"]),
    ("network, erf flip-flop, B = 10, T = 800, N = 6000", ["network-erf", "--neurons", "6000"],
     ["--epochs", "3", "--warmup", "1"], ["--epochs", "3", "--warmup", "1"]),
    # Shapes outside the rank-1 kernels (the general loops).
    ("network, tanh flip-flop, rank 3, B = 10, T = 800, N = 3000", ["network-tanh", "--neurons", "3000", "--rank", "3"],
     ["--epochs", "3", "--warmup", "1"], ["--epochs", "3", "--warmup", "1"]),
    ("network, tanh flip-flop, 2 bits (K = O = 2), rank 2, B = 10, T = 800, N = 3000",
     ["network-tanh", "--neurons", "3000", "--rank", "2", "--bits", "2"],
     ["--epochs", "3", "--warmup", "1"], ["--epochs", "3", "--warmup", "1"]),
]


def ensure_jax():
    try:
        subprocess.run([PYTHON, "-c", "import jax"], check=True, capture_output=True)
        return
    except (OSError, subprocess.CalledProcessError):
        pass
    print(f"installing jax[cpu] into {VENV}", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "jax[cpu]"], check=True)


def build():
    subprocess.run(["swift", "build", "-c", "release", "--product", "epoch-timer"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def parse(output):
    """(median wall seconds per epoch, first loss, median CPU seconds per epoch) from an `epoch-timer`
    or `jax_epochs.py` line."""
    words = output.split()
    value = lambda key: float(words[words.index(key) + 1])
    return value("median_seconds_per_epoch"), value("first_loss"), value("median_cpu_seconds_per_epoch")


def run(command, env=None):
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")
    return parse(result.stdout)


def load():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def pretty(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def main():
    args = sys.argv[1:]
    rounds, only, out = 3, "", os.path.join(HERE, "results.md")
    for flag, value in zip(args[::2], args[1::2]):
        if flag == "--rounds":
            rounds = int(value)
        elif flag == "--only":
            only = value
        elif flag == "--out":
            out = value
        else:
            raise SystemExit(__doc__)
    ensure_jax()
    build()
    jax_env = dict(os.environ, JAX_PLATFORMS="cpu", JAX_ENABLE_X64="1",
                   XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
    load_before = load()
    rows = []
    for label, problem, gramflow_epochs, jax_epochs in PROBLEMS:
        if only and only not in label:
            continue
        with tempfile.TemporaryDirectory() as directory:
            subprocess.run([TIMER, *problem, "--dump", directory], check=True)
            one, two, peer, ratio_one, ratio_two, cpu_one, ratio_cpu = [], [], [], [], [], [], []
            losses = None
            for _ in range(rounds):
                g1, loss_g, c1 = run([TIMER, *problem, *gramflow_epochs, "--threads", "1"])
                j, loss_j, cj = run([PYTHON, os.path.join(HERE, "jax_epochs.py"), directory, *jax_epochs], env=jax_env)
                g2, _, _ = run([TIMER, *problem, *gramflow_epochs, "--threads", "2"])
                one.append(g1); two.append(g2); peer.append(j)
                ratio_one.append(g1 / j); ratio_two.append(g2 / j)
                cpu_one.append(c1); ratio_cpu.append(c1 / cj)
                losses = (loss_g, loss_j)
        median = statistics.median
        rows.append((label, median(one), median(two), median(peer), median(ratio_one), median(ratio_two),
                     median(cpu_one), median(ratio_cpu), abs(losses[0] - losses[1]) / abs(losses[1])))
        print(f"{label}: GramFlow {pretty(median(one))} (2 threads {pretty(median(two))}), "
              f"JAX {pretty(median(peer))}, ratio {median(ratio_one):.2f}", file=sys.stderr)
    load_after = load()
    lines = [
        "| per epoch | GramFlow, 1 thread | GramFlow, 2 threads | JAX (CPU, 1 thread) | GramFlow/JAX, 1 thread "
        "| GramFlow/JAX, 2 threads | GramFlow CPU time, 1 thread | GramFlow/JAX, CPU time, 1 thread "
        "| first loss, relative difference |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, g1, g2, j, r1, r2, c1, rc, difference in rows:
        lines.append(f"| {label} | {pretty(g1)} | {pretty(g2)} | {pretty(j)} | {r1:.2f} | {r2:.2f} | {pretty(c1)} | {rc:.2f} "
                     f"| {difference:.1e} |")
    lines.append("")
    lines.append(f"Medians over {rounds} alternated rounds; load average {load_before} before, {load_after} after "
                 f"(2 cores). Wall time per epoch unless the column says CPU time (the process's, all threads): "
                 f"an epoch that waited for a core shared with another process has a wall time about twice its CPU "
                 f"time. Command: `python3 Benchmarks/peers/run.py --rounds {rounds}`.")
    table = "\n".join(lines) + "\n"
    print(table)
    with open(out, "w") as f:
        f.write(table)


if __name__ == "__main__":
    main()

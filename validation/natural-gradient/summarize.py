#!/usr/bin/env python3
"""Tuning and summary of validation/natural-gradient (run by run.sh; standard library only).

  summarize.py best-lr DIR        prints the η whose tune runs (DIR/tune-lr*-seed*) have the lowest
                                  mean log10 final loss (a run that did not complete counts as +inf)
  summarize.py report HERE ...    report.json, report.md, curves-*.dat and the figures (gnuplot)
  summarize.py error-vs-n DIR     DIR/summary.json from the validate sweeps DIR/{natural-k1,natural-k2,gd}:
                                  per sweep, the mean overlap deviation at the largest N over that at
                                  the smallest, and the largest final theory loss over all points
"""
import csv, glob, json, math, os, re, statistics, subprocess, sys

TARGET = 1e-4          # time to target: loss ≤ TARGET × initial loss
NEVER = 1e9            # seconds / epochs recorded when the target is never reached
OPTIMIZERS = ["gd", "adam", "natural"]
SETTINGS = ["pitchfork", "teacher"]


def read_run(path):
    with open(os.path.join(path, "run.json")) as f:
        run = json.load(f)
    losses = []
    with open(os.path.join(path, "trajectory.csv")) as f:
        for row in csv.DictReader(f):
            losses.append(float(row["loss"]))
    return run, losses


def score(path):
    try:
        run, losses = read_run(path)
    except (OSError, ValueError, KeyError):
        return math.inf
    if run.get("status") != "completed" or not losses or not all(math.isfinite(x) for x in losses):
        return math.inf
    return math.log10(max(losses[-1], 1e-300))


def best_lr(folder):
    scores = {}
    for path in glob.glob(os.path.join(folder, "tune-lr*-seed*")):
        lr = re.search(r"tune-lr([^/]+)-seed", path).group(1)
        scores.setdefault(lr, []).append(score(path))
    mean = {lr: (statistics.mean(s) if all(math.isfinite(x) for x in s) else math.inf) for lr, s in scores.items()}
    return min(mean, key=lambda lr: (mean[lr], float(lr)))


def spread(values):
    finite = [v for v in values if v is not None and math.isfinite(v)]
    return {"median": statistics.median(finite) if finite else None,
            "mean": statistics.mean(finite) if finite else None,
            "sd": statistics.stdev(finite) if len(finite) > 1 else 0.0,
            "values": values}


def evaluate(folder):
    seeds = {}
    for path in sorted(glob.glob(os.path.join(folder, "eval-seed*"))):
        seed = int(re.search(r"eval-seed(\d+)", path).group(1))
        run, losses = read_run(path)
        epochs = len(losses) - 1
        per_epoch = run["seconds"] / max(len(losses), 1)
        hit = next((e for e, loss in enumerate(losses) if loss <= TARGET * losses[0]), None)
        entry = {"status": run["status"], "losses": losses, "seconds": run["seconds"], "seconds_per_epoch": per_epoch,
                 "final": losses[-1] if run["status"] == "completed" else math.inf,
                 "epochs_to_target": hit if hit is not None else NEVER,
                 "time_to_target": hit * per_epoch if hit is not None else NEVER, "epochs": epochs}
        ng = os.path.join(path, "natural-gradient.csv")
        if os.path.exists(ng):
            with open(ng) as f:
                rows = list(csv.DictReader(f))
            entry["full_solve_fraction"] = sum(int(r["full_solve"]) for r in rows) / max(len(rows), 1)
            entry["residual_median"] = statistics.median(float(r["residual"]) for r in rows)
            entry["residual_max"] = max(float(r["residual"]) for r in rows)
        seeds[seed] = entry
    return seeds


def report(here, neurons, steps, epochs):
    result, md = {}, []
    md.append("# Low-rank natural gradient against tuned GD and Adam\n")
    md.append(f"erf, rank 1, teacher task (B = 10, T = {steps}, dt = 0.1), N = {neurons}, {epochs} epochs; each "
              f"optimizer at its own η (8 values, 2 held-out seeds), then 5 seeds. Target: loss ≤ {TARGET:g} × initial; "
              f"wall-clock = seconds/epoch of the run × epochs (a never-reached target counts as {NEVER:g}). "
              "NG: k = 1, ε = λ₂, kept subspace refreshed by warm subspace iteration. Each run is one process, "
              "one after the other, on whatever else the machine runs: seconds carry that load (compare within a "
              "setting; the committed run shared 2 cores with other work at load ≈ 9).\n")
    for setting in SETTINGS:
        block, runs = {}, {}
        md.append(f"\n## {setting}\n")
        md.append("| optimizer | tuned η | seeds reaching the target | final loss (median) | epochs to target (median) | seconds to target (median) | ms / epoch (median) |")
        md.append("|---|---|---|---|---|---|---|")
        for opt in OPTIMIZERS:
            folder = os.path.join(here, "runs", setting, opt)
            lr = best_lr(folder)
            seeds = evaluate(folder)
            runs[opt] = seeds
            entry = {"lr": float(lr)}
            for key in ["final", "epochs_to_target", "time_to_target", "seconds_per_epoch"]:
                entry[key] = spread([seeds[s][key] for s in sorted(seeds)])
            if opt == "natural":
                for key in ["full_solve_fraction", "residual_median", "residual_max"]:
                    entry[key] = spread([seeds[s][key] for s in sorted(seeds)])
            block[opt] = entry
            reached = sum(1 for s in seeds.values() if s["epochs_to_target"] < NEVER)
            entry["seeds_reaching_target"] = reached
            never = lambda x, f: "never" if x >= NEVER else format(x, f)
            md.append(f"| {opt} | {lr} | {reached} of {len(seeds)} | {entry['final']['median']:.3g} | "
                      f"{never(entry['epochs_to_target']['median'], '.4g')} | {never(entry['time_to_target']['median'], '.4g')} | "
                      f"{1e3 * entry['seconds_per_epoch']['median']:.3g} |")
        reachers = [o for o in OPTIMIZERS if block[o]["time_to_target"]["median"] is not None and block[o]["time_to_target"]["median"] < NEVER]
        if reachers:
            best = min(reachers, key=lambda o: block[o]["time_to_target"]["median"])
            md.append(f"\nFastest to the target (median seconds): {best} ({block[best]['time_to_target']['median']:.3g} s). "
                      f"Lowest final loss: {min(OPTIMIZERS, key=lambda o: block[o]['final']['median'])}.")
        else:
            md.append("\nNo optimizer reached the target on most seeds.")
        ratios = {}
        common = sorted(set(runs["gd"]) & set(runs["adam"]) & set(runs["natural"]))
        for other in ["gd", "adam"]:
            for name, key in [("time", "time_to_target"), ("epochs", "epochs_to_target"), ("final", "final"),
                              ("epoch_cost", "seconds_per_epoch")]:
                values = []
                for s in common:
                    a, b = runs["natural"][s][key], runs[other][s][key]
                    values.append(a / b if b not in (0, math.inf) and math.isfinite(a) else (math.inf if a > 0 else 0.0))
                ratios[f"{name}_natural_over_{other}"] = spread(values)
        block["ratios"] = ratios
        result[setting] = block
        n = block["natural"]
        md.append(f"\nNG / GD per seed (median ± sd): time to target {ratios['time_natural_over_gd']['median']:.3g} ± "
                  f"{ratios['time_natural_over_gd']['sd']:.2g}, epochs to target {ratios['epochs_natural_over_gd']['median']:.3g}, "
                  f"final loss {ratios['final_natural_over_gd']['median']:.3g}, cost per epoch "
                  f"{ratios['epoch_cost_natural_over_gd']['median']:.3g}×. NG / Adam: time to target "
                  f"{ratios['time_natural_over_adam']['median']:.3g}. Kept subspace: median relative residual "
                  f"{n['residual_median']['median']:.2g} (largest {max(n['residual_max']['values']):.2g}), full solves "
                  f"{100 * n['full_solve_fraction']['mean']:.2g}% of steps.\n")
        md.append(f"![loss against epochs]({setting}-epochs.png) ![loss against wall-clock time]({setting}-time.png)\n")
        write_curves(here, setting, runs)
    with open(os.path.join(here, "report.json"), "w") as f:
        f.write(json.dumps(sanitize(result), indent=1, allow_nan=False))
    with open(os.path.join(here, "report.md"), "w") as f:
        f.write("\n".join(md) + "\n")


def error_vs_n(folder):
    summary = {}
    for name in ["natural-k1", "natural-k2", "gd"]:
        with open(os.path.join(folder, name, "report.json")) as f:
            report = json.load(f)
        rows = sorted(report["rows"], key=lambda r: r["neurons"])
        summary[name] = {
            "neurons": [r["neurons"] for r in rows],
            "mean_overlap_deviation": [r["overlap"]["mean"] for r in rows],
            "deviation_ratio_largest_over_smallest": rows[-1]["overlap"]["mean"] / rows[0]["overlap"]["mean"],
            "max_final_loss_theory": max(p["finalLossTheory"] for p in report["points"]),
        }
    with open(os.path.join(folder, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)


def sanitize(x):
    if isinstance(x, float) and not math.isfinite(x):
        return NEVER if x > 0 else -NEVER
    if isinstance(x, dict):
        return {k: sanitize(v) for k, v in x.items() if k != "losses"}
    if isinstance(x, list):
        return [sanitize(v) for v in x]
    return x


def write_curves(here, setting, runs):
    """Median loss over seeds per epoch and its median wall-clock time, one .dat per optimizer; two figures."""
    for opt, seeds in runs.items():
        length = min(len(r["losses"]) for r in seeds.values())
        per_epoch = statistics.median(r["seconds_per_epoch"] for r in seeds.values())
        with open(os.path.join(here, f"curves-{setting}-{opt}.dat"), "w") as f:
            f.write("# epoch seconds median_loss min_loss max_loss\n")
            for e in range(length):
                values = [r["losses"][e] for r in seeds.values()]
                f.write(f"{e} {e * per_epoch:.6g} {statistics.median(values):.6g} {min(values):.6g} {max(values):.6g}\n")
    for axis, column, label in [("epochs", 1, "epoch"), ("time", 2, "wall-clock seconds")]:
        plots = ", ".join(f"'curves-{setting}-{opt}.dat' using {column}:3 with lines lw 2 title '{opt}'" for opt in OPTIMIZERS)
        script = (f"set terminal pngcairo size 800,500\nset output '{setting}-{axis}.png'\nset logscale y\n"
                  f"set xlabel '{label}'\nset ylabel 'loss (median of 5 seeds)'\nset format y '10^{{%L}}'\n"
                  f"set title '{setting}: tuned GD, Adam and natural gradient'\nplot {plots}\n")
        try:
            subprocess.run(["gnuplot"], input=script.encode(), cwd=here, check=True)
        except (OSError, subprocess.CalledProcessError) as error:
            print(f"warning: no figure {setting}-{axis}.png: {error}", file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1] == "error-vs-n":
        error_vs_n(sys.argv[2])
    elif sys.argv[1] == "best-lr":
        print(best_lr(sys.argv[2]))
    else:
        args = sys.argv[2:]
        opts = dict(zip(args[1::2], args[2::2]))
        report(args[0], int(opts["--neurons"]), int(opts["--steps"]), int(opts["--epochs"]))

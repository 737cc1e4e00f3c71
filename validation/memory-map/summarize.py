#!/usr/bin/env python3
"""The memory map's tables, heatmaps and the numbers its claims read (validation/memory-map/run.sh).

Reads results/<sweep>/sweep.csv of every sweep in sweeps/, averages each cell over its seeds,
writes results/<sweep>/cells.csv, one heatmap per sweep (and per value of its facet axis) of the
invisible and the visible memory ratio, map.json (every cell, and the named measures claims.yaml
holds to its criteria) and SUMMARY.md.
"""
import csv, json, math, os, statistics, subprocess, sys

folder = sys.argv[1]
results = os.path.join(folder, "results")

# Per sweep: the axis across the heatmap, the axis down it, the axis that splits it into panels
# (or None), and the learner whose metrics it maps.
PANELS = {
    "linear-gd": ("phases[*].lr", "phases[2].options.decay", None, "theory"),
    "linear-flow": ("phases[*].lr", "phases[2].options.decay", None, "theory"),
    "linear-adam": ("phases[*].lr", "phases[2].options.decay", None, "network"),
    "linear-sgd": ("phases[*].optimizer", "phases[2].options.decay", None, "theory"),
    "linear-noise-length": ("phases[2].epochs", "phases[*].targetNoise", None, "theory"),
    "linear-init": ("initial.scale", "initial.initialization", "phases[*].update", "theory"),
    "erf": ("phases[*].lr", "phases[2].options.decay", "phases[*].update", "theory"),
}
NAMES = {"phases[*].lr": "η (every phase)", "phases[2].options.decay": "c*_B (decay of task B; A: 0.2)",
         "phases[*].optimizer": "optimizer", "phases[2].epochs": "epochs of B", "phases[*].targetNoise": "target noise σ",
         "initial.scale": "initial scale s", "initial.initialization": "initial draw", "phases[*].update": "update"}
METRICS = ["invisibleRatio", "visibleRatio", "invariantDrift", "lossAtReturn"]


def number(text):
    try:
        return float(text)
    except ValueError:
        return text


def read(name):
    path = os.path.join(results, name, "sweep.csv")
    return list(csv.DictReader(open(path))) if os.path.exists(path) else []


def stats(values):
    values = [v for v in values if isinstance(v, float) and not math.isnan(v)]
    if not values:
        return {"mean": float("nan"), "sd": float("nan"), "n": 0}
    return {"mean": statistics.fmean(values), "sd": statistics.stdev(values) if len(values) > 1 else 0.0, "n": len(values)}


def cells(rows, keys, learner):
    """Cells keyed by the axis values (seeds averaged); a diverged point counts as NaN."""
    out = {}
    for r in rows:
        cell = tuple(r[k] for k in keys)
        entry = out.setdefault(cell, {m: [] for m in METRICS} | {"status": []})
        entry["status"].append(r["status"])
        for m in METRICS:
            v = r.get(f"memory.{learner}.{m}", "")
            entry[m].append(float(v) if v not in ("", None) and r["status"] == "completed" else float("nan"))
    return {cell: {m: stats(v[m]) for m in METRICS} | {"diverged": v["status"].count("diverged"), "points": len(v["status"])}
            for cell, v in out.items()}


def ordered(values):
    values = list(dict.fromkeys(values))
    if all(isinstance(number(v), float) for v in values):
        return sorted(values, key=number)
    return values


def heatmap(name, x, y, facet, facet_value, table, metric, png, title):
    # Lists in the sweep's order (not sets: their order changes from run to run).
    xs = ordered([c[0] for c in table if facet is None or c[2] == facet_value])
    ys = ordered([c[1] for c in table if facet is None or c[2] == facet_value])
    data = os.path.join(results, name, f"{os.path.basename(png)}.dat")
    with open(data, "w") as f:
        for j, yv in enumerate(ys):
            for i, xv in enumerate(xs):
                key = (xv, yv) + ((facet_value,) if facet else ())
                s = table.get(key, {}).get(metric, {"mean": float("nan"), "sd": float("nan")})
                loss = table.get(key, {}).get("lossAtReturn", {"mean": float("nan")})["mean"]
                # *: A was not relearned (loss at the return > 1e-6), so the ratio measures that, not memory.
                label = "div." if table.get(key, {}).get("diverged") else (
                    f"{s['mean']:.2g}{'*' if not loss <= 1e-6 else ''}" if not math.isnan(s["mean"]) else "–")
                value = max(s["mean"], 1e-6) if not math.isnan(s["mean"]) else "NaN"
                f.write(f"{i} {j} {value} \"{label}\"\n")
            f.write("\n")
    xt = ", ".join(f'"{v}" {i}' for i, v in enumerate(xs))
    yt = ", ".join(f'"{v}" {j}' for j, v in enumerate(ys))
    script = f"""
set terminal pngcairo size 820,560 enhanced font 'Sans,10'
set output '{png}'
set title '{title}' noenhanced
set xlabel '{NAMES.get(x, x)}' noenhanced
set ylabel '{NAMES.get(y, y)}' noenhanced
set xtics ({xt}) noenhanced
set ytics ({yt}) noenhanced
set xrange [-0.5:{len(xs) - 0.5}]
set yrange [-0.5:{len(ys) - 0.5}]
set logscale cb
set cbrange [1e-5:2]
set format cb '10^{{%L}}'
set cblabel '{metric} (mean over seeds; * = A not relearned, loss > 1e-6)' noenhanced
set palette defined (0 '#f7fbff', 0.45 '#9ecae1', 0.8 '#2171b5', 0.97 '#08306b', 1 '#67000d')
set datafile missing 'NaN'
unset key
set style textbox opaque fc rgb 'white' noborder
plot '{data}' using 1:2:3 with image, '' using 1:2:4 with labels boxed font 'Sans,10' tc rgb 'black'
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


summary = {"sweeps": {}, "measures": {}}
md = ["# The memory map: where loss-invisible overlaps keep a memory of B", "",
      "Regenerated by `bash validation/memory-map/run.sh` (part of `make validate`): every sweep file in "
      "`sweeps/` planned, run and collected by `gramflow sweep` (so each can run on any sweep engine), then this "
      "script. Point metric (docs/theory.md §8.6, `ReturnMemory`): ratio = ‖σ(end of A₂) − σ(end of A₁)‖ / "
      "max over every epoch of B of ‖σ − σ(end of A₁)‖, per class (visible / invisible); 0 = came back, "
      "1 = kept all of B's move. Cells: mean ± sd over seeds; `div.` = a learner diverged. "
      "Criteria: `claims.yaml` (committed before the first run); verdicts: `claims.json`. What the map means, "
      "with the theory (which invariants pin the invisible overlaps, what breaks them): docs/theory.md §8.6.", ""]
for name, (x, y, facet, learner) in PANELS.items():
    rows = read(name)
    if not rows:
        continue
    keys = [x, y] + ([facet] if facet else [])
    table = cells(rows, keys, learner)
    summary["sweeps"][name] = {"axes": keys, "learner": learner,
                               "cells": [dict(zip(keys, c)) | v for c, v in table.items()]}
    with open(os.path.join(results, name, "cells.csv"), "w") as f:
        f.write(",".join(keys + [f"{m}_{s}" for m in METRICS for s in ("mean", "sd")] + ["diverged", "points"]) + "\n")
        for c, v in sorted(table.items()):
            f.write(",".join(list(c) + [f"{v[m][s]}" for m in METRICS for s in ("mean", "sd")] + [str(v["diverged"]), str(v["points"])]) + "\n")
    md += [f"## {name} ({learner}; {len(rows)} points)", ""]
    for fv in (ordered([c[2] for c in table]) if facet else [None]):
        suffix = f"-{fv}" if facet else ""
        for metric in ("invisibleRatio", "visibleRatio"):
            png = os.path.join(results, name, f"{metric}{suffix}.png")
            heatmap(name, x, y, facet, fv, table, metric, png,
                    f"{name}{' (' + str(fv) + ')' if facet else ''}: {metric} at the return to A")
            md.append(f"![{name} {metric}{suffix}](results/{name}/{metric}{suffix}.png)")
        md.append("")
    md += ["| " + " | ".join(keys) + " | invisible ratio | visible ratio | invariant drift | loss at return |",
           "| " + " | ".join("---" for _ in keys) + " | --- | --- | --- | --- |"]
    for c, v in sorted(table.items(), key=lambda kv: [number(t) if isinstance(number(t), float) else 0 for t in kv[0]] + list(kv[0])):
        f = lambda m: f"{v[m]['mean']:.3g} ± {v[m]['sd']:.2g}"
        md.append("| " + " | ".join(c) + f" | {f('invisibleRatio')} | {f('visibleRatio')} | {f('invariantDrift')} | {f('lossAtReturn')} |"
                  + (f" ({v['diverged']} diverged)" if v["diverged"] else ""))
    md.append("")


def cell(name, **where):
    """The cell of sweep `name` whose axes have these values (compared as numbers where they are)."""
    for c in summary["sweeps"].get(name, {}).get("cells", []):
        if all(number(c[k]) == v for k, v in where.items()):
            return c
    return None


def points(name, learner=None):
    return [r for r in read(name) if r["status"] == "completed"]


def measure(key, value, sd=None):
    summary["measures"][key] = value
    if sd is not None:
        summary["measures"][key + "Sd"] = sd


M = summary["measures"]
LR, CB = "phases[*].lr", "phases[2].options.decay"
# 1. Gradient flow conserves tr(M^k): the largest drift over every linear flow point.
flow = [float(r["memory.theory.invariantDrift"]) for r in points("linear-flow")] + \
       [float(r["memory.theory.invariantDrift"]) for r in points("linear-init") if r["phases[*].update"] == "flow"]
measure("linearFlowInvariantDriftMax", max(flow) if flow else float("nan"))
# 2. Linear theory = network at the spot checks (both ratios), and the erf closure against N = 2000 networks.
for phi, key in (("linear", "linearTheoryNetworkMaxDifference"), ("erf", "erfTheoryNetworkMaxDifference")):
    diffs = [abs(float(r[f"memory.theory.{m}"]) - float(r[f"memory.network.{m}"]))
             for r in points("network-check") if r["model.phi"] == phi for m in ("invisibleRatio", "visibleRatio")]
    measure(key, max(diffs) if diffs else float("nan"))
# 3–4. The paper's point (η = 5e-3, c*_B = 0.4) under GD and under the flow.
for name, tag in (("linear-gd", "gd"), ("linear-flow", "flow")):
    c = cell(name, **{LR: 5e-3, CB: 0.4})
    for m in ("invisibleRatio", "visibleRatio"):
        measure(f"{tag}PaperPoint{m[0].upper()}{m[1:]}", c[m]["mean"] if c else float("nan"), c[m]["sd"] if c else None)
# 5. Flow against map at η = 2.5e-3, over c*_B: the largest |Δ invisible ratio|.
d = []
for cb in (0.3, 0.4, 0.6, 0.8):
    a, b = cell("linear-gd", **{LR: 2.5e-3, CB: cb}), cell("linear-flow", **{LR: 2.5e-3, CB: cb})
    if a and b:
        d.append(abs(a["invisibleRatio"]["mean"] - b["invisibleRatio"]["mean"]))
measure("flowVersusMapInvisibleRatioMaxDifference", max(d) if d else float("nan"))
# 6. Initial scale under the flow (gaussian): s = 0.25 against s = 2.
small = cell("linear-init", **{"initial.scale": 0.25, "initial.initialization": "gaussian", "phases[*].update": "flow"})
large = cell("linear-init", **{"initial.scale": 2.0, "initial.initialization": "gaussian", "phases[*].update": "flow"})
measure("flowSmallScaleInvisibleRatio", small["invisibleRatio"]["mean"] if small else float("nan"), small["invisibleRatio"]["sd"] if small else None)
measure("flowLargeScaleInvisibleRatio", large["invisibleRatio"]["mean"] if large else float("nan"), large["invisibleRatio"]["sd"] if large else None)
measure("flowSmallOverLargeScaleInvisibleRatio",
        small["invisibleRatio"]["mean"] / large["invisibleRatio"]["mean"] if small and large else float("nan"))


def median_over(name, metric, **where):
    vals = [c[metric]["mean"] for c in summary["sweeps"].get(name, {}).get("cells", [])
            if all(number(c[k]) == v for k, v in where.items()) and not math.isnan(c[metric]["mean"])]
    return statistics.median(vals) if vals else float("nan")


# 7. Adam against GD over the whole lr × c*_B panel (medians of the cells).
measure("adamOverGdInvariantDriftMedian", median_over("linear-adam", "invariantDrift") / median_over("linear-gd", "invariantDrift"))
measure("adamMedianInvisibleRatio", median_over("linear-adam", "invisibleRatio"))
measure("gdMedianInvisibleRatio", median_over("linear-gd", "invisibleRatio"))
measure("adamMinusGdMedianInvisibleRatio", M["adamMedianInvisibleRatio"] - M["gdMedianInvisibleRatio"])
# 8. Discrete steps: the map's drift at η = 2e-2 over η = 2.5e-3 (median over c*_B).
measure("mapDriftLargeOverSmallLr", median_over("linear-gd", "invariantDrift", **{LR: 2e-2}) /
        median_over("linear-gd", "invariantDrift", **{LR: 2.5e-3}))
# 9–10. Target noise at B = 1000 epochs: σ = 0.3 against σ = 0.
n0 = cell("linear-noise-length", **{"phases[2].epochs": 1000.0, "phases[*].targetNoise": 0.0})
n3 = cell("linear-noise-length", **{"phases[2].epochs": 1000.0, "phases[*].targetNoise": 0.3})
measure("noiseDriftRatio", n3["invariantDrift"]["mean"] / n0["invariantDrift"]["mean"] if n0 and n3 else float("nan"))
measure("noiseMinusNoNoiseInvisibleRatio", n3["invisibleRatio"]["mean"] - n0["invisibleRatio"]["mean"] if n0 and n3 else float("nan"))
# 11. erf under the flow: the closure's B–B block breaks the invariants.
measure("erfFlowInvariantDriftMedian", median_over("erf", "invariantDrift", **{"phases[*].update": "flow"}))

# Not a claim (found after the run): across every relearned point (loss at the return <= 1e-6) whose
# invariants moved (drift > 1e-10: the map, SGD, Adam; not the flow), how the invisible memory follows
# the drift of tr(M^k): correlation and slope of log10 ratio against log10 drift.
pairs = []
for name in ("linear-gd", "linear-adam", "linear-sgd", "linear-noise-length", "linear-init"):
    learner = PANELS[name][3]
    for r in points(name):
        drift, ratio = float(r[f"memory.{learner}.invariantDrift"]), float(r[f"memory.{learner}.invisibleRatio"])
        if float(r[f"memory.{learner}.lossAtReturn"]) <= 1e-6 and drift > 1e-10 and ratio > 0:
            pairs.append((math.log10(drift), math.log10(ratio)))
if len(pairs) > 2:
    xs, ys = zip(*pairs)
    measure("relearnedPointsWithDrift", float(len(pairs)))
    measure("logMemoryVersusLogDriftCorrelation", statistics.correlation(xs, ys))
    measure("logMemoryVersusLogDriftSlope", statistics.linear_regression(xs, ys).slope)


def finite(x):
    # JSON has no NaN: write it as "nan", which `gramflow claims` reads as a number that holds no criterion.
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if isinstance(x, dict):
        return {k: finite(v) for k, v in x.items()}
    if isinstance(x, list):
        return [finite(v) for v in x]
    return x


with open(os.path.join(folder, "map.json"), "w") as f:
    json.dump(finite(summary), f, indent=1)
checks = read("network-check")
if checks:
    md += ["## Spot checks: theory against finite networks (network-check)", "",
           "| φ | N | seed | invisible ratio theory | network | visible ratio theory | network | drift theory | network |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in checks:
        g = lambda k: f"{float(r[k]):.6g}" if r.get(k) else "–"
        md.append(f"| {r['model.phi']} | {r['initial.neurons']} | {r['seed']} | {g('memory.theory.invisibleRatio')} | {g('memory.network.invisibleRatio')} | "
                  f"{g('memory.theory.visibleRatio')} | {g('memory.network.visibleRatio')} | {g('memory.theory.invariantDrift')} | {g('memory.network.invariantDrift')} |")
    md.append("")
timings = [open(os.path.join(results, n, "run.txt")).read().strip() for n in sorted(os.listdir(results))
           if os.path.exists(os.path.join(results, n, "run.txt"))]
if timings:
    md += ["## Run times (the last run of each sweep)", ""] + [f"* {t}" for t in timings] + [""]
md += ["## Named measures (what claims.yaml reads, from map.json)", "", "| measure | value |", "| --- | --- |"]
md += [f"| {k} | {v:.4g} |" for k, v in M.items()]
md.append("")
claims = os.path.join(folder, "claims.md")
if os.path.exists(claims):
    md += ["## Claims", "", open(claims).read()]
with open(os.path.join(folder, "SUMMARY.md"), "w") as f:
    f.write("\n".join(md) + "\n")

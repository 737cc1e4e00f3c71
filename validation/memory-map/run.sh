#!/usr/bin/env bash
# The memory map (issue 15, item 4; docs/theory.md §8.6): A-B-A on the linear filter (exact theory)
# and on the erf filter (Gaussian closure, spot-checked by networks), swept over the learning rate,
# the distance c*_B of task B, the length of B, target noise, the optimizer (GD, gradient flow, SGD,
# Adam) and the initial scale and balance. Every sweeps/*.yaml is a sweep file of the sweep engine:
#
#   gramflow sweep plan validation/memory-map/sweeps/linear-gd.yaml --out DIR
#   gramflow sweep run DIR --jobs 2      # or GNU parallel on DIR/jobs.txt, or sbatch DIR/slurm.sh
#   gramflow sweep collect DIR
#
# This script does that for each file (J points at a time, JOBS=2), keeps results/<sweep>/ (sweep.csv,
# report.md), and summarize.py draws the heatmaps, writes map.json and SUMMARY.md; `gramflow claims`
# holds map.json to claims.yaml (criteria committed before the first run). `make validate` runs it;
# about 10 minutes on 2 cores. `bash run.sh linear-gd erf` runs only those sweeps (the summary is
# rebuilt from every sweep's results).
set -euo pipefail
cd "$(dirname "$0")/../.."
G=$(readlink -f "${GRAMFLOW:-.build/release/gramflow}")
out=validation/memory-map
JOBS=${JOBS:-2}
sweeps=${*:-$(for f in "$out"/sweeps/*.yaml; do basename "$f" .yaml; done)}
work=$(mktemp -d /tmp/gramflow-memory-map.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out/results"
for name in $sweeps; do
  start=$(date +%s)
  "$G" sweep plan "$out/sweeps/$name.yaml" --out "$work/$name" > /dev/null
  "$G" sweep run "$work/$name" --jobs "$JOBS" --quiet
  "$G" sweep collect "$work/$name" > /dev/null
  rm -rf "${out:?}/results/$name"
  cp -r "$work/$name/results" "$out/results/$name"
  rm -f "$out/results/$name/.gramflow-output"   # the folder also holds summarize.py's files
  echo "$name: $(($(wc -l < "$out/results/$name/sweep.csv") - 1)) points in $(( $(date +%s) - start )) s on $(nproc) cores, $JOBS at a time" \
    | tee "$out/results/$name/run.txt"
done
python3 "$out/summarize.py" "$out"
status=0
"$G" claims "$out/claims.yaml" > "$out/claims.md" || status=$?
python3 "$out/summarize.py" "$out"   # again, with the verdicts in SUMMARY.md
cat "$out/claims.md"
exit $status

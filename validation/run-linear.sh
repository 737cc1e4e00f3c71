#!/usr/bin/env bash
# Full validations of the linear theory (issue 2). Regenerates the reports
# under validation/linear/; `make validate` runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
G=${GRAMFLOW:-.build/release/gramflow}
out=validation/linear
mkdir -p "$out"

# Exact map against the finite network, rank 1 filter and rank 2 oscillation.
"$G" validate --task filter --rank 1 --neurons 500 --epochs 2000 --lr 5e-3 --dt 0.05 --steps 400 --seed 1 \
  --plot --quiet --out "$out/filter-rank1"
"$G" validate --task oscillation --rank 2 --decay 0.3 --frequency 2 --neurons 500 --epochs 2000 --lr 5e-3 \
  --dt 0.05 --steps 400 --seed 1 --plot --quiet --out "$out/oscillation-rank2"
# Invariants: conserved by the flow, O(η²) drift under the map.
for update in flow map; do
  "$G" integrate --task filter --rank 1 --epochs 2000 --lr 1e-3 --update "$update" --quiet \
    --out "$out/invariants-$update"
done
python3 validation/summarize-linear.py "$out" > "$out/SUMMARY.md"
cat "$out/SUMMARY.md"

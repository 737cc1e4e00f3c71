#!/usr/bin/env bash
# Multi-task interference (issue 13, KPFlow poster Fig. 5): 10 GRUs (seeds 1–10) trained with Adam on
# Memory/Delay Pro/Anti through the study file validation/kpflow/gru-proanti.yaml (`study: multitask`).
# Regenerates validation/kpflow/; `make validate` runs it. Sizes and time: see gru-proanti.yaml.
set -euo pipefail
cd "$(dirname "$0")/.."
G=${GRAMFLOW:-.build/release/gramflow}
out=validation/kpflow

rm -rf "$out/gru-proanti"
"$G" study "$out/gru-proanti.yaml" --out "$out/gru-proanti" --plot --quiet

{
  cat "$out/gru-proanti/report.md"
  echo "Per seed: gru-proanti/seed-S/tracking.csv (per record), multitask.npz, heatmaps.png, grouping.png."
  echo
  # The criteria were fixed in $out/claims.yaml before the run.
  "$G" claims "$out/claims.yaml"
} > "$out/SUMMARY.md"
cat "$out/SUMMARY.md"

#!/usr/bin/env bash
# Issue 16: the low-rank natural gradient (NG) against GD and Adam, each at its own tuned η.
# Regenerates validation/natural-gradient/ (runs/, report.json, figures, claims.json, SUMMARY.md);
# `make validate` runs it with the release binary. The criteria are in claims.yaml (committed first).
#
# Two settings, erf, rank 1, teacher task (B = 10 noisy trials, T = STEPS at dt = 0.1):
#   pitchfork  student overlaps at σ_vu = 0.98 (student-pitchfork.json), teacher at 0.99
#   teacher    Gaussian student (σ_vu ≈ 0), teacher σ_vu = 0.6 (teacher-generic.json)
# For each optimizer: 8 learning rates × 2 held-out seeds (101, 102) pick η (lowest mean
# log10 final loss), then seeds 1..5 at that η. NG: --ntk-rank 1, ε = λ₂.
# Sizes (environment): NEURONS (default 200), STEPS (100), EPOCHS (600).
set -euo pipefail
cd "$(dirname "$0")/../.."
G=${GRAMFLOW:-.build/release/gramflow}
here=validation/natural-gradient
N=${NEURONS:-200}; T=${STEPS:-100}; E=${EPOCHS:-600}
LRS="1e-3 3e-3 1e-2 3e-2 1e-1 3e-1 1 3"
TUNE="101 102"; SEEDS="1 2 3 4 5"
rm -rf "$here/runs"

common() { echo "--task teacher --phi erf --rank 1 --neurons $N --steps $T --dt 0.1 --epochs $E --quiet"; }
setting_flags() {
  case "$1" in
    pitchfork) echo "--teacher $here/teacher-pitchfork.json --overlaps $here/student-pitchfork.json" ;;
    teacher) echo "--teacher $here/teacher-generic.json" ;;
  esac
}
optimizer_flags() {
  case "$1" in
    gd) echo "--optimizer gd" ;;
    adam) echo "--optimizer adam" ;;
    natural) echo "--optimizer natural --ntk-rank 1" ;;
  esac
}

for setting in pitchfork teacher; do
  for opt in gd adam natural; do
    mkdir -p "$here/runs/$setting/$opt"
    for lr in $LRS; do for seed in $TUNE; do
      # shellcheck disable=SC2046
      "$G" simulate $(common) $(setting_flags $setting) $(optimizer_flags $opt) --lr "$lr" --seed "$seed" \
        --out "$here/runs/$setting/$opt/tune-lr$lr-seed$seed" > /dev/null || [ $? -eq 1 ]  # 1: diverged, kept
    done; done
    best=$(python3 "$here/summarize.py" best-lr "$here/runs/$setting/$opt")
    echo "$setting $opt: tuned η = $best"
    for seed in $SEEDS; do
      # shellcheck disable=SC2046
      "$G" simulate $(common) $(setting_flags $setting) $(optimizer_flags $opt) --lr "$best" --seed "$seed" \
        --out "$here/runs/$setting/$opt/eval-seed$seed" > /dev/null || [ $? -eq 1 ]
    done
  done
done

python3 "$here/summarize.py" report "$here" --neurons "$N" --steps "$T" --epochs "$E"
{
  cat "$here/report.md"
  echo
  "$G" claims "$here/claims.yaml"
} > "$here/SUMMARY.md"
cat "$here/SUMMARY.md"

# Issue 13 item 4: the theory's natural gradient against the network's as N grows (its own
# claims.yaml, SUMMARY.md and claims.json in error-vs-n/).
GRAMFLOW="$G" bash "$here/error-vs-n/run.sh"

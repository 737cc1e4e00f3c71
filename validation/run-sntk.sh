#!/usr/bin/env bash
# sNTK near bifurcations (issue 6): the pitchfork collapse sweep.
# Regenerates validation/bifurcation/; `make validate` runs it. Seconds in release.
set -euo pipefail
cd "$(dirname "$0")/.."
G=${GRAMFLOW:-.build/release/gramflow}
out=validation/bifurcation

# Claim (THEORY §9): as μ → 0 the fixed-point sNTK collapses to rank one along w = ∂h/∂μ.
# Measured and held: see $out/report.md (acceptance: alignment > 0.99 at μ = 1e-3).
rm -rf "$out/pitchfork-N300"
"$G" bifurcation --neurons 300 --seed 1 --input 1e-6 --mus 0.3,0.1,0.03,0.01,0.003,0.001 --plot --quiet \
  --out "$out/pitchfork-N300"
cat "$out/pitchfork-N300/report.md"

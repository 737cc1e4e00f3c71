#!/usr/bin/env bash
# Independent check of the symbolic derivations (issue 5): `gramflow derive
# --format sympy` for ranks 1-2, linear and erf, one and two inputs, each
# re-derived with SymPy by validation/sympy_check.py. Writes
# validation/symbolic/SUMMARY.md; exits 1 if any claim fails. `make validate` runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
G=${GRAMFLOW:-.build/release/gramflow}
out=validation/symbolic
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for rank in 1 2; do
  for phi in linear erf; do
    for inputs in 1 2; do
      "$G" derive --rank "$rank" --inputs "$inputs" --outputs 1 --phi "$phi" --format sympy \
        --out "$work/rank$rank-$phi-k$inputs.py"
    done
  done
done
status=0
python3 validation/sympy_check.py --json "$out/sympy.json" "$work"/rank*.py > "$work/SUMMARY.md" || status=$?
# The regression claim (criterion in $out/claims.yaml): no re-derived expression differs.
"$G" claims "$out/claims.yaml" >> "$work/SUMMARY.md" || status=$?
mv "$work/SUMMARY.md" "$out/SUMMARY.md"
cat "$out/SUMMARY.md"
exit "$status"

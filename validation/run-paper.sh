#!/usr/bin/env bash
# The overlap paper's experiments as its public code runs them (issue 15), one folder per figure
# under validation/paper/, each with its criteria in claims.yaml (fixed before the run).
# Regenerates validation/paper/SUMMARY.md; `make validate` runs it. Fig. 1 takes half a minute,
# Fig. 9 (1.2 million theory epochs, ≈ 0.4 ms of CPU each) 7 minutes with one of the two cores
# busy elsewhere, its 50-pair version (6 million) 25 minutes (2252 s of CPU). Fig. 3, 7, 4 and 12 run the paper's full
# lengths; measured wall time on the shared machine (load ≈ 15 on 2 cores, the figures run side by
# side): Fig. 3 and 7 ≈ 20 min each, Fig. 12 ≈ 30 min, Fig. 4 ≈ 60 min (seven erf network runs of
# 2000 epochs at N = 600, one at 1200; 880–1290 s each there, ≈ 110 s of CPU each).
#
#   bash validation/run-paper.sh [fig1] [fig3] [fig4] [fig7] [fig9] [fig9-50] [fig12]
#                                # only those figures (default: all); the summary
#                                # is always rebuilt from every figure's reports
set -euo pipefail
cd "$(dirname "$0")/.."
G=${GRAMFLOW:-.build/release/gramflow}
out=validation/paper
figures=${*:-fig1 fig3 fig4 fig7 fig9 fig9-50 fig12}
wants() { [[ " $figures " == *" $1 "* ]]; }

# loss_curves PNG TITLE [CSV COLUMN-SPEC STYLE TITLE]...: loss curves on a log axis, one per
# (trajectory.csv, gnuplot `using` spec, line style, key title).
loss_curves() {
  local png=$1 title=$2 plots="" sep=""
  shift 2
  while [ $# -ge 4 ]; do
    plots+="$sep'$1' using $2 every ::1 with lines $3 title '$4'"; sep=", "
    shift 4
  done
  gnuplot <<GNUPLOT
set terminal pngcairo size 900,560 enhanced font 'Sans,11'
set datafile separator ','
set key top right
set grid
set logscale y
set xlabel 'epoch'
set ylabel 'loss'
set title '$title' noenhanced
set output '$png'
plot $plots
GNUPLOT
}

# phase_overlaps PNG TITLE FROM MARK NETWORK-CSV [THEORY-CSV]: all overlaps of a `phases` study
# (columns epoch, phase, loss, overlaps) from epoch FROM on, one panel each, the network solid and
# the theory dashed, with a dashed line at each overlap's value at epoch MARK (the paper's Fig. 6/7).
phase_overlaps() {
  local png=$1 title=$2 from=$3 mark=$4 net=$5 theory=${6:-}
  local names; names=$(head -1 "$net" | cut -d, -f4-)
  local count; count=$(awk -F, '{print NF}' <<< "$names")
  local rows=$(( (count + 4) / 5 ))
  {
    echo "set terminal pngcairo size 1500,$(( 300 * rows + 60 )) enhanced font 'Sans,10'"
    echo "set datafile separator ','"
    echo "set output '$png'"
    echo "set multiplot layout $rows,5 title '$title' noenhanced"
    echo "set grid; unset key; set xtics rotate by 30 right"
    for k in $(seq 1 "$count"); do
      local c=$((k + 3)) name; name=$(cut -d, -f"$k" <<< "$names")
      echo "stats '$net' using (\$1 == $mark ? \$$c : NaN) nooutput"
      echo "set title '$name' noenhanced"
      local line="plot '$net' using (\$1 >= $from ? \$1 : NaN):$c with lines lw 2 lc rgb '#6baed6', STATS_max with lines dt 2 lc rgb 'black'"
      [ -n "$theory" ] && line+=", '$theory' using (\$1 >= $from ? \$1 : NaN):$c with lines lw 1 dt 3 lc rgb '#08306b'"
      echo "$line"
    done
    echo "unset multiplot"
  } | gnuplot
}

# study_at TEMPLATE N SEED OUT: the study template with only its `initial` line set to N and SEED.
study_at() {
  local file; file=$(mktemp --suffix=.yaml)
  sed -e "s/^initial: .*/initial: {neurons: $2, seed: $3}/" "$1" > "$file"
  "$G" study "$file" --out "$4" --quiet $([ "$3" = 1 ] && [ "$2" = 500 ] && echo --plot || true)
  rm -f "$file"
}

# aba_runs TEMPLATE DIR: an A-B-A study at N = 500 (seeds 1–3) and the larger N = 1000 (seed 1).
aba_runs() {
  local run n seed
  for run in "500 1" "500 2" "500 3" "1000 1"; do
    read -r n seed <<< "$run"
    study_at "$1" "$n" "$seed" "$2/N$n-seed$seed"
  done
}

# Fig. 1/5: linear rank-1 filter, the paper's conventions (stretched target grid, dt-weighted sum),
# theory (map) and direct descent on the overlaps, each against the network, seeds 1–3.
fig1=$out/fig1-filter
fig9=$out/fig9-twins
fig9x50=$out/fig9-twins-50pairs
if wants fig1; then
for seed in 1 2 3; do
  plot=$([ "$seed" = 1 ] && echo --plot || true)  # figures for seed 1 only
  for update in map direct; do
    "$G" validate --task filter --target-grid stretched --loss dt-sum --rank 1 --neurons 500 --dt 0.05 \
      --steps 400 --lr 5e-3 --epochs 2000 --seed "$seed" --update "$update" $plot --quiet \
      --out "$fig1/$update-seed$seed"
  done
done
# The three loss curves of seed 1 (the paper's Fig. 1): network, theory with the Gram metric, direct.
loss_curves "$fig1/losses.png" 'Fig. 1: filter, N = 500, seed 1: network, overlap theory (Gram metric), direct descent on the overlaps' \
  "$fig1/map-seed1/network/trajectory.csv" 1:2 "lw 6 lc rgb '#9ecae1'" 'network' \
  "$fig1/map-seed1/theory/trajectory.csv" 1:2 "lw 1.5 dt 2 lc rgb '#08306b'" 'overlap theory (map)' \
  "$fig1/direct-seed1/theory/trajectory.csv" 1:2 "lw 2 lc rgb '#d94801'" 'direct: σ ← σ − η ∂L/∂σ'
fi

# Fig. 3/6: A-B-A with GD (linear filter), theory and network, N = 500 seeds 1–3 and N = 1000 seed 1.
fig3=$out/fig3-aba
if wants fig3; then
  aba_runs "$fig3/aba.yaml" "$fig3"
  phase_overlaps "$fig3/overlaps.png" 'Fig. 6: A-B-A with GD, N = 500, seed 1: network (solid), theory (dotted), value at the end of the first A (dashed)' \
    2000 3000 "$fig3/N500-seed1/network/trajectory.csv" "$fig3/N500-seed1/theory/trajectory.csv"
fi

# Fig. 7: A-B-A with Adam (network only), N = 500 seeds 1–3 and N = 1000 seed 1.
fig7=$out/fig7-aba-adam
if wants fig7; then
  aba_runs "$fig7/aba-adam.yaml" "$fig7"
  phase_overlaps "$fig7/overlaps.png" 'Fig. 7: A-B-A with Adam, N = 500, seed 1: network, value at the end of the first A (dashed)' \
    3000 4000 "$fig7/N500-seed1/network/trajectory.csv"
fi

# Fig. 4/8: flip-flop (erf), the paper's conventions; theory (map, own batches) against the network
# at N = 600 (seeds 1–3) and 1200 (seed 1), direct descent (seed 1); Fig. 8: Adam on the network
# and the theory's gradient flow (seed 1).
fig4=$out/fig4-flipflop
flipflop=(--task flipflop --phi erf --rank 1 --dt 0.025 --steps 800 --batch 10 --epochs 2000 --loss masked-mean
          --initialization balanced --pulse-schedule paper --quiet)
if wants fig4; then
  for run in "600 1" "600 2" "600 3" "1200 1"; do
    set -- $run
    plot=$([ "$2" = 1 ] && [ "$1" = 600 ] && echo --plot || true)
    "$G" validate "${flipflop[@]}" --neurons "$1" --seed "$2" --lr 5e-2 --optimizer sgd --theory-batches independent \
      $plot --out "$fig4/map-N$1-seed$2"
    if [ "$1" = 600 ] && [ "$2" = 1 ]; then
      "$G" validate "${flipflop[@]}" --neurons 600 --seed 1 --lr 5e-2 --optimizer sgd \
        --theory-batches independent --update direct --out "$fig4/direct-N600-seed1"
    fi
  done
  "$G" simulate "${flipflop[@]}" --neurons 600 --seed 1 --lr 1e-3 --optimizer adam --out "$fig4/adam-N600-seed1"
  "$G" integrate "${flipflop[@]}" --neurons 600 --seed 1 --lr 5e-2 --optimizer sgd --update flow --tolerance 1e-6 \
    --out "$fig4/flow-seed1"
  loss_curves "$fig4/losses.png" 'Fig. 4b: flip-flop (erf), N = 600, seed 1: network, overlap theory (Gram metric, own batches), direct descent' \
    "$fig4/map-N600-seed1/network/trajectory.csv" 1:2 "lw 4 lc rgb '#9ecae1'" 'network (SGD)' \
    "$fig4/map-N600-seed1/theory/trajectory.csv" 1:2 "lw 1.5 dt 2 lc rgb '#cb181d'" 'overlap theory (map)' \
    "$fig4/direct-N600-seed1/theory/trajectory.csv" 1:2 "lw 1.5 dt 2 lc rgb 'black'" 'direct: σ ← σ − η ∂L/∂σ'
  loss_curves "$fig4/optimizers.png" 'Fig. 8: flip-flop (erf), N = 600, seed 1: optimisers' \
    "$fig4/map-N600-seed1/network/trajectory.csv" 1:2 "lw 2 lc rgb '#2171b5'" 'network, GD (SGD, η = 5e-2)' \
    "$fig4/adam-N600-seed1/trajectory.csv" 1:2 "lw 2 lc rgb '#238b45'" 'network, Adam (lr 1e-3)' \
    "$fig4/flow-seed1/trajectory.csv" 1:2 "lw 2 dt 2 lc rgb '#cb181d'" 'overlaps, gradient flow'
fi

# Fig. 12: rank-2 damped oscillation, theory against network, N = 500 seeds 1–3 and N = 1000 seed 1.
fig12=$out/fig12-oscillation
if wants fig12; then
  for run in "500 1" "500 2" "500 3" "1000 1"; do
    set -- $run
    plot=$([ "$2" = 1 ] && [ "$1" = 500 ] && echo --plot || true)
    "$G" validate --task oscillation --rank 2 --decay 0.3 --frequency 2 --target-grid stretched --loss dt-sum \
      --neurons "$1" --dt 0.05 --steps 400 --lr 5e-3 --epochs 10000 --seed "$2" --record-every 10 $plot --quiet \
      --out "$fig12/N$1-seed$2"
  done
  loss_curves "$fig12/losses.png" 'Fig. 12b: rank-2 damped oscillation, N = 500, seed 1: network and overlap theory' \
    "$fig12/N500-seed1/network/trajectory.csv" 1:2 "lw 6 lc rgb '#9ecae1'" 'network' \
    "$fig12/N500-seed1/theory/trajectory.csv" 1:2 "lw 1.5 dt 2 lc rgb 'black'" 'overlap theory (map)'
fi

# Fig. 9/10: A/B→C twins in overlap space, erf, 10 pairs, 30,000 epochs × batch 128 a phase.
if wants fig9; then
  "$G" study "$fig9/twins.yaml" --out "$fig9/run" --plot --quiet
fi
# The same with 50 pairs, for statistics (pairs 1–10 are those above).
if wants fig9-50; then
  "$G" study "$fig9x50/twins.yaml" --out "$fig9x50/run" --plot --quiet
fi

status=0
{
  echo "# The overlap paper's experiments, as its code runs them"
  echo
  echo "Regenerated by \`make validate\` (validation/run-paper.sh); each figure's criteria are in its \`claims.yaml\`, committed before its first run; verdicts in its \`claims.json\`."
  echo
  echo "## Fig. 1/5: linear filter ($fig1/)"
  echo
  echo "![three loss curves]($(basename "$fig1")/losses.png)"
  echo
  "$G" claims "$fig1/claims.yaml" || status=$?
  echo
  # Each figure: its redrawn figures, its claims (criteria from claims.yaml), then notes.md: what
  # the measurements mean, written after the run (the criteria are not touched).
  figure_section() {  # DIR HEADING IMAGE...
    local dir=$1 heading=$2
    shift 2
    echo "## $heading ($dir/)"
    echo
    if [ ! -f "$dir/claims.json" ] && ! ls "$dir"/*/report.json > /dev/null 2>&1; then
      echo "Not run yet: \`bash validation/run-paper.sh $(basename "$dir" | cut -d- -f1)\`."
      echo
      return
    fi
    for image in "$@"; do echo "![$(basename "$image" .png)]($(basename "$dir")/$image)"; echo; done
    "$G" claims "$dir/claims.yaml" || status=$?
    echo
    if [ -f "$dir/notes.md" ]; then cat "$dir/notes.md"; echo; fi
  }
  figure_section "$fig3" "Fig. 3/6: A-B-A with gradient descent" overlaps.png N500-seed1/network/loss.png
  figure_section "$fig4" "Fig. 4/8: flip-flop (erf) with gradient descent, direct descent, Adam and gradient flow" \
    losses.png map-N600-seed1/outputs.png optimizers.png
  figure_section "$fig7" "Fig. 7: A-B-A with Adam" overlaps.png N500-seed1/network/loss.png
  echo "## Fig. 9/10: A/B→C twins ($fig9/)"
  echo
  if [ -f "$fig9/run/report.json" ]; then
    echo "Full report: [fig9-twins/run/summary.md](fig9-twins/run/summary.md); the differences from the paper's tasks that remain are listed in \`twins.yaml\`."
    echo
    echo "Reading: under the paper's decoder the claims hold, but the visible overlaps do carry the history after C: the noiseless decoders of the full report (leave one pair out, random half splits) read it from them with accuracy 1. The twins' visible overlaps end C 0.22 ± 0.08 apart against 1.30 ± 0.20 for the invisible ones (run/summary.md), and the paper's noise of s.d. 0.3 on the training features hides the smaller separation. So the measured difference is one of degree (5.9× farther apart), not visible overlaps that forget."
    echo
    "$G" claims "$fig9/claims.yaml" || status=$?
  else
    echo "Not run yet: \`bash validation/run-paper.sh fig9\`."
  fi
  echo
  echo "## Fig. 9/10 with 50 pairs, for statistics ($fig9x50/)"
  echo
  if [ -f "$fig9x50/run/report.json" ]; then
    echo "Full report: [fig9-twins-50pairs/run/summary.md](fig9-twins-50pairs/run/summary.md); the protocol of fig9-twins with 50 pairs (the first 10 are those above)."
    echo
    echo "Reading (written after the run; the criteria are those committed before it): with 50 pairs the paper's decoder reads the history from the visible overlaps after C with accuracy 0.658 ± 0.094 over its 50 splits, just above the 0.65 of the criterion, so the claim that the visible overlaps no longer carry the history does not hold at this sample size (the 10-pair run's 0.625 ± 0.16 was within it). The invisible overlaps carry it almost perfectly (0.993 ± 0.018). As with 10 pairs, the noiseless decoders read it from the visible overlaps with accuracy 1, and the visible twins end C 0.25 ± 0.10 apart against 1.21 ± 0.26 for the invisible ones (4.9×): the contrast the paper reports is real but one of degree, and a decoder with less training noise, or more pairs, finds the history in the visible overlaps too."
    echo
    "$G" claims "$fig9x50/claims.yaml" || status=$?
  else
    echo "Not run yet: \`bash validation/run-paper.sh fig9-50\`."
  fi
  echo
  figure_section "$fig12" "Fig. 12: rank-2 damped oscillation" losses.png N500-seed1/outputs.png \
    N500-seed1/overlaps-overlay-visible.png N500-seed1/overlaps-overlay-invisible.png
} > "$out/SUMMARY.md"
cat "$out/SUMMARY.md"
exit "$status"

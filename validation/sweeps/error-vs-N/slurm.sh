#!/bin/bash
# GramFlow sweep "error against N (flip-flop, erf)": 30 points, one Slurm array task per point.
# Submit with `sbatch /tmp/gramflow-sweeps.u6cw0n/slurm/slurm.sh` (add --partition, --time or --account as your cluster needs);
# then `gramflow sweep collect /tmp/gramflow-sweeps.u6cw0n/slurm`. Any task can be rerun alone: sbatch --array=I /tmp/gramflow-sweeps.u6cw0n/slurm/slurm.sh.
# Memory per task: the largest point's estimate by GramFlow (Sources/Studies/Runs/MemoryEstimate.swift).
# Slurm refuses arrays larger than its MaxArraySize (1001 by default): split larger sweeps with --array ranges.
#SBATCH --job-name=gramflow-sweep
#SBATCH --array=1-30%2
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --mem=541M
#SBATCH --output=/tmp/gramflow-sweeps.u6cw0n/slurm/slurm-logs/%A_%a.out
set -eu
GRAMFLOW="${GRAMFLOW:-/work/wt-sweeps/.build/x86_64-unknown-linux-gnu/release/gramflow}"
exec "$GRAMFLOW" sweep point /tmp/gramflow-sweeps.u6cw0n/slurm "$SLURM_ARRAY_TASK_ID"

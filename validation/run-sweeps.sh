#!/usr/bin/env bash
# The three sweep engines on one plan (issue 14): the README's error-against-N sweep file
# (examples/sweeps/error-vs-N.yaml, 30 points) run by `gramflow sweep run`, by GNU parallel
# on jobs.txt, and as a Slurm job array (slurm.sh) on a single-node cluster started here;
# the three sweep.csv must be identical byte for byte. `make validate` runs it (not `make test`).
# Needs root or sudo the first time: installs parallel, slurm-wlm and munge from Debian if missing.
# About 25 minutes on 2 cores (3 × the sweep). SWEEP=FILE runs another sweep file.
set -euo pipefail
cd "$(dirname "$0")/.."
G=$(readlink -f "${GRAMFLOW:-.build/release/gramflow}")
SWEEP=${SWEEP:-examples/sweeps/error-vs-N.yaml}
out=validation/sweeps
JOBS=${JOBS:-2}
mkdir -p "$out"
sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo

missing=""
for p in parallel slurm-wlm munge; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
fi

work=$(mktemp -d /tmp/gramflow-sweeps.XXXXXX)
slurm=$work/cluster
mkdir -p "$slurm/state" "$slurm/spool"
cleanup() {
  for f in "$slurm/slurmd.pid" "$slurm/slurmctld.pid"; do
    [ -f "$f" ] && $sudo kill "$(cat "$f")" 2>/dev/null || true
  done
  sleep 1
  [ -n "${munge_started:-}" ] && $sudo kill "$(cat /run/munge/munged.pid 2>/dev/null)" 2>/dev/null || true
}
trap cleanup EXIT

# 1. Three plans of the same file (one folder per engine).
for engine in local parallel slurm; do
  "$G" sweep plan "$SWEEP" --out "$work/$engine" --slurm-limit 2
done

# 2. Here, J points at a time.
start=$(date +%s)
"$G" sweep run "$work/local" --jobs "$JOBS" --quiet
local_s=$(( $(date +%s) - start ))

# 3. GNU parallel on jobs.txt.
start=$(date +%s)
parallel --will-cite -j "$JOBS" < "$work/parallel/jobs.txt" > "$work/parallel.log"
parallel_s=$(( $(date +%s) - start ))

# 4. Slurm: munge, then slurmctld and slurmd on this machine with a minimal slurm.conf.
if ! pgrep -x munged >/dev/null; then
  [ -f /etc/munge/munge.key ] || $sudo mungekey --create --keyfile /etc/munge/munge.key
  $sudo mkdir -p /run/munge /var/log/munge /var/lib/munge
  $sudo chown munge:munge /etc/munge/munge.key /run/munge /var/log/munge /var/lib/munge
  $sudo chmod 0400 /etc/munge/munge.key
  if [ -z "$sudo" ]; then runuser -u munge -- /usr/sbin/munged; else sudo -u munge /usr/sbin/munged; fi
  munge_started=1
fi
node=$(slurmd -C | head -1)          # NodeName=… CPUs=… RealMemory=… as slurmd sees this machine
host=$(hostname -s)
cat > "$slurm/slurm.conf" <<CONF
ClusterName=gramflow-validation
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$slurm/state
SlurmdSpoolDir=$slurm/spool
SlurmctldPidFile=$slurm/slurmctld.pid
SlurmdPidFile=$slurm/slurmd.pid
SlurmctldLogFile=$slurm/slurmctld.log
SlurmdLogFile=$slurm/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MpiDefault=none
$node State=UNKNOWN
PartitionName=validation Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$slurm/slurm.conf
$sudo env SLURM_CONF="$SLURM_CONF" slurmctld
$sudo env SLURM_CONF="$SLURM_CONF" slurmd
for _ in $(seq 60); do sinfo -h -o %T 2>/dev/null | grep -q idle && break; sleep 1; done
sinfo
start=$(date +%s)
sbatch --wait --parsable "$work/slurm/slurm.sh" > "$work/slurm-job.txt"
slurm_s=$(( $(date +%s) - start ))
job=$(cat "$work/slurm-job.txt")
sacct_line=$(scontrol show job "$job" 2>/dev/null | grep -m1 -o 'ArrayTaskId=[^ ]*' || true)

# 5. Collect each, compare.
for engine in local parallel slurm; do "$G" sweep collect "$work/$engine" --plot > "$work/collect-$engine.txt"; done
status=held
for engine in parallel slurm; do
  cmp "$work/local/results/sweep.csv" "$work/$engine/results/sweep.csv" || status="NOT held ($engine differs)"
  cmp "$work/local/results/fits.csv" "$work/$engine/results/fits.csv" || status="NOT held ($engine fits differ)"
done
name=$(basename "$SWEEP" .yaml)
rm -rf "${out:?}/$name"
cp -r "$work/local/results" "$out/$name"
rm -f "$out/$name/.gramflow-output"   # the folder also holds the script's own files
cp "$work/slurm/slurm.sh" "$out/$name/slurm.sh"
cp "$slurm/slurm.conf" "$out/slurm.conf"
points=$(($(wc -l < "$work/local/results/sweep.csv") - 1))
logs=$(ls "$work/slurm/slurm-logs" | wc -l)
cat > "$out/$name/run.txt" <<TXT
sweep file: $SWEEP ($points points)
engines on $(nproc) cores, $JOBS at a time: sweep run ${local_s} s, GNU parallel ${parallel_s} s, Slurm job array ${slurm_s} s (job $job, $logs task logs)
slurm: $(sbatch --version), single node: $node
sweep.csv and fits.csv of GNU parallel and Slurm against sweep run: $status
sha256 of sweep.csv: local $(sha256sum < "$work/local/results/sweep.csv" | cut -c1-16), parallel $(sha256sum < "$work/parallel/results/sweep.csv" | cut -c1-16), slurm $(sha256sum < "$work/slurm/results/sweep.csv" | cut -c1-16)
$(cat "$work/collect-slurm.txt")
TXT
cat "$out/$name/run.txt"
# The numbers claims.yaml reads.
python3 - "$work" "$out/$name/engines.json" <<'PY'
import csv, json, sys, filecmp
work, target = sys.argv[1], sys.argv[2]
same = lambda engine, f: int(filecmp.cmp(f"{work}/local/results/{f}", f"{work}/{engine}/results/{f}", shallow=False))
rows = list(csv.DictReader(open(f"{work}/slurm/results/sweep.csv")))
fits = [r for r in csv.DictReader(open(f"{work}/local/results/fits.csv")) if r["metric"] == "maxOverlapDeviation"]
json.dump({"points": len(rows), "parallelIdentical": same("parallel", "sweep.csv"), "slurmIdentical": same("slurm", "sweep.csv"),
           "fitsIdentical": same("parallel", "fits.csv") * same("slurm", "fits.csv"),
           "slurmCompleted": sum(r["status"] == "completed" for r in rows),
           "overlapExponentMean": float(fits[0]["exponent_mean"]), "overlapExponentSd": float(fits[0]["exponent_sd"])},
          open(target, "w"), indent=2)
PY
cleanup; trap - EXIT
rm -rf "$work"
[ "$SWEEP" != examples/sweeps/error-vs-N.yaml ] || "$G" claims "$out/claims.yaml"
[ "$status" = held ]

/// DIR/slurm.sh: an sbatch job array with one task per point. Task I runs
/// `gramflow sweep point DIR I` (I = SLURM_ARRAY_TASK_ID); at most `limit` run at
/// once (`--array=1-P%limit`); each asks for one CPU and the memory of the largest
/// point by GramFlow's own `MemoryEstimate` (at least 100 MiB). Logs go to
/// DIR/slurm-logs/. Partition, time limit and account are the cluster's: pass
/// them to sbatch (`sbatch --partition=short --time=1:00:00 DIR/slurm.sh`).
struct SlurmScript {
    let plan: SweepPlan
    let sweep: String
    let executable: String
    let limit: Int

    /// Memory asked per task in MiB: the estimate rounded up (Slurm's --mem unit), at least 100.
    var megabytes: Int {
        guard let bytes = plan.memoryPerPoint else { return 100 }
        return max(100, (bytes + (1 << 20) - 1) >> 20)
    }

    var text: String {
        """
        #!/bin/bash
        # GramFlow sweep "\(plan.title)": \(plan.points.count) points, one Slurm array task per point.
        # Submit with `sbatch \(shellQuoted(sweep))/slurm.sh` (add --partition, --time or --account as your cluster needs);
        # then `gramflow sweep collect \(shellQuoted(sweep))`. Any task can be rerun alone: sbatch --array=I \(shellQuoted(sweep))/slurm.sh.
        # Memory per task: the largest point's estimate by GramFlow (Sources/Studies/Runs/MemoryEstimate.swift).
        # Slurm refuses arrays larger than its MaxArraySize (1001 by default): split larger sweeps with --array ranges.
        #SBATCH --job-name=gramflow-sweep
        #SBATCH --array=1-\(plan.points.count)%\(limit)
        #SBATCH --ntasks=1
        #SBATCH --cpus-per-task=1
        #SBATCH --mem=\(megabytes)M
        #SBATCH --output=\(sweep)/slurm-logs/%A_%a.out
        set -eu
        GRAMFLOW="${GRAMFLOW:-\(executable)}"
        exec "$GRAMFLOW" sweep point \(shellQuoted(sweep)) "$SLURM_ARRAY_TASK_ID"

        """
    }
}

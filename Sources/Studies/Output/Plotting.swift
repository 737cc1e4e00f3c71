import Foundation
import GramFlowCore
import OverlapTheory

/// Figures drawn by gnuplot (Debian `gnuplot-nox`, terminal `pngcairo`) from the CSVs a run writes.
public enum Plotting {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// loss.png, overlaps-visible.png and overlaps-invisible.png for a trajectory.csv in `folder`.
    public static func plotRun(in folder: URL, layout: VectorLayout, visibility: Visibility, title: String) throws {
        try run(trajectoryScript(layout: layout, visibility: visibility, title: title, lossColumn: 2, marks: []), in: folder)
    }

    /// The same figures for a study's trajectory.csv (columns epoch, phase, loss, overlaps),
    /// with a dashed vertical line at each phase boundary `boundaries` (epochs) and each
    /// phase's label (A, B, …) written at the top of its span, `labels` = (start, end, text).
    public static func plotPhases(in folder: URL, layout: VectorLayout, visibility: Visibility, boundaries: [Int],
                                  labels: [(start: Int, end: Int, text: String)] = [], title: String) throws {
        var script = ""
        for (k, label) in labels.enumerated() {
            let middle = Double(label.start + label.end) / 2
            script += "set label \(100 + k) '\(label.text.replacingOccurrences(of: "'", with: ""))' at \(middle), graph 0.96 center front noenhanced\n"
        }
        try run(script + trajectoryScript(layout: layout, visibility: visibility, title: title, lossColumn: 3, marks: boundaries), in: folder)
    }

    /// Labels for consecutive phases from their lengths in epochs.
    public static func phaseLabels(lengths: [Int], texts: [String]) -> [(start: Int, end: Int, text: String)] {
        var start = 0
        return zip(lengths, texts).map { length, text in
            defer { start += length }
            return (start, start + length, text)
        }
    }

    /// Loss in column `lossColumn`, the overlaps in the columns after it.
    private static func trajectoryScript(layout: VectorLayout, visibility: Visibility, title: String, lossColumn: Int,
                                         marks: [Int]) -> String {
        var script = header(title: title)
        for (k, epoch) in marks.enumerated() {
            script += "set arrow \(k + 1) from \(epoch), graph 0 to \(epoch), graph 1 nohead dashtype 2 lc rgb 'gray40'\n"
        }
        script += "set output 'loss.png'\nset logscale y\nset ylabel 'loss'\n"
        script += "plot 'trajectory.csv' using 1:\(lossColumn) with lines lw 2 title 'loss'\nunset logscale y\n"
        for (visible, file) in [(true, "overlaps-visible.png"), (false, "overlaps-invisible.png")] {
            let columns = visibility.isVisible.indices.filter { visibility.isVisible[$0] == visible }
            guard !columns.isEmpty else { continue }
            script += "set output '\(file)'\nset ylabel '\(visible ? "loss-visible" : "loss-invisible") overlaps'\n"
            script += "plot " + columns.map { "'trajectory.csv' using 1:\($0 + lossColumn + 1) with lines lw 2 title '\(layout.overlapNames[$0])'" }
                .joined(separator: ", \\\n     ") + "\n"
        }
        return script
    }

    /// `output`: the given columns of `csv` against its first column, log scale; zeros
    /// (exact agreement, e.g. at epoch 0) are left out, so the axis starts at the first
    /// non-zero value.
    public static func plotColumns(in folder: URL, csv: String, output: String, ylabel: String,
                                   columns: [(Int, String)], title: String) throws {
        var script = header(title: title)
        script += "set output '\(output)'\nset logscale y\nset ylabel '\(ylabel)'\nset format y '10^{%L}'\n"
        script += "plot " + columns.map { "'\(csv)' using 1:($\($0.0) > 0 ? $\($0.0) : 1/0) with lines lw 2 title '\($0.1)'" }
            .joined(separator: ", \\\n     ") + "\n"
        try run(script, in: folder)
    }

    /// deviation.png: the largest |S_theory − S_network| and |ΔL| per epoch, log scale.
    public static func plotDeviation(in folder: URL, title: String) throws {
        try plotColumns(in: folder, csv: "deviation.csv", output: "deviation.png", ylabel: "|theory − network|",
                        columns: [(2, "max over overlaps"), (3, "loss")], title: title)
    }

    /// sweep.png: each collected metric of sweep.csv (`columns`, 1-based) against the fitted
    /// axis (column `x`), log-log, every point drawn (seeds and other axes as the spread).
    public static func plotSweep(in folder: URL, x: Int, xLabel: String, columns: [(Int, String)], title: String) throws {
        var script = header(title: title)
        script += "set output 'sweep.png'\nset logscale xy\nset format y '10^{%L}'\nset xlabel '\(xLabel)'\nset ylabel 'value'\n"
        script += "plot " + columns.map { "'sweep.csv' using ($\(x)):($\($0.0) > 0 ? $\($0.0) : 1/0) every ::1 with points pt 7 title '\($0.1)'" }
            .joined(separator: ", \\\n     ") + "\n"
        try run(script, in: folder)
    }

    /// scaling.png: deviation against N, log-log, one curve per learning rate with the
    /// sd over seeds as error bars; learning-rate.png when several rates were swept.
    public static func plotScaling(in folder: URL, learningRates: [Double], title: String) throws {
        var script = header(title: title)
        script += "set output 'scaling.png'\nset logscale xy\nset format y '10^{%L}'\nset xlabel 'N'\nset ylabel 'max |theory − network|'\n"
        script += "plot " + learningRates.flatMap { eta in [
            "'scaling.csv' using ($1 == \(eta) ? $2 : 1/0):3:4 with yerrorlines lw 2 title 'overlaps, η = \(eta)'",
            "'scaling.csv' using ($1 == \(eta) ? $2 : 1/0):5:6 with yerrorlines lw 2 title 'loss, η = \(eta)'",
        ] }.joined(separator: ", \\\n     ") + "\n"
        if learningRates.count > 1 {
            script += "set output 'learning-rate.png'\nset xlabel 'η'\n"
            script += "plot 'scaling.csv' using 1:3:4 with yerrorbars lw 2 title 'overlaps (all N)'\n"
        }
        try run(script, in: folder)
    }

    /// collapse.png: effective rank and 1 − alignment against μ (log-log) from sweep.csv.
    public static func plotCollapse(in folder: URL, title: String) throws {
        var script = header(title: title)
        script += "set output 'collapse.png'\nset logscale xy\nset xlabel 'distance to the pitchfork μ'\nset ylabel 'value'\nset format y '10^{%L}'\n"
        script += "plot 'sweep.csv' using 1:($5 - 1) with linespoints lw 2 title 'participation ratio − 1', "
        script += "'sweep.csv' using 1:(1 - $7) with linespoints lw 2 title '1 − |<e_1, w>|', "
        script += "'sweep.csv' using 1:($2 / $3) with linespoints lw 2 title 'λ_1 / λ_2'\n"
        try run(script, in: folder)
    }

    /// optimizers.png: loss per epoch of GD and of the natural gradient from optimizers.csv.
    public static func plotOptimizers(in folder: URL, title: String) throws {
        var script = header(title: title)
        script += "set output 'optimizers.png'\nset logscale y\nset ylabel 'loss'\nset format y '10^{%L}'\n"
        script += "plot 'optimizers.csv' using 1:2 with lines lw 2 title 'GD', 'optimizers.csv' using 1:3 with lines lw 2 title 'low-rank natural gradient'\n"
        try run(script, in: folder)
    }

    /// student-teacher.png: latent eigenvalue at κ = 0 and participation ratio per epoch.
    public static func plotStudentTeacher(in folder: URL, title: String) throws {
        var script = header(title: title)
        script += "set output 'student-teacher.png'\nset ylabel 'latent eigenvalue λ_0'\nset y2label 'participation ratio of Θ_∞'\nset logscale y2\nset y2tics\n"
        script += "plot 'student-teacher.csv' using 1:4 axes x1y1 with lines lw 2 title 'λ_0 (crossing at 0)', 'student-teacher.csv' using 1:5 axes x1y2 with lines lw 2 title 'participation ratio'\n"
        try run(script, in: folder)
    }

    /// spectrum.png (top eigenvalues per KPFlow operator, log scale) and explained.png
    /// (cumulative explained variance Σ_{i≤j} λ_i / tr, as in the KPFlow poster's Fig. 4)
    /// from curves.csv, whose columns are mode, then <op>_value, <op>_explained per operator.
    public static func plotKPFlow(in folder: URL, operators: [String], title: String) throws {
        var script = header(title: title)
        script += "set xlabel 'mode j'\nset output 'spectrum.png'\nset logscale y\nset format y '10^{%L}'\nset ylabel 'eigenvalue (σ for P)'\n"
        script += "plot " + operators.enumerated().map { "'curves.csv' using 1:\(2 + 2 * $0.offset) with linespoints lw 2 title '\($0.element)'" }
            .joined(separator: ", \\\n     ") + "\n"
        script += "set output 'explained.png'\nunset logscale y\nset format y '%g'\nset yrange [0:1.02]\nset ylabel 'cumulative explained variance'\n"
        script += "plot " + operators.enumerated().map { "'curves.csv' using 1:\(3 + 2 * $0.offset) with linespoints lw 2 title '\($0.element)'" }
            .joined(separator: ", \\\n     ") + ", 0.95 with lines dt 2 lc rgb 'gray' title '95 %'\n"
        try run(script, in: folder)
    }

    /// scan.png: the leading real part of Df(κ*) and κ*_1 along the path from branch.csv,
    /// with the zero line: a crossing is where the real part passes it.
    public static func plotScan(in folder: URL, rank: Int, xlabel: String, title: String) throws {
        var script = header(title: title)
        script += "set output 'scan.png'\nset xlabel '\(xlabel.replacingOccurrences(of: "'", with: ""))' noenhanced\nset ylabel 'leading Re λ of Df(κ*)'\nset y2label 'κ*_1'\nset y2tics\n"
        script += "plot 'branch.csv' using 1:\(rank + 2) axes x1y1 with lines lw 2 title 'Re λ', "
        script += "'branch.csv' using 1:2 axes x1y2 with lines lw 2 dt 2 title 'κ*_1', 0 axes x1y1 with lines lc rgb 'gray' notitle\n"
        try run(script, in: folder)
    }

    static func header(title: String) -> String {
        """
        set terminal pngcairo size 900,560 enhanced font 'Sans,11'
        set datafile separator ','
        set key outside right
        set grid
        set xlabel 'epoch'
        set title '\(title.replacingOccurrences(of: "'", with: ""))' noenhanced

        """
    }

    /// How long gnuplot may take for one script before it is stopped: 120 s, or
    /// the environment variable GRAMFLOW_PLOT_TIMEOUT (seconds).
    static var timeout: TimeInterval {
        ProcessInfo.processInfo.environment["GRAMFLOW_PLOT_TIMEOUT"].flatMap(TimeInterval.init).flatMap { $0 > 0 ? $0 : nil } ?? 120
    }

    /// Runs gnuplot on `script` in `folder`. A missing gnuplot, a gnuplot that fails
    /// or one that takes longer than `timeout` throws `Failure` with the fix; the
    /// caller keeps the data files. SIGPIPE is ignored (`Interruption`), so a gnuplot
    /// that exits early is a write error here, not the death of the run.
    static func run(_ script: String, in folder: URL) throws {
        Interruption.shared.install()
        guard let gnuplot = executable("gnuplot") else {
            throw Failure(description: "gnuplot is not installed, so no figures were drawn; install it with `make deps` or `apt-get install gnuplot-nox`, or run without --plot")
        }
        let process = Process()
        process.executableURL = gnuplot
        process.currentDirectoryURL = folder
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do { try process.run() } catch {
            throw Failure(description: "could not start gnuplot (\(error)); install it with `make deps` or `apt-get install gnuplot-nox`")
        }
        // Read its messages on another thread, so a chatty gnuplot cannot block on a full pipe.
        let collected = Collected()
        let reader = Thread { collected.data = errors.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let written = Result { try input.fileHandleForWriting.write(contentsOf: Data(script.utf8)) }
        try? input.fileHandleForWriting.close()
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            if exited.wait(timeout: .now() + 5) == .timedOut { kill(process.processIdentifier, SIGKILL); exited.wait() }
            throw Failure(description: "gnuplot did not finish within \(Int(timeout)) s and was stopped; the CSV files are complete, plot them yourself or rerun with --plot")
        }
        while !reader.isFinished { usleep(1000) }
        let message = String(decoding: collected.data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw Failure(description: "gnuplot failed (status \(process.terminationStatus)): \(message.isEmpty ? "no message" : message)")
        }
        if case .failure(let error) = written {
            throw Failure(description: "could not send the script to gnuplot (\(error))")
        }
    }

    /// The first executable `name` on PATH.
    private static func executable(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    private final class Collected: @unchecked Sendable { var data = Data() }
}

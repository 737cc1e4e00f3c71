import Foundation
import GramFlowNumerics
import NetworkSimulation
import NumPyFiles

/// The files of a KPFlow spectral analysis (`gramflow kpflow`): tables, NumPy arrays
/// and the summary lines, from the spectra of `RecurrentOperators.spectra`.
public enum KPFlowReport {
    /// spectrum.csv: one row per (operator, mode): value, relative residual, cumulative explained variance.
    public static func spectrumCSV(_ spectra: [OperatorSpectrum]) -> String {
        var s = "operator,mode,value,relative_residual,explained\n"
        for sp in spectra {
            for j in sp.values.indices {
                s += "\(sp.kind.rawValue),\(j + 1),\(sp.values[j]),\(sp.relativeResiduals[j]),\(sp.summary.explained[j])\n"
            }
        }
        return s
    }

    /// effective-rank.csv: one row per operator.
    public static func rankCSV(_ spectra: [OperatorSpectrum]) -> String {
        var s = "operator,trace,trace_of_square,exact_traces,participation_ratio,modes95,max_relative_residual,seconds\n"
        for sp in spectra {
            let m = sp.summary
            s += "\(sp.kind.rawValue),\(m.trace),\(m.traceOfSquare),\(m.exactTraces),\(m.participationRatio),"
            s += "\(m.modes95.map(String.init) ?? ""),\(sp.relativeResiduals.max() ?? 0),\(sp.seconds)\n"
        }
        return s
    }

    /// curves.csv for the figures: mode, then per operator its value and its explained fraction
    /// (empty where an operator has fewer modes), columns named <op>_value, <op>_explained.
    public static func curvesCSV(_ spectra: [OperatorSpectrum]) -> String {
        var s = "mode," + spectra.map { "\($0.kind.rawValue)_value,\($0.kind.rawValue)_explained" }.joined(separator: ",") + "\n"
        let rows = spectra.map(\.values.count).max() ?? 0
        for j in 0..<rows {
            s += "\(j + 1)," + spectra.map { sp in
                j < sp.values.count ? "\(sp.values[j]),\(sp.summary.explained[j])" : ","
            }.joined(separator: ",") + "\n"
        }
        return s
    }

    /// Arrays for NumPy: <op>_values, <op>_relative_residuals, <op>_explained (k), and
    /// <op>_eigenfunctions (modes, batch, time, neuron) where eigenfunctions were kept.
    public static func arrays(_ spectra: [OperatorSpectrum], trials B: Int, steps T: Int, neurons N: Int)
        -> [(name: String, array: NumPyArray)] {
        var out: [(name: String, array: NumPyArray)] = []
        for sp in spectra {
            let name = sp.kind.rawValue.replacingOccurrences(of: "-", with: "_")
            out.append(("\(name)_values", NumPyArray(shape: [sp.values.count], values: sp.values)))
            out.append(("\(name)_relative_residuals", NumPyArray(shape: [sp.values.count], values: sp.relativeResiduals)))
            out.append(("\(name)_explained", NumPyArray(shape: [sp.values.count], values: sp.summary.explained)))
            if !sp.eigenfunctions.isEmpty {
                out.append(("\(name)_eigenfunctions", NumPyArray(shape: [sp.eigenfunctions.count, B, T, N],
                                                                values: sp.eigenfunctions.flatMap { $0 })))
            }
        }
        return out
    }

    /// One line per operator: top values, residuals, PR, modes95.
    public static func lines(_ spectra: [OperatorSpectrum]) -> [String] {
        spectra.map { sp in
            let name = sp.kind == .propagation ? "P (σ)" : sp.kind.rawValue
            let top = sp.values.prefix(3).map { String(format: "%.4g", $0) }.joined(separator: ", ")
            let m = sp.summary
            return "\(name): top \(top)…  max rel. residual \(String(format: "%.1e", sp.relativeResiduals.max() ?? 0)), "
                + "PR \(String(format: "%.3g", m.participationRatio)), modes95 \(m.modes95.map(String.init) ?? "> \(sp.values.count)")"
                + "\(m.exactTraces ? "" : " (Hutch++ traces)"), \(String(format: "%.2f", sp.seconds)) s"
        }
    }
}

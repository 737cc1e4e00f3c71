/// The version written into every output (run.json, reports, the output marker).
public enum GramFlowVersion { public static let current = "0.2.0" }

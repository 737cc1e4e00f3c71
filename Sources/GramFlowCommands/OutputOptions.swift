import ArgumentParser
import Studies

/// Where a command writes and how much it says: declared once, used by every command that writes a folder.
struct OutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Output folder. An existing one is replaced only if GramFlow wrote it and it holds nothing else (README: Safety).",
                               valueName: "dir"))
    var out: String?
    @Flag(help: "Draw PNG figures with gnuplot.")
    var plot = false
    @Flag(help: "No progress on standard error.")
    var quiet = false

    /// The output path (`--out`, or the command's default), checked before any work (exit 64 on a bad path).
    func checked(default name: String) throws -> String {
        let path = out ?? name
        do { try OutputFolder.check(path) } catch { throw ValidationError(usageMessage(error)) }
        return path
    }
}

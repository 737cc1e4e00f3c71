import ArgumentParser
import Foundation
import GramFlowCore
import Studies
import Symbolic

/// `gramflow derive`: the overlap equations of one case, written out exactly.
struct DeriveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "derive",
        abstract: "Write out the overlap equations symbolically: reduced dynamics, visible overlaps, flow, exact map, Ḡ, invariants.",
        discussion: "Prints to standard output, or writes --out FILE (replaced whole, never half-written). D = K + 2R + O may be at most \(DeriveCommand.largestDimension): the invariants grow as D⁴ terms.")

    @OptionGroup var model: ModelOptions
    @Option(parsing: .unconditional, help: "Number K of inputs (≥ 1).")
    var inputs: Int = 1
    @Option(parsing: .unconditional, help: "Number O of outputs (≥ 1).")
    var outputs: Int = 1
    @Option(help: "Output format: markdown, latex, json or sympy.")
    var format: DerivationFormat = .markdown
    @Option(help: ArgumentHelp("Write the document to this file instead of standard output.", valueName: "file"))
    var out: String?

    /// The largest D = K + 2R + O accepted: tr(M⁴) grows as D⁴ terms and its rate
    /// further; at D = 16 the JSON output takes 4 s and 60 MB, at D = 24 minutes.
    static let largestDimension = 16

    func validate() throws {
        for (name, value) in [("rank", model.rank), ("inputs", inputs), ("outputs", outputs)] {
            guard value >= 1 else { throw ValidationError("--\(name): must be at least 1 (got \(value))") }
        }
        let dimension = inputs + 2 * model.rank + outputs
        guard dimension <= DeriveCommand.largestDimension else {
            throw ValidationError("--rank: D = K + 2R + O = \(dimension) exceeds \(DeriveCommand.largestDimension); "
                + "lower --rank, --inputs or --outputs (the invariants grow as D⁴ terms)")
        }
        if let out {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: out, isDirectory: &isFolder), isFolder.boolValue {
                throw ValidationError("--out: \(out) is a folder; give the path of a file to write (inside it, for example)")
            }
            // The file is replaced by renaming a new one onto it: never onto a device, pipe or socket.
            if let type = (try? FileManager.default.attributesOfItem(atPath: out))?[.type] as? FileAttributeType,
               type != .typeRegular && type != .typeSymbolicLink {
                throw ValidationError("--out: \(out) is not a regular file; give the path of a file, or omit --out to print")
            }
            let parent = URL(fileURLWithPath: out).deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: parent, isDirectory: &isFolder), isFolder.boolValue else {
                throw ValidationError("--out: the parent folder \(parent) does not exist; create it first")
            }
            guard FileManager.default.isWritableFile(atPath: parent) else {
                throw ValidationError("--out: cannot write in \(parent); choose another file")
            }
        }
    }

    func run() throws {
        let text = Derivation(inputs: inputs, rank: model.rank, outputs: outputs, nonlinearity: model.phi).rendered(as: format)
        guard let out else { print(text, terminator: ""); return }
        do {
            // .atomic writes a temporary file beside the target and renames it into place.
            try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
        } catch {
            printError("error: " + FileErrors.message(error, path: out))
            throw ExitCode.failure
        }
    }
}

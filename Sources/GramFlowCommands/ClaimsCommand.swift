import ArgumentParser
import Foundation
import Studies

/// `gramflow claims FILE`: a validation's claims checked against its reports.
struct ClaimsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claims",
        abstract: "Check a validation's claims (claims.yaml) against its reports; write claims.json; exit 1 if a regression claim fails.",
        discussion: "Each claim reads one number from a JSON report in the claims file's folder and holds it to a criterion written before the run. A `regression` claim that does not hold (an exactness the code promises) exits 1; a `finding` is reported whichever way it falls. Prints the claims as a Markdown table and writes claims.json beside the claims file (replacing only a claims.json GramFlow wrote).")

    @Argument(help: ArgumentHelp("The claims file (YAML).", valueName: "file"))
    var file: String

    func run() throws {
        let claimsFile: ClaimsFile
        do { claimsFile = try ClaimsFile.load(file) } catch { throw ValidationError("\(error)") }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        let claims: [Claim]
        do { claims = try claimsFile.evaluate(in: folder) } catch {
            printError("error: \(error)")
            throw ExitCode.failure
        }
        let destination = folder.appendingPathComponent("claims.json")
        if let existing = FileManager.default.contents(atPath: destination.path),
           (try? JSONDecoder().decode(ClaimsRecord.self, from: existing))?.tool != "gramflow" {
            printError("error: \(destination.path) exists and was not written by GramFlow; move it away")
            throw ExitCode.failure
        }
        try AtomicFile.write(Data(ClaimsRecord(title: claimsFile.title, claims: claims).json.utf8), to: destination)
        print("## \(claimsFile.title)\n\n" + ClaimsFile.markdown(claims), terminator: "")
        let failed = claims.filter { $0.kind == .regression && !$0.held }
        guard failed.isEmpty else {
            for claim in failed { printError("error: regression: '\(claim.claim)' did not hold (\(claim.measured), criterion \(claim.criterion))") }
            throw ExitCode.failure
        }
    }
}

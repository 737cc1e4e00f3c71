#if canImport(Glibc)
@preconcurrency import Glibc  // for `stdout`; only this file touches it, once, at exit
#endif

/// nil if everything printed reached standard output; otherwise the errno of the failed
/// write, or 0 when it is no longer known. `fflush` writes the rest now; `ferror` tells an
/// earlier write failed (glibc then dropped that buffer, so `fflush` alone would succeed).
func standardOutputFailure() -> Int32? {
    guard fflush(stdout) == 0 else { return errno }
    return ferror(stdout) != 0 ? 0 : nil
}

/// Keeps large freed blocks in the process for reuse instead of handing them back to the
/// kernel: glibc serves blocks above its mmap threshold (dynamic, at most 32 MiB) with a fresh
/// mmap, so every new tensor of a matrix-free solver pays its page faults and zeroing again.
/// Raising the mmap threshold to 256 MiB and the trim threshold to 1 GiB lets the B·T·N tensors
/// of successive operator products reuse the same pages. Called by the commands whose loops
/// allocate such tensors per product (`kpflow`, `--track-ntk-every`, the natural gradient); measured on the acceptance size
/// (N = 1000, B = 20, T = 90, top-10 of Θ): system time 1.3 s → 0.08 s, user unchanged.
///
/// `enableForEpochs`, milder, is for every command (gramflow and epoch-timer call it first): a
/// fresh batch every epoch allocates and frees the same few hundred kB arrays thousands of times,
/// which with glibc's defaults (over 128 kB mapped one by one, a free heap top over 128 kB given
/// back) cost 10% of the CPU of a twins study (Fig. 9, B = 128, T = 400; sys 0.83 s → 0.02 s
/// of 8.8 s, whole process, paired runs). Blocks up to 4 MiB then come from the heap and up to
/// 16 MiB of freed heap is kept, which bounds what the process holds beyond its live arrays.
public enum LargeBlockReuse {
    public static func enable() { set(mmapThreshold: 256 << 20, trimThreshold: 1 << 30) }

    public static func enableForEpochs() { set(mmapThreshold: 4 << 20, trimThreshold: 16 << 20) }

    private static func set(mmapThreshold: Int32, trimThreshold: Int32) {
        // <malloc.h>: M_TRIM_THRESHOLD = −1, M_MMAP_THRESHOLD = −3 (glibc; not in Swift's Glibc module).
        _ = glibcMallopt(-3, mmapThreshold)
        _ = glibcMallopt(-1, trimThreshold)
    }
}

/// int mallopt(int param, int value), glibc.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32

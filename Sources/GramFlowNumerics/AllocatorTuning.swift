#if canImport(Glibc)
/// glibc's `int mallopt(int param, int value)` (<malloc.h>, which the Glibc module does not export).
@_silgen_name("mallopt") private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
/// <malloc.h>'s parameter numbers (part of glibc's ABI).
private let M_TRIM_THRESHOLD: Int32 = -1, M_MMAP_THRESHOLD: Int32 = -3
#endif

/// glibc's allocator settings for a process that trains: a fresh batch every epoch allocates and
/// frees the same few hundred kB arrays thousands of times, and with glibc's defaults (blocks over
/// 128 kB mapped and unmapped one by one, the heap's free top given back past 128 kB) each epoch
/// pays page faults and zeroing for them: 10% of the CPU of a twins study (Fig. 9, B = 128,
/// T = 400; whole process, paired runs). Blocks up to 4 MiB now come from the heap and up to
/// 16 MiB of freed heap is kept for reuse, which bounds what the process holds beyond its live
/// arrays; larger arrays are still mapped and returned at once. Call once, before any work.
public func tuneAllocatorForEpochs() {
    #if canImport(Glibc)
    _ = mallopt(M_MMAP_THRESHOLD, 4 << 20)
    _ = mallopt(M_TRIM_THRESHOLD, 16 << 20)
    #endif
}

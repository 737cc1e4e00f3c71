#if canImport(Glibc)
import Glibc
#endif

/// Where the dynamic loader binds a C symbol in this process: the path of the
/// mapped file whose address range holds the symbol's address, or nil. Used to
/// prove that `cblas_dgemm` comes from OpenBLAS and not from GSL's reference
/// CBLAS (which libgsl depends on).
public func sharedObjectProviding(symbol: String) -> String? {
    guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, symbol) else { return nil }
    let target = UInt(bitPattern: address)
    // /proc files report size 0, so read them line by line with stdio.
    guard let file = fopen("/proc/self/maps", "r") else { return nil }
    defer { fclose(file) }
    var line: UnsafeMutablePointer<CChar>? = nil
    var capacity = 0
    defer { free(line) }
    while getline(&line, &capacity, file) > 0, let line {
        let fields = String(cString: line).split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count >= 6 else { continue }
        let range = fields[0].split(separator: "-")
        guard range.count == 2, let lo = UInt(range[0], radix: 16), let hi = UInt(range[1], radix: 16),
              lo <= target, target < hi else { continue }
        return fields[5...].joined(separator: " ")
    }
    return nil
}

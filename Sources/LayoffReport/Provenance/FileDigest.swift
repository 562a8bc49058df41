#if canImport(Glibc)
import Glibc
#endif
import LayoffKit

/// Size and SHA-256 of a file, read in 1 MiB chunks.
public struct FileDigest: Sendable, Equatable {
    public var bytes: Int
    public var sha256: String

    /// Hashes the file at `path`; `nil` if it cannot be opened or read.
    public static func of(path: String) -> FileDigest? {
        let fd = open(path, O_RDONLY)
        if fd < 0 { return nil }
        defer { close(fd) }
        var hasher = SHA256()
        // One 1 MiB buffer for the whole file: the loop below allocates nothing per chunk
        // (the array stays uniquely referenced, so `withUnsafeMutableBytes` never copies),
        // and `update(buffer:)` hashes its whole 64-byte blocks in place, in one C call.
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        var total = 0
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            buf.withUnsafeBytes { hasher.update(buffer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            total += n
        }
        return FileDigest(bytes: total, sha256: hex(hasher.finalize()))
    }

    /// Digest of in-memory bytes (the embedded datasets).
    public static func of(bytes: some Sequence<UInt8>) -> FileDigest {
        let a = Array(bytes)
        return FileDigest(bytes: a.count, sha256: SHA256.hex(a))
    }

    static func hex(_ d: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(d.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }
}

/// Digests of input files computed on another thread (started before the inputs are
/// loaded, so hashing overlaps parsing); ``ReportBuilder`` takes a file's digest from
/// here when its path is one of them, and hashes it itself otherwise.
public final class PendingDigests: Sendable {
    private let work: BackgroundWork<[String: FileDigest]>

    /// Starts hashing the files at `paths`, one after another, on another thread.
    public init(paths: [String]) {
        // At a lower priority: while the inputs are parsed on every core, the parse gets
        // more of the CPU and the hashing catches up in the gaps of the later sections.
        work = BackgroundWork(niceness: 10) {
            var out: [String: FileDigest] = [:]
            for p in paths where out[p] == nil { out[p] = FileDigest.of(path: p) }
            return out
        }
    }

    /// The digest of `path` (waiting for the hashing to finish), or `nil` when `path` was
    /// not among the paths or could not be read.
    public func digest(path: String) -> FileDigest? { work.wait()[path] }
    /// Whether `path` is among the paths being hashed.
    public func covers(path: String) -> Bool { work.wait().keys.contains(path) }
}

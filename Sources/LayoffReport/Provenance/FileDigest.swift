#if canImport(Glibc)
import Glibc
#endif
import LayoffKit
import StatKit
import Synchronization

/// Size and SHA-256 of a file, read in 1 MiB chunks.
public struct FileDigest: Sendable, Equatable {
    public var bytes: Int
    public var sha256: String

    /// Hashes the file at `path`; `nil` if it cannot be opened or read.
    public static func of(path: String) -> FileDigest? {
        guard var progress = Progress(path: path) else { return nil }
        return progress.run(until: { false })
    }

    /// A file being hashed: its descriptor (positioned after the bytes hashed so far), the
    /// hash state and the byte count. It can stop at a chunk boundary and be carried on by
    /// another thread (``PendingDigests``): the digest depends only on the bytes, in order.
    struct Progress: @unchecked Sendable {
        let fd: Int32
        var hasher = SHA256()
        var total = 0

        init?(path: String) {
            fd = open(path, O_RDONLY)
            if fd < 0 { return nil }
        }

        /// Hashes the rest of the file, 1 MiB at a time, asking `stop` before each chunk:
        /// the digest when the file is done (or `nil` if a read failed; the descriptor is
        /// then closed), or `nil` with the descriptor left open when `stop` said so
        /// (``stopped`` tells which).
        mutating func run(until stop: () -> Bool) -> FileDigest? {
            // One 1 MiB buffer for the whole file: the loop allocates nothing per chunk
            // (the array stays uniquely referenced, so `withUnsafeMutableBytes` never
            // copies), and `update(buffer:)` hashes its whole 64-byte blocks in place, in
            // one C call.
            var buf = [UInt8](repeating: 0, count: 1 << 20)
            stopped = false
            while true {
                if stop() { stopped = true; return nil }
                let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 { if errno == EINTR { continue }; close(fd); return nil }
                if n == 0 { break }
                buf.withUnsafeBytes { hasher.update(buffer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                total += n
            }
            close(fd)
            return FileDigest(bytes: total, sha256: hex(hasher.finalize()))
        }

        /// Whether the last ``run(until:)`` ended because `stop` said so.
        private(set) var stopped = false
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
///
/// The hashing thread runs at a lower priority (nice 10, Linux): while the inputs are
/// parsed on every core the parse gets more of the CPU, and the hashing catches up in the
/// gaps of the later sections. On a machine busy with other work it can fall far behind;
/// so a thread that asks for a digest before the hashing is done does not wait for it at
/// that low priority: it takes the hashing over at the next 1 MiB boundary (the file's
/// descriptor and hash state pass to it) and finishes it at its own. The digests are the
/// same whoever hashes which chunk.
public final class PendingDigests: @unchecked Sendable {
    private enum Phase {
        /// The low-priority thread is hashing.
        case hashing
        /// A waiter asked for the rest; the hashing thread hands it over at its next chunk.
        case handingOver
        /// The hashing thread stopped: `next` is the first path not started, `current` the
        /// file it was in the middle of (path index and progress).
        case handedOver(next: Int, current: (index: Int, progress: FileDigest.Progress)?)
        /// A waiter is finishing the hashing.
        case finishing
        case finished
    }
    private let lock = ConditionLock()
    private let paths: [String]
    // Guarded by `lock`.
    private var results: [String: FileDigest] = [:]
    private var phase = Phase.hashing
    /// Set when a waiter asks for the rest; read by the hashing thread between chunks.
    private let stopRequested = Atomic<Bool>(false)

    /// Starts hashing the files at `paths`, one after another, on another thread.
    public convenience init(paths: [String]) {
        self.init(paths: paths, handOverAfter: nil)
    }

    /// Hashes `paths` on another thread; with `chunks` (tests), that thread hands the rest
    /// over after that many 1 MiB chunks as if a waiter had asked.
    init(paths: [String], handOverAfter chunks: Int?) {
        var unique: [String] = []
        for p in paths where !unique.contains(p) { unique.append(p) }
        self.paths = unique
        if let chunks { handOverAfter.store(chunks, ordering: .relaxed) }
        _ = BackgroundWork(niceness: 10) { [self] in hash(from: 0, current: nil, canStop: true) }
    }

    /// Chunks the hashing thread may hash before it stops on its own (tests); −1: no limit.
    private let handOverAfter = Atomic<Int>(-1)

    /// Whether the hashing thread should stop before its next chunk.
    private func shouldStop() -> Bool {
        if stopRequested.load(ordering: .relaxed) { return true }
        let left = handOverAfter.load(ordering: .relaxed)
        if left < 0 { return false }
        if left == 0 { return true }
        handOverAfter.store(left - 1, ordering: .relaxed)
        return false
    }

    /// Hashes the paths from `current` (a file in progress) and then from index `first`
    /// on, recording each digest. On the low-priority thread (`canStop`), stops at a chunk
    /// boundary once a waiter asks, handing the rest over.
    private func hash(from first: Int, current: (index: Int, progress: FileDigest.Progress)?, canStop: Bool) {
        var i = first
        var pending = current
        while true {
            var index: Int, progress: FileDigest.Progress?
            if let c = pending {
                (index, progress) = c
                pending = nil
            } else {
                if i == paths.count { break }
                index = i
                progress = FileDigest.Progress(path: paths[i])
                i += 1
            }
            guard var p = progress else { continue }
            let digest = p.run(until: { canStop && shouldStop() })
            if p.stopped {
                lock.lock()
                phase = .handedOver(next: i, current: (index, p))
                lock.broadcast()
                lock.unlock()
                return
            }
            lock.lock()
            results[paths[index]] = digest
            lock.unlock()
            if canStop && (stopRequested.load(ordering: .relaxed) || handOverAfter.load(ordering: .relaxed) == 0) && i < paths.count {
                lock.lock()
                phase = .handedOver(next: i, current: nil)
                lock.broadcast()
                lock.unlock()
                return
            }
        }
        lock.lock()
        phase = .finished
        lock.broadcast()
        lock.unlock()
    }

    /// Every digest, once known: the rest of the hashing is taken over by this thread if
    /// the low-priority one has not finished.
    private func complete() -> [String: FileDigest] {
        lock.lock()
        while true {
            switch phase {
            case .finished:
                defer { lock.unlock() }
                return results
            case .hashing:
                phase = .handingOver
                stopRequested.store(true, ordering: .relaxed)
            case .handingOver, .finishing:
                lock.wait()
            case .handedOver(let next, let current):
                phase = .finishing
                lock.unlock()
                hash(from: next, current: current, canStop: false)
                lock.lock()
            }
        }
    }

    /// The digest of `path` (finishing the hashing on this thread if it is not done), or
    /// `nil` when `path` was not among the paths or could not be read.
    public func digest(path: String) -> FileDigest? { complete()[path] }
    /// Whether `path` is among the paths being hashed.
    public func covers(path: String) -> Bool { paths.contains(path) }
}

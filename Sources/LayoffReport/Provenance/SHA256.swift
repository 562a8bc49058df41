internal import _CSHA256

/// SHA-256 (FIPS 180-4), for the provenance section of reports: every input is listed
/// with its digest so a reader can check they have the same file.
///
/// A small self-contained implementation (tested against the FIPS 180-4 example
/// vectors and Python's `hashlib`) keeps the dependency set free of a crypto package for
/// one hash. Padding and buffering are here; the block compression is in C (the
/// `_CSHA256` target), with the x86 SHA extensions when the CPU has them and portable
/// C otherwise. Whole 64-byte blocks are handed to it straight from the caller's buffer,
/// as many per call as there are.
public struct SHA256: Sendable {
    /// Which block compression to use. Both give the same digests; ``portable`` exists
    /// so tests can compare the two on a CPU that has SHA-NI.
    enum Implementation: Sendable {
        /// x86 SHA-NI instructions (only valid when ``SHA256/hasSHANI``).
        case shaNI
        /// Plain C, any CPU.
        case portable
    }

    /// Whether this CPU has the x86 SHA extensions (asked once, with `cpuid`).
    static let hasSHANI: Bool = csha256_shani_available() != 0

    private var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
    private var pending: [UInt8] = []
    private var length: UInt64 = 0
    private let implementation: Implementation

    /// A hasher with nothing fed yet; uses SHA-NI when the CPU has it.
    public init() { self.init(implementation: SHA256.hasSHANI ? .shaNI : .portable) }

    /// A hasher using `implementation` (tests only; `.shaNI` needs ``hasSHANI``).
    init(implementation: Implementation) {
        precondition(implementation == .portable || SHA256.hasSHANI, "SHA-NI requested on a CPU without it")
        self.implementation = implementation
    }

    /// Feeds bytes.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let done: Bool? = bytes.withContiguousStorageIfAvailable { buf in
            update(buffer: UnsafeRawBufferPointer(buf)); return true
        }
        if done == nil { let a = Array(bytes); a.withUnsafeBytes { update(buffer: $0) } }
    }

    /// Feeds raw bytes; whole 64-byte blocks are hashed in place.
    public mutating func update(buffer: UnsafeRawBufferPointer) {
        var i = 0
        let n = buffer.count
        length &+= UInt64(n)
        if !pending.isEmpty {
            let take = min(64 - pending.count, n)
            pending.append(contentsOf: buffer[0..<take])
            i = take
            if pending.count == 64 {
                pending.withUnsafeBytes { compress($0.baseAddress!, blocks: 1) }
                pending.removeAll(keepingCapacity: true)
            }
        }
        let blocks = (n - i) / 64
        if blocks > 0 {
            compress(buffer.baseAddress! + i, blocks: blocks)
            i += 64 * blocks
        }
        if i < n { pending.append(contentsOf: buffer[i..<n]) }
    }

    /// The digest of everything fed so far.
    public func finalize() -> [UInt8] {
        var copy = self
        let bitLength = length &* 8
        copy.length = 0
        copy.pending.append(0x80)
        while copy.pending.count % 64 != 56 { copy.pending.append(0) }
        for i in (0..<8).reversed() { copy.pending.append(UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8))) }
        let tail = copy.pending
        tail.withUnsafeBytes { copy.compress($0.baseAddress!, blocks: $0.count / 64) }
        return copy.h.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (24 - 8 * UInt32($0))) } }
    }

    /// Lower-case hexadecimal digest of `bytes`.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var s = SHA256()
        s.update(bytes)
        let hexDigits = Array("0123456789abcdef")
        return String(s.finalize().flatMap { [hexDigits[Int($0 >> 4)], hexDigits[Int($0 & 15)]] })
    }

    /// Compresses `blocks` consecutive 64-byte blocks at `p` into the state.
    private mutating func compress(_ p: UnsafeRawPointer, blocks: Int) {
        let implementation = implementation
        h.withUnsafeMutableBufferPointer { state in
            switch implementation {
            case .shaNI: csha256_compress_shani(state.baseAddress!, p, blocks)
            case .portable: csha256_compress_portable(state.baseAddress!, p, blocks)
            }
        }
    }
}

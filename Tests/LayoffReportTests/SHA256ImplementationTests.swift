// SHA256's block compression (C, SHA-NI or portable) against Python hashlib digests
// (scripts/reference/sha256_reference.py → SHA256Reference.swift) and the FIPS 180-4
// example vectors. Digests are compared exactly: there is no tolerance for a hash.
import Testing
@testable import LayoffReport
import StatKit
#if canImport(Glibc)
import Glibc
#endif

@Suite struct SHA256ImplementationTests {
    /// The first `count` bytes of SeededGenerator(seed:)'s stream, each output as 8
    /// little-endian bytes (the same bytes the reference script hashes).
    static func seededBytes(seed: UInt64, count: Int) -> [UInt8] {
        var g = SeededGenerator(seed: seed)
        var out = [UInt8]()
        out.reserveCapacity(count + 8)
        while out.count < count { withUnsafeBytes(of: g.next().littleEndian) { out.append(contentsOf: $0) } }
        return Array(out[..<count])
    }

    /// Digest of `bytes` with `implementation`, fed in pieces cut at the given `cuts`.
    static func digest(_ bytes: [UInt8], _ implementation: SHA256.Implementation, cuts: [Int] = []) -> String {
        var s = SHA256(implementation: implementation)
        var i = 0
        for c in cuts.map({ min($0, bytes.count) }).sorted() + [bytes.count] { s.update(bytes[i..<c]); i = c }
        return FileDigest.hex(s.finalize())
    }

    /// SHA-NI (when this CPU has it) and the portable fallback.
    static let implementations: [SHA256.Implementation] = SHA256.hasSHANI ? [.shaNI, .portable] : [.portable]

    @Test(arguments: implementations)
    func fipsExampleVectors(_ impl: SHA256.Implementation) {
        #expect(Self.digest(Array("abc".utf8), impl) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Self.digest([], impl) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let m448 = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(Self.digest(m448, impl) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let million = [UInt8](repeating: 0x61, count: 1_000_000)
        let want = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(Self.digest(million, impl) == want)
        #expect(Self.digest(million, impl, cuts: [1, 63, 64, 65, 1000, 4096 + 3, 999_999]) == want)
    }

    @Test func byteGeneratorMatchesTheReferenceScript() {
        #expect(Self.seededBytes(seed: SHA256Reference.prefixSeed, count: 16) == SHA256Reference.prefixHead)
    }

    /// Lengths 0…200 cover every padding case (length field in the same or the next block).
    @Test(arguments: implementations)
    func everyLengthUpTo200AgainstHashlib(_ impl: SHA256.Implementation) {
        let bytes = Self.seededBytes(seed: SHA256Reference.prefixSeed, count: 200)
        #expect(SHA256Reference.prefixDigests.count == 201)
        for (n, want) in SHA256Reference.prefixDigests.enumerated() {
            let m = Array(bytes[..<n])
            #expect(Self.digest(m, impl) == want, "length \(n)")
            // Fed in pieces straddling a block boundary and one byte at a time.
            #expect(Self.digest(m, impl, cuts: [n / 3, n / 2 + 1]) == want, "length \(n), 3 pieces")
            if n % 16 == 7 { #expect(Self.digest(m, impl, cuts: Array(0..<n)) == want, "length \(n), bytewise") }
        }
    }

    @Test(arguments: implementations)
    func severalMegabytesAgainstHashlib(_ impl: SHA256.Implementation) {
        let bytes = Self.seededBytes(seed: SHA256Reference.largeSeed, count: SHA256Reference.largeCount)
        #expect(Self.digest(bytes, impl) == SHA256Reference.largeDigest)
        var rng = SeededGenerator(seed: 7)
        let cuts = (0..<200).map { _ in rng.nextInt(below: bytes.count) }
        #expect(Self.digest(bytes, impl, cuts: cuts) == SHA256Reference.largeDigest)
    }

    @Test(.enabled(if: SHA256.hasSHANI, "this CPU has no SHA extensions"))
    func shaNIAndPortableAgree() {
        var rng = SeededGenerator(seed: 2024)
        for trial in 0..<300 {
            let n = trial < 100 ? trial * 7 : rng.nextInt(below: 1 << 16)
            let m = Self.seededBytes(seed: UInt64(1000 + trial), count: n)
            let cuts = (0..<3).map { _ in rng.nextInt(below: n + 1) }
            var a = SHA256(implementation: .shaNI), b = SHA256(implementation: .portable)
            a.update(m); b.update(m)
            #expect(a.finalize() == b.finalize(), "length \(n)")
            #expect(Self.digest(m, .shaNI, cuts: cuts) == Self.digest(m, .portable), "length \(n), cut at \(cuts)")
        }
    }

    @Test func defaultUsesSHANIWhenAvailable() {
        #expect(SHA256().finalize() == SHA256(implementation: SHA256.hasSHANI ? .shaNI : .portable).finalize())
        #expect(SHA256.hex([UInt8]()) == SHA256Reference.prefixDigests[0])
    }

    /// 5 MiB + 777 bytes: FileDigest reads it in six 1 MiB chunks, the last one partial.
    @Test func fileDigestAcrossReadChunksAgainstHashlib() throws {
        let bytes = Self.seededBytes(seed: SHA256Reference.largeSeed, count: SHA256Reference.largeCount)
        let path = "/tmp/layoffstats-sha256-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).bin"
        try StatKit.AtomicFile.write(bytes, to: path)
        defer { _ = unlink(path) }
        #expect(FileDigest.of(path: path) == FileDigest(bytes: SHA256Reference.largeCount, sha256: SHA256Reference.largeDigest))
    }
}

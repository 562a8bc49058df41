import Testing
@testable import LayoffReport
import StatKit
#if canImport(Glibc)
import Glibc
#endif

/// FIPS 180-4 / NIST example vectors (also `sha256sum` output).
@Suite struct SHA256Tests {
    @Test func nistVectors() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // One million 'a' (FIPS 180-2 appendix B.3).
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}

@Suite struct FileDigestTests {
    @Test func fileAndChunkedUpdatesAgree() throws {
        var rng = SystemRandomNumberGenerator()
        let data = (0..<(1 << 18) + 17).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let path = "/tmp/layoffstats-digest-\(UInt64.random(in: 0...UInt64.max)).bin"
        try StatKit.AtomicFile.write(data, to: path)
        defer { _ = unlink(path) }
        let whole = SHA256.hex(data)
        var chunked = SHA256()
        var i = 0
        while i < data.count { let j = min(data.count, i + Int.random(in: 1...20_000)); chunked.update(data[i..<j]); i = j }
        #expect(FileDigest.hex(chunked.finalize()) == whole)
        #expect(FileDigest.of(path: path) == FileDigest(bytes: data.count, sha256: whole))
    }
}

/// ``PendingDigests`` hands the hashing over to a waiter at any chunk boundary, of any
/// file, and the digests stay the files' (references from Python's hashlib).
@Suite struct PendingDigestsTests {
    /// Three files: 5 MiB + 123 bytes of `i % 251`, 3 MiB of `7i % 256`, and "abcdefghij".
    static func files() throws -> (paths: [String], expected: [FileDigest]) {
        let tag = UInt64.random(in: 0...UInt64.max)
        let contents: [[UInt8]] = [
            (0..<(5 << 20) + 123).map { UInt8($0 % 251) },
            (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) },
            Array("abcdefghij".utf8),
        ]
        // hashlib.sha256(...).hexdigest() of the same bytes.
        let sha = ["0628356cd8d3d1f66cdf957c650b16d574aa59c556037ab29cd9c4acdce89278",
                   "92e215af66b07199c46e7a807c642936ccb9384476de9cbe05c66a04f5e608a2",
                   "72399361da6a7754fec986dca5b7cbaf1c810a28ded4abaf56b2106d06cb78b0"]
        var paths: [String] = []
        for (k, c) in contents.enumerated() {
            let path = "/tmp/layoffstats-pending-\(tag)-\(k).bin"
            try StatKit.AtomicFile.write(c, to: path)
            paths.append(path)
        }
        return (paths, zip(contents, sha).map { FileDigest(bytes: $0.count, sha256: $1) })
    }

    /// The hashing thread stops after 0, 1, …, 9 chunks (within the first file, at its end,
    /// within the second, at the last file) and this thread finishes the rest.
    @Test func handOverAtEveryChunk() throws {
        let (paths, expected) = try Self.files()
        defer { for p in paths { _ = unlink(p) } }
        for chunks in 0...9 {
            let pending = PendingDigests(paths: paths + [paths[0], "/nonexistent/layoffstats"], handOverAfter: chunks)
            for (p, e) in zip(paths, expected) {
                #expect(pending.covers(path: p))
                #expect(pending.digest(path: p) == e, "handed over after \(chunks) chunks")
            }
            #expect(pending.covers(path: "/nonexistent/layoffstats"))
            #expect(pending.digest(path: "/nonexistent/layoffstats") == nil)
            #expect(!pending.covers(path: "/elsewhere"))
        }
    }

    /// Asked at once (a take-over wherever the hashing thread is) and after it finished.
    @Test func askedEarlyOrLate() throws {
        let (paths, expected) = try Self.files()
        defer { for p in paths { _ = unlink(p) } }
        for _ in 0..<5 {
            let early = PendingDigests(paths: paths)
            #expect(paths.map { early.digest(path: $0) } == expected.map { Optional($0) })
        }
        let late = PendingDigests(paths: paths)
        _ = late.digest(path: paths[2])
        #expect(paths.map { late.digest(path: $0) } == expected.map { Optional($0) })
        #expect(paths.map { FileDigest.of(path: $0) } == expected.map { Optional($0) })
    }
}

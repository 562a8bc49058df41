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

import Foundation
import Testing
import LayoffKit
import LayoffReport

/// The compact shape of `layoffs generate` is the file the generator wrote before the
/// export shape became the default, byte for byte: benchmarks on it compare with earlier
/// measurements. The reference digests are those of the files written by the generator of
/// commit 486df68 (`layoffs generate --events 3000 --companies 100 --seed 9`).
@Suite struct GeneratorBytesTests {
    @Test func compactShapeIsTheEarlierGeneratorsFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("compact-bytes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = dir.appendingPathComponent("events.csv").path, f = dir.appendingPathComponent("fundamentals.csv").path
        try SyntheticLayoffs(.init(events: 3_000, companies: 100, seed: 9, shape: .compact)).write(eventsPath: e, fundamentalsPath: f)
        #expect(FileDigest.of(path: e)?.sha256 == "707abbb09fd03cdf857ffea1d4294dd66f63aaffd12dcbac3257b0b3e3452128")
        #expect(FileDigest.of(path: f)?.sha256 == "22d35bf7ffa1e9beea2ff8ebed6c166387800456675e727295d67a0cfcd2364e")
    }
}

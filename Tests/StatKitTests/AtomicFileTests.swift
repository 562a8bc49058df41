import Testing
import Foundation
@testable import StatKit

@Suite struct AtomicFileTests {
    @Test func writesAndReplaces() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("out.txt").path
        try AtomicFile.write("first", to: path)
        try AtomicFile.write("second", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        // No temporary files left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.txt"])
    }

    @Test func failureLeavesNothing() {
        #expect(throws: FileWriteError.self) { try AtomicFile.write("x", to: "/nonexistent-dir-\(UUID().uuidString)/out.txt") }
    }
}

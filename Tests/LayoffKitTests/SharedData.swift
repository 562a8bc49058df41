// Access to ../shared/datasets for the reference tests (absent on a user's fresh clone:
// tests that need it skip).
import Foundation
import LayoffKit
import StatKit

/// Repository root (the directory holding Package.swift), from this file's path.
let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// `../shared/datasets/layoffs-fyi-2020-2026.csv` next to the repository.
let sharedLayoffsFYIPath: String = repositoryRoot.deletingLastPathComponent()
    .appendingPathComponent("shared/datasets/layoffs-fyi-2020-2026.csv").path

/// The layoffs.fyi reference export as an ``EventTable`` through the project's own
/// loader, or `nil` when `../shared` is absent.
func loadSharedLayoffsFYI() throws -> EventTable? {
    guard FileManager.default.fileExists(atPath: sharedLayoffsFYIPath) else { return nil }
    return try EventLoader.load(path: sharedLayoffsFYIPath).events
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors writing a file.
public struct FileWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Path that could not be written.
    public var path: String
    /// What went wrong (from `strerror`).
    public var reason: String
    public var description: String { "cannot write \(path): \(reason)" }
}

/// Writes files atomically: the bytes go to a temporary file in the same directory,
/// which is flushed and then renamed over the destination. A failure at any point
/// leaves the previous file intact and removes the temporary file, so no reader ever
/// sees a half-written output.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically (mode 0644).
    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws(FileWriteError) {
        let dir: String
        let base: String
        if let slash = path.lastIndex(of: "/") {
            dir = String(path[..<slash]).isEmpty ? "/" : String(path[..<slash])
            base = String(path[path.index(after: slash)...])
        } else {
            dir = "."
            base = path
        }
        var template = Array((dir + "/." + base + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw FileWriteError(path: path, reason: errnoText()) }
        let tmpPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var ok = false
        defer { if !ok { unlink(tmpPath) } }
        let data = Array(bytes)
        var written = 0
        while written < data.count {
            let n = data.withUnsafeBytes { buf in
                Glibc.write(fd, buf.baseAddress! + written, data.count - written)
            }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = errnoText()
                close(fd)
                throw FileWriteError(path: path, reason: reason)
            }
            written += n
        }
        if fchmod(fd, 0o644) != 0 || fsync(fd) != 0 {
            let reason = errnoText(); close(fd)
            throw FileWriteError(path: path, reason: reason)
        }
        if close(fd) != 0 { throw FileWriteError(path: path, reason: errnoText()) }
        if rename(tmpPath, path) != 0 { throw FileWriteError(path: path, reason: errnoText()) }
        ok = true
    }

    /// Writes a UTF-8 string atomically.
    public static func write(_ text: String, to path: String) throws(FileWriteError) {
        try write(Array(text.utf8), to: path)
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}

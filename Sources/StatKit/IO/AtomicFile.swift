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
        let writer = try AtomicFileWriter(path: path)
        try writer.write(bytes)
        try writer.commit()
    }

    /// Writes a UTF-8 string atomically.
    public static func write(_ text: String, to path: String) throws(FileWriteError) {
        try write(Array(text.utf8), to: path)
    }
}

/// A streaming counterpart of ``AtomicFile``: bytes are appended to a temporary file in
/// the destination's directory and become visible only on ``commit()``, which renames
/// the file into place. Dropping the writer without committing removes the temporary
/// file, so an interrupted writer leaves the previous file intact.
public final class AtomicFileWriter {
    /// Destination path.
    public let path: String
    private let temporaryPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let bufferLimit = 1 << 20
    private var finished = false

    /// Opens a temporary file beside `path`.
    public init(path: String) throws(FileWriteError) {
        self.path = path
        let dir: String
        let base: String
        if let slash = path.lastIndex(of: "/") {
            dir = String(path[..<slash]).isEmpty ? "/" : String(path[..<slash])
            base = String(path[path.index(after: slash)...])
        } else { dir = "."; base = path }
        var template = Array((dir + "/." + base + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw FileWriteError(path: path, reason: String(cString: strerror(errno))) }
        self.fd = fd
        self.temporaryPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        buffer.reserveCapacity(bufferLimit + 4096)
    }

    /// Appends bytes.
    public func write(_ bytes: some Sequence<UInt8>) throws(FileWriteError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= bufferLimit { try flush() }
    }

    /// Appends a string's UTF-8 bytes.
    public func write(_ text: String) throws(FileWriteError) { try write(text.utf8) }

    private func flush() throws(FileWriteError) {
        var off = 0
        while off < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileWriteError(path: path, reason: String(cString: strerror(errno)))
            }
            off += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and renames the file into place.
    public func commit() throws(FileWriteError) {
        try flush()
        if fchmod(fd, 0o644) != 0 || fsync(fd) != 0 || close(fd) != 0 {
            let reason = String(cString: strerror(errno))
            abort()
            throw FileWriteError(path: path, reason: reason)
        }
        fd = -1
        if rename(temporaryPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            finished = true
            throw FileWriteError(path: path, reason: reason)
        }
        finished = true
    }

    /// Discards everything written; the destination is untouched.
    public func abort() {
        if finished { return }
        if fd >= 0 { close(fd); fd = -1 }
        unlink(temporaryPath)
        finished = true
    }

    deinit { abort() }
}

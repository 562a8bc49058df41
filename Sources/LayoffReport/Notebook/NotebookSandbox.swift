#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The folders a notebook may read and write, and the checks of paths against them.
///
/// A notebook may read inside its own folder (and subfolders) and the datasets folder,
/// and write only inside its own folder. Paths are resolved physically: relative paths
/// against the notebook's folder, then every existing component through `realpath`, so
/// `..` and symbolic links cannot escape; the part that does not exist yet is normalised
/// lexically. A dangling symbolic link is refused.
public struct NotebookSandbox: Sendable, Equatable {
    /// Absolute, symlink-free folder of the notebook.
    public var notebookDirectory: String
    /// Absolute, symlink-free datasets folder, if any.
    public var datasetsDirectory: String?

    /// Creates a sandbox from already resolved folders.
    public init(notebookDirectory: String, datasetsDirectory: String?) {
        self.notebookDirectory = notebookDirectory
        self.datasetsDirectory = datasetsDirectory
    }

    /// Whether a path is read or written.
    public enum Access: Sendable { case read, write }

    /// Resolves `path` and checks it may be accessed.
    ///
    /// - Returns: The absolute, symlink-free path.
    /// - Throws: A message saying why the path is refused.
    public func check(_ path: String, for access: Access) throws(NotebookSandbox.Violation) -> String {
        guard !path.isEmpty else { throw Violation(message: "empty path") }
        let absolute = path.hasPrefix("/") ? path : notebookDirectory + "/" + path
        let resolved = try Self.physicalPath(absolute)
        var roots = [notebookDirectory]
        if access == .read, let datasetsDirectory { roots.append(datasetsDirectory) }
        if roots.contains(where: { Self.isInside(resolved, $0) }) { return resolved }
        let allowed = access == .read
            ? "the notebook's folder" + (datasetsDirectory == nil ? "" : " or the datasets folder")
            : "the notebook's folder"
        var message = "`\(path)` resolves to \(resolved), outside \(allowed)"
        if access == .write { message += "; a notebook may write only inside its own folder" }
        throw Violation(message: message)
    }

    /// A refused path.
    public struct Violation: Error, Sendable, Equatable {
        /// Why the path is refused.
        public var message: String
    }

    /// Whether `path` is `root` or inside it (both absolute and normalised).
    static func isInside(_ path: String, _ root: String) -> Bool {
        if root == "/" { return true }
        return path == root || path.hasPrefix(root + "/")
    }

    /// Resolves an absolute path: the longest existing prefix through `realpath`, the
    /// rest lexically.
    static func physicalPath(_ absolute: String) throws(Violation) -> String {
        let components = absolute.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var existing = components.count
        var base: String?
        while existing >= 0 {
            let prefix = "/" + components[0..<existing].joined(separator: "/")
            if let real = NotebookFS.realPath(prefix) { base = real; break }
            if NotebookFS.lexists(prefix) {
                throw Violation(message: "`\(prefix)` is a dangling symbolic link or cannot be resolved")
            }
            existing -= 1
        }
        var parts = (base ?? "/").split(separator: "/").map(String.init)
        for component in components[max(existing, 0)...] {
            if component == "." { continue }
            if component == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(component)
        }
        return "/" + parts.joined(separator: "/")
    }
}

/// Thin wrappers over the C file API.
enum NotebookFS {
    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    static func lexists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    static func currentDirectory() -> String {
        guard let p = getcwd(nil, 0) else { return "/" }
        defer { free(p) }
        return String(cString: p)
    }

    static func errorText() -> String { String(cString: strerror(errno)) }

    /// Reads a whole file; nil if it does not exist.
    static func read(_ path: String) throws(NotebookError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw NotebookError(kind: .io, file: path, message: "cannot read: \(errorText())")
        }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw NotebookError(kind: .io, file: path, message: "cannot read: \(errorText())")
            }
            if n == 0 { break }
            out += buffer[0..<n]
        }
        return out
    }

    /// Creates a folder (and missing parents).
    static func makeDirectory(_ path: String) throws(NotebookError) {
        if isDirectory(path) { return }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectory(String(path[..<slash]))
        }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw NotebookError(kind: .io, file: path, message: "cannot create folder: \(errorText())")
        }
    }
}

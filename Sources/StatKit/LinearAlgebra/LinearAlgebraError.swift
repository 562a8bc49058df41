import _CLapack

/// An error reported by a BLAS/LAPACK wrapper.
///
/// LAPACK routines return an integer `info`:
/// - `info = 0`: success;
/// - `info = −i < 0`: the `i`-th argument had an illegal value (a bug in the caller,
///   reported as ``illegalArgument(routine:position:)``);
/// - `info = i > 0`: a routine-specific numerical failure, such as an exactly zero
///   diagonal element `R_ii` of a triangular matrix (``singular(routine:index:)``, `i` is
///   one-based as in LAPACK) or an iterative method that did not converge
///   (``noConvergence(routine:info:)``).
public enum LinearAlgebraError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Argument number `position` (one-based, LAPACK's numbering) was illegal.
    case illegalArgument(routine: String, position: Int)
    /// The diagonal element at one-based `index` is exactly zero: the matrix is singular.
    case singular(routine: String, index: Int)
    /// An iterative algorithm (e.g. the divide-and-conquer SVD) failed to converge.
    case noConvergence(routine: String, info: Int)
    /// Operand shapes do not conform.
    case dimensionMismatch(routine: String, detail: String)
    /// LAPACKE could not allocate its workspace (`LAPACK_WORK_MEMORY_ERROR`).
    case outOfMemory(routine: String)

    public var description: String {
        switch self {
        case let .illegalArgument(r, i): return "\(r): argument \(i) had an illegal value"
        case let .singular(r, i): return "\(r): matrix is singular (diagonal element \(i) is exactly zero)"
        case let .noConvergence(r, info): return "\(r): algorithm did not converge (info = \(info))"
        case let .dimensionMismatch(r, d): return "\(r): dimension mismatch: \(d)"
        case let .outOfMemory(r): return "\(r): LAPACKE workspace allocation failed"
        }
    }

    /// How a routine's positive `info` is to be read.
    enum PositiveInfo { case singular, noConvergence }

    /// Throws the error that LAPACK's `info` denotes, or returns when `info == 0`.
    static func check(_ info: clapack_int, _ routine: String, positive: PositiveInfo = .singular) throws {
        if info == 0 { return }
        // LAPACK_WORK_MEMORY_ERROR = -1010, LAPACK_TRANSPOSE_MEMORY_ERROR = -1011
        if info == -1010 || info == -1011 { throw LinearAlgebraError.outOfMemory(routine: routine) }
        if info < 0 { throw LinearAlgebraError.illegalArgument(routine: routine, position: Int(-info)) }
        switch positive {
        case .singular: throw LinearAlgebraError.singular(routine: routine, index: Int(info))
        case .noConvergence: throw LinearAlgebraError.noConvergence(routine: routine, info: Int(info))
        }
    }
}

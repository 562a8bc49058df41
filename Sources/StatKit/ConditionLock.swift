#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutex with one condition variable (POSIX threads), what `NSCondition` provides,
/// without importing Foundation into StatKit (see ``LibM``).
package final class ConditionLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    package init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    package func lock() { pthread_mutex_lock(mutex) }
    package func unlock() { pthread_mutex_unlock(mutex) }
    /// Releases the lock, waits for a ``broadcast()`` (or a spurious wake-up: callers loop
    /// on their condition) and takes the lock again.
    package func wait() { pthread_cond_wait(condition, mutex) }
    /// Wakes every waiting thread.
    package func broadcast() { pthread_cond_broadcast(condition) }
}

/// C `printf` formatting for the few messages that use it, without Foundation.
enum CFormat {
    /// `%.<digits>g` of `x` in the C locale (as Foundation's `String(format:)` writes it):
    /// `1.23e+06`, `0.000123`, `12.5`.
    static func g(_ x: Double, digits: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let count = buffer.count
        let written = buffer.withUnsafeMutableBufferPointer { b in
            withVaList([x]) { Int(vsnprintf(b.baseAddress, count, "%.\(digits)g", $0)) }
        }
        return String(decoding: buffer.prefix(max(0, min(written, count - 1))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

import Foundation
import Testing
@testable import StatKit

/// StatKit's own stand-ins for what it used to take from Foundation (``CFormat``,
/// ``ConditionLock``, ``LibM``).
struct CLibraryShimTests {
    /// `%.3g` against Python's `'%.3g' % x` (C printf semantics), exact strings.
    @Test func gFormatMatchesPrintf() {
        let cases: [(Double, String)] = [
            (1234567.0, "1.23e+06"), (0.000123456, "0.000123"), (1000.0, "1e+03"), (12.5, "12.5"),
            (1e300, "1e+300"), (2.5e-10, "2.5e-10"), (123.456, "123"), (0.0, "0"), (-4567.8, "-4.57e+03"),
            (.infinity, "inf"), (99950.0, "1e+05"),
        ]
        for (x, expected) in cases { #expect(CFormat.g(x, digits: 3) == expected, "\(x)") }
    }

    /// The functions are the C library's: equal bits to the standard library's generic
    /// versions where those are correctly rounded (`pow` of exact powers) and to known
    /// values (tolerance 0: these inputs have exactly representable results).
    @Test func mathFunctionsAreTheCLibrarys() {
        #expect(LibM.log(1) == 0)
        #expect(LibM.exp(0) == 1)
        #expect(LibM.log2(1024) == 10)
        #expect(LibM.log10(1e-3) == -3)
        #expect(LibM.log1p(0) == 0)
        #expect(LibM.pow(2, 10) == 1024)
        #expect(LibM.pow(-8, 1.0 / 3).isNaN)
        #expect(abs(LibM.log(2) - 0.6931471805599453) <= 1.2e-16)
    }

    /// A producer and a consumer, each on a thread of its own (not the test runner's pool,
    /// which blocking waits could starve), hand 10,000 items through a one-slot buffer
    /// guarded by the lock: every item arrives once, in order.
    @Test func conditionLockHandsItemsOverInOrder() {
        final class Slot: @unchecked Sendable {
            let lock = ConditionLock()
            var item: Int?
            var done = false
            var received: [Int] = []
        }
        let slot = Slot()
        let n = 10_000
        let producer = Thread {
            for i in 0..<n {
                slot.lock.lock()
                while slot.item != nil { slot.lock.wait() }
                slot.item = i
                slot.lock.broadcast()
                slot.lock.unlock()
            }
            slot.lock.lock()
            while slot.item != nil { slot.lock.wait() }
            slot.done = true
            slot.lock.broadcast()
            slot.lock.unlock()
        }
        let finished = DispatchSemaphore(value: 0)
        let consumer = Thread {
            slot.lock.lock()
            while true {
                while slot.item == nil && !slot.done { slot.lock.wait() }
                guard let i = slot.item else { break }
                slot.received.append(i)
                slot.item = nil
                slot.lock.broadcast()
            }
            slot.lock.unlock()
            finished.signal()
        }
        consumer.start()
        producer.start()
        finished.wait()
        #expect(slot.received == Array(0..<n))
    }
}

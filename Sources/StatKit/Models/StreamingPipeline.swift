import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Two-stage pipeline for streaming passes: a producer (reading and evaluating blocks, in
/// order) and a consumer (folding them into an accumulator, in the same order), on two
/// threads or, with one thread, one after the other for each item.
///
/// Every item is produced and consumed in the same order either way, and each stage's
/// state is touched by one thread only, so the results are the same bytes with one thread
/// or two: the second thread only overlaps the stages in time.
enum StreamingPipeline {
    /// Runs `produce`, which calls `emit` for each item, and `consume` on every item, in
    /// the order emitted.
    /// - Parameters:
    ///   - threads: 1 for inline, ≥ 2 for a producer thread and a bounded queue.
    ///   - capacity: items the producer may have ready ahead of the consumer (≥ 1).
    /// - Throws: the first error of either stage; the other stage then stops (a producer
    ///   blocked on a full queue is released, its `emit` throwing).
    static func run<Item: Sendable>(threads: Int, capacity: Int = 4,
                                           produce: @escaping @Sendable (_ emit: (Item) throws(RegressionError) -> Void) throws(RegressionError) -> Void,
                                           consume: (Item) throws(RegressionError) -> Void) throws(RegressionError) {
        if threads <= 1 {
            try produce { (item: Item) throws(RegressionError) in try consume(item) }
            return
        }
        let channel = Channel<Item>(capacity: max(1, capacity))
        let done = DispatchGroup()
        done.enter()
        DispatchQueue.global().async {
            do throws(RegressionError) {
                try produce { (item: Item) throws(RegressionError) in
                    guard channel.push(item) else { throw RegressionError.inconsistentInput("cancelled") }
                }
                channel.finish(nil)
            } catch {
                channel.finish(error)
            }
            done.leave()
        }
        var failure: RegressionError? = nil
        while let item = channel.pop() {
            do { try consume(item) } catch {
                failure = error
                channel.cancel()
                break
            }
        }
        done.wait()
        if let failure { throw failure }
        if let e = channel.error { throw e }
    }

    /// A bounded FIFO between the two threads.
    final class Channel<Item: Sendable>: @unchecked Sendable {
        private let condition = ConditionLock()
        private var items: [Item] = []
        private var finished = false
        private var cancelled = false
        private(set) var error: RegressionError?
        let capacity: Int

        init(capacity: Int) { self.capacity = capacity }

        /// Blocks while full; `false` when the consumer gave up.
        func push(_ item: Item) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while items.count >= capacity && !cancelled { condition.wait() }
            if cancelled { return false }
            items.append(item)
            condition.broadcast()
            return true
        }

        /// Blocks while empty; `nil` at the end (or after an error).
        func pop() -> Item? {
            condition.lock()
            defer { condition.unlock() }
            while items.isEmpty && !finished { condition.wait() }
            if items.isEmpty { return nil }
            let item = items.removeFirst()  // at most `capacity` items: cheap, and no stale references
            condition.broadcast()
            return item
        }

        func finish(_ e: RegressionError?) {
            condition.lock()
            error = e
            finished = true
            condition.broadcast()
            condition.unlock()
        }

        func cancel() {
            condition.lock()
            cancelled = true
            condition.broadcast()
            condition.unlock()
        }
    }
}

/// State owned by the producer stage, read back by the caller after the pass ends.
final class ProducerState<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}

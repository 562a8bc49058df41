#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import LayoffKit

/// ``BackgroundWork``: results, and the lowered priority of `niceness` pieces.
struct BackgroundWorkTests {
    @Test func resultsComeBackWithAndWithoutNiceness() {
        let plain = BackgroundWork { (1...1000).reduce(0, +) }
        let nice = BackgroundWork(niceness: 10) { (1...1000).reduce(0, +) }
        #expect(plain.wait() == 500_500)
        #expect(nice.wait() == 500_500)
    }

    #if os(Linux)
    /// The piece's thread runs at the nice value asked for (when it is above the process's),
    /// and the calling thread keeps its own.
    @Test func nicenessAppliesToThePiecesThreadOnly() {
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        let before = getpriority(which, 0)
        let target = min(19, max(before, 0) + 7)
        let inside = BackgroundWork(niceness: target) { getpriority(which, 0) }.wait()
        #expect(inside == target)
        #expect(getpriority(which, 0) == before)
    }
    #endif
}

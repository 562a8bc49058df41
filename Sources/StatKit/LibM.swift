#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The C library's elementary functions under names of their own, for code inside types
/// that have members called `log`, `exp` or `pow` (a formula's function cases), where the
/// bare name would mean the member.
///
/// StatKit calls the C library directly rather than through Foundation: importing
/// Foundation loads Foundation, its internationalisation library and ICU into every
/// program that links StatKit (≈ 6 MiB of resident pages and a few ms of start-up for the
/// `layoffs` CLI) for functions the C library already has. Foundation re-exports these
/// same functions, so results are the same bits.
enum LibM {
    @inline(__always) static func log(_ x: Double) -> Double {
        #if canImport(Glibc)
        Glibc.log(x)
        #else
        Darwin.log(x)
        #endif
    }
    @inline(__always) static func log1p(_ x: Double) -> Double {
        #if canImport(Glibc)
        Glibc.log1p(x)
        #else
        Darwin.log1p(x)
        #endif
    }
    @inline(__always) static func log2(_ x: Double) -> Double {
        #if canImport(Glibc)
        Glibc.log2(x)
        #else
        Darwin.log2(x)
        #endif
    }
    @inline(__always) static func log10(_ x: Double) -> Double {
        #if canImport(Glibc)
        Glibc.log10(x)
        #else
        Darwin.log10(x)
        #endif
    }
    @inline(__always) static func exp(_ x: Double) -> Double {
        #if canImport(Glibc)
        Glibc.exp(x)
        #else
        Darwin.exp(x)
        #endif
    }
    @inline(__always) static func pow(_ x: Double, _ y: Double) -> Double {
        #if canImport(Glibc)
        Glibc.pow(x, y)
        #else
        Darwin.pow(x, y)
        #endif
    }
}

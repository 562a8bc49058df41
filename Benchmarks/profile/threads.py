#!/usr/bin/env python3
"""Per-thread view of one run of a command, from `perf`: where each thread spends its time,
when cores sit idle, and what the threads wait on.

    Benchmarks/profile/threads.sh -- .build/release/layoffs report --data E --fundamentals F --out /tmp/r.md

`threads.sh` records two perf files (CPU samples with call stacks, and scheduler switches
with DWARF stacks) and calls this script, which prints:

1. a timeline in buckets of --bucket ms: per thread, the share of the bucket it ran and
   its most frequent function (the first frame that is not a kernel or allocator helper);
   and the bucket's total, in cores (2.00 = both cores of this machine busy);
2. the buckets where fewer than --busy cores ran, as a list (the gaps worth closing);
3. every wait of a thread longer than --wait ms (it slept on a lock, condition or page),
   with the frames that put it to sleep.

Only the standard library is used, so it runs anywhere perf does.
"""
import argparse
import collections
import re
import subprocess
import sys

# Frames that say little about which part of the program ran: kernel paths, allocator and
# runtime helpers. The first frame not matching is shown.
NOISE = re.compile(
    r"^(\[unknown\]|_raw_|__?raw_|clear_page|exc_page_fault|asm_|do_|__do_|handle_|__handle_|"
    r"alloc_|__alloc|get_page|vma_|__vma|mas_|lock_|charge|__mem|mem(cg|set|move|cpy)|__memset|__memmove|"
    r"__memcpy|pte|__pte|next_uptodate|filemap|folio|__folio|__list|lru|__lru|irqentry|entry_|syscall|"
    r"__x64|__schedule|schedule|futex|__futex|finish_task|swift_(retain|release|allocObject|deallocObject|beginAccess)|"
    r"_int_|malloc|free|cfree|__GI_|__libc_|perf_|native_|flush_|tlb|__tlb|unmap|zap|release_pages|"
    r"smp_|__smp|rcu|__rcu|uncharge|__uncharge|mod_|__mod|_copy|copy_|ext4|iomap|blk_)"
)


def read_samples(path):
    """(tid, time, frames) for each sample of `perf script -F tid,time,ip,sym` output."""
    out, cur = [], None
    head = re.compile(r"^\s*(\d+)\s+([\d.]+):")
    for line in open(path, errors="replace"):
        m = head.match(line)
        if m:
            cur = [int(m[1]), float(m[2]), []]
            out.append(cur)
            continue
        if cur is not None and line.strip():
            parts = line.strip().split(None, 1)
            if len(parts) == 2:
                cur[2].append(parts[1])
    return out


def read_switches(path):
    """Scheduler switches: (time, prev tid, prev state, next tid, frames of prev)."""
    out, cur = [], None
    sw = re.compile(r"^\s*\d+\s+([\d.]+):.*prev_pid=(\d+) .*prev_state=(\S+) ==> .*next_pid=(\d+)")
    for line in open(path, errors="replace"):
        m = sw.match(line)
        if m:
            cur = [float(m[1]), int(m[2]), m[3], int(m[4]), []]
            out.append(cur)
            continue
        if cur is not None and line.strip():
            parts = line.strip().split(None, 1)
            if len(parts) == 2:
                cur[4].append(parts[1])
    return out


def label(frames):
    for f in frames:
        name = f.split("(")[0].strip()
        if not NOISE.match(name):
            return name
    return frames[0].split("(")[0].strip() if frames else "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("samples", help="perf script output of the CPU samples (demangled)")
    ap.add_argument("switches", nargs="?", help="perf script output of sched:sched_switch (demangled)")
    ap.add_argument("--hz", type=float, default=2000, help="sampling frequency used (default 2000)")
    ap.add_argument("--bucket", type=float, default=10, help="bucket width in ms (default 10)")
    ap.add_argument("--busy", type=float, default=1.7, help="list buckets running fewer cores than this")
    ap.add_argument("--wait", type=float, default=1.0, help="list waits longer than this, in ms")
    ap.add_argument("--width", type=int, default=30, help="characters of each function name")
    a = ap.parse_args()

    samples = read_samples(a.samples)
    if not samples:
        sys.exit("no samples")
    t0 = min(s[1] for s in samples)
    tids = sorted({s[0] for s in samples}, key=lambda t: min(s[1] for s in samples if s[0] == t))
    per = a.hz * a.bucket / 1000  # samples of one fully busy thread per bucket
    buckets = collections.defaultdict(collections.Counter)
    names = collections.defaultdict(collections.Counter)
    for tid, t, frames in samples:
        b = int((t - t0) * 1000 / a.bucket)
        buckets[b][tid] += 1
        names[(b, tid)][label(frames)] += 1
    last = max(buckets)
    print(f"threads in order of first sample: {', '.join(str(t) for t in tids)}; "
          f"{a.bucket:g} ms buckets, {per:g} samples = one busy thread")
    gaps = []
    for b in range(last + 1):
        cores = sum(buckets[b].values()) / per
        cells = []
        for tid in tids:
            n = buckets[b][tid]
            if n:
                top = names[(b, tid)].most_common(1)[0][0][: a.width]
                cells.append(f"{tid % 10000:>4}:{n / per:4.0%} {top:<{a.width}}")
        print(f"{b * a.bucket:6.0f} ms {cores:4.2f} | " + " | ".join(cells))
        if cores < a.busy and b < last:
            gaps.append((b * a.bucket, cores))
    if gaps:
        lost = sum(max(0.0, 2 - c) * a.bucket for _, c in gaps)
        print(f"\nbuckets under {a.busy} cores: {len(gaps)} ({lost:.0f} core-ms idle, assuming 2 cores): "
              + ", ".join(f"{t:.0f}ms:{c:.2f}" for t, c in gaps))

    if a.switches:
        sw = read_switches(a.switches)
        asleep = {}
        waits = []
        for t, prev, state, nxt, frames in sw:
            if state.startswith(("S", "D")):
                asleep[prev] = (t, state, frames)
            if nxt in asleep:
                start, st, fr = asleep.pop(nxt)
                ms = (t - start) * 1000
                if ms >= a.wait:
                    user = [f.split("(")[0].strip() for f in fr if not NOISE.match(f.split("(")[0].strip())]
                    waits.append(((start - t0) * 1000, ms, nxt, st, user[:5]))
        print(f"\nwaits ≥ {a.wait:g} ms (start, length, thread, state, frames):")
        for start, ms, tid, st, user in waits:
            print(f"  {start:7.1f} ms +{ms:6.1f} ms  {tid % 10000:>4} {st}  " + " < ".join(u[:50] for u in user))


if __name__ == "__main__":
    main()

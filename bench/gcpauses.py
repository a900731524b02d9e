#!/usr/bin/env python3
"""Stop-the-world pause distribution from GODEBUG=gctrace=1 output (gc's line format).

    GODEBUG=gctrace=1 ./prog 2> trace.txt; python3 bench/gcpauses.py trace.txt [...]

For each file: the number of cycles, and p50/p99/max of the pauses, where a cycle's pauses
are its first and third wall-clock phases (sweep termination and mark termination, the two
stop-the-world phases; the second is the concurrent mark). The line is parsed with one
regular expression, the same for rgo and gc. Standard library only.
"""

import re
import sys

LINE = re.compile(
    r"^gc (\d+) @([\d.]+)s (\d+)%: ([\d.]+)\+([\d.]+)\+([\d.]+) ms clock, "
    r"([\d.]+)\+([\d.]+)/([\d.]+)/([\d.]+)\+([\d.]+) ms cpu, "
    r"(\d+)->(\d+)->(\d+) MB, (\d+) MB goal, (\d+) MB stacks, (\d+) MB globals, (\d+) P( \(forced\))?$"
)


def percentile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else 0.0


def main():
    print(f"{'trace':40} {'cycles':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for path in sys.argv[1:]:
        pauses, bad = [], 0
        for line in open(path, errors="replace"):
            if not line.startswith("gc "):
                continue
            m = LINE.match(line.rstrip("\n"))
            if not m:
                bad += 1
                continue
            pauses += [float(m.group(4)), float(m.group(6))]
        cycles = len(pauses) // 2
        print(f"{path[-40:]:40} {cycles:6} {percentile(pauses, 0.5):8.3f} "
              f"{percentile(pauses, 0.99):8.3f} {max(pauses, default=0):8.3f}")
        if bad:
            print(f"  {bad} gc lines did not match the format", file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Compares rgo with gc 1.19 on the programs bench/*/main.go. See bench/README.md.

For each benchmark it measures three steps under both toolchains, interleaved (rgo and gc
alternate, in alternating order, run after run, so machine noise hits both alike):

    run    `rgo run main.go`            vs  `go run main.go`
    build  `rgo build -o X main.go`     vs  `go build -o X main.go`
    exe    running the X built above    (both)

and prints the median wall time, the ratio rgo/gc, and the peak RSS (the largest resident
set of the process tree, from wait4's rusage). Each gc command gets an empty GOCACHE unless
--warm-gocache is given, so gc compiles the program every time as rgo does (the standard
library stays precompiled in GOROOT/pkg for gc). Standard library only.

Commands are started by a tiny helper built with gc (SPAWN_GO below), not by Python: Linux
charges the RSS of the process that forks to the child's ru_maxrss (it is the child's memory
until exec), so forking from Python would put a ~14 MB floor under every measurement; the
helper's floor is ~1.5 MB. The helper also takes the wall time, excluding its own start-up.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("run", "build", "exe")


SPAWN_GO = r"""
// spawn RESULT CMD ARGS...: runs CMD with our stdio, cwd and environment, then writes
// "<wall ns> <ru_maxrss KiB> <exit status>" to RESULT.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	path, err := exec.LookPath(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "spawn:", err)
		os.Exit(127)
	}
	start := time.Now()
	pid, err := syscall.ForkExec(path, os.Args[2:], &syscall.ProcAttr{
		Env: os.Environ(), Files: []uintptr{0, 1, 2},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "spawn:", err)
		os.Exit(127)
	}
	var ws syscall.WaitStatus
	var ru syscall.Rusage
	for {
		if _, err := syscall.Wait4(pid, &ws, 0, &ru); err != syscall.EINTR {
			break
		}
	}
	wall := time.Since(start).Nanoseconds()
	code := ws.ExitStatus()
	if ws.Signaled() {
		code = 128 + int(ws.Signal())
	}
	os.WriteFile(os.Args[1], []byte(fmt.Sprintf("%d %d %d\n", wall, ru.Maxrss, code)), 0o644)
}
"""


def build_spawn(go, tmp):
    """Builds the measuring helper with gc; returns its path."""
    src, exe = tmp / "spawn.go", tmp / "spawn"
    src.write_text(SPAWN_GO)
    env = dict(os.environ, GOCACHE=str(tmp / "gocache"), GOFLAGS="", GO111MODULE="off")
    subprocess.run([str(go), "build", "-o", str(exe), str(src)], check=True, env=env, cwd=tmp)
    return exe


SPAWN = None  # set in main()


def measure(cmd, cwd, env=None, capture=False):
    """Runs cmd; returns (seconds, peak RSS in bytes, exit status, output or None)."""
    with tempfile.NamedTemporaryFile("r", prefix="spawn-") as result:
        proc = subprocess.run(
            [str(SPAWN), result.name, *cmd], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
            stderr=subprocess.STDOUT if capture else subprocess.DEVNULL,
        )
        fields = result.read().split()
    if len(fields) != 3:
        sys.exit(f"compare.py: could not run {' '.join(cmd)}")
    wall_ns, maxrss_kib, code = map(int, fields)
    return wall_ns / 1e9, maxrss_kib * 1024, code, proc.stdout


class Toolchain:
    def __init__(self, name, binary, fresh_cache):
        self.name, self.binary, self.fresh_cache = name, binary, fresh_cache
        self.tmp = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))

    def env(self):
        env = dict(os.environ)
        if self.fresh_cache:
            cache = tempfile.mkdtemp(dir=self.tmp, prefix="gocache-")
            env["GOCACHE"] = cache
        return env

    def command(self, step, exe, args):
        if step == "run":
            return [str(self.binary), "run", "main.go", *args]
        if step == "build":
            return [str(self.binary), "build", "-o", str(exe), "main.go"]
        return [str(exe), *args]

    def measure(self, step, bench, args, capture=False):
        exe = self.tmp / f"{bench.name}.exe"
        env = self.env()
        try:
            return measure(self.command(step, exe, args), bench, env, capture)
        finally:
            if self.fresh_cache:
                shutil.rmtree(env["GOCACHE"], ignore_errors=True)


def fmt_ms(seconds):
    return f"{seconds * 1000:.1f}"


def fmt_mb(nbytes):
    return f"{nbytes / 2**20:.1f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("benchmarks", nargs="*", help="benchmark names (directories of bench/); default all")
    ap.add_argument("-n", "--runs", type=int, default=10, help="timed runs per step and toolchain (default 10)")
    ap.add_argument("--rgo", default=str(ROOT / "target/release/rgo"), help="rgo binary (default target/release/rgo)")
    ap.add_argument("--go", default="/usr/lib/go-1.19/bin/go", help="gc 1.19 go command")
    ap.add_argument("--warm-gocache", action="store_true", help="let gc use its build cache")
    opts = ap.parse_args()

    go, rgo = Path(opts.go), Path(opts.rgo).resolve()
    if not os.access(go, os.X_OK):
        sys.exit(f"compare.py: gc not found at {go}: install it with `apt-get install golang-1.19-go` (or pass --go)")
    if not os.access(rgo, os.X_OK):
        sys.exit(f"compare.py: rgo not found at {rgo}: build it with `cargo build --release -p rgo` (or pass --rgo)")

    benches = sorted(p.parent for p in (ROOT / "bench").glob("*/main.go"))
    if opts.benchmarks:
        benches = [b for b in benches if b.name in opts.benchmarks]
        if not benches:
            sys.exit(f"compare.py: no benchmark named {' '.join(opts.benchmarks)} under bench/")

    global SPAWN
    chains = [Toolchain("rgo", rgo, False), Toolchain("gc", go, not opts.warm_gocache)]
    rows = []
    try:
        SPAWN = build_spawn(go, chains[1].tmp)
        for bench in benches:
            args_file = bench / "args"
            args = args_file.read_text().split() if args_file.exists() else []
            # Untimed warm-up that also checks both agree on the program's output.
            outputs = {}
            for chain in chains:
                for step in ("build", "run"):
                    _, _, code, out = chain.measure(step, bench, args, capture=True)
                    if code != 0:
                        print(f"warning: {bench.name}: `{chain.name} {step}` exited {code}:\n"
                              f"{out.decode(errors='replace')}", file=sys.stderr)
                outputs[chain.name] = out
            if outputs["rgo"] != outputs["gc"]:
                print(f"warning: {bench.name}: rgo and gc print different output", file=sys.stderr)

            samples = {(c.name, s): [] for c in chains for s in STEPS}
            for i in range(opts.runs):
                order = chains if i % 2 == 0 else chains[::-1]
                for step in STEPS:
                    for chain in order:
                        t, rss, _, _ = chain.measure(step, bench, args)
                        samples[chain.name, step].append((t, rss))
                print(f"\r{bench.name}: {i + 1}/{opts.runs} runs", end="", file=sys.stderr, flush=True)
            print(file=sys.stderr)
            for step in STEPS:
                r = samples["rgo", step]
                g = samples["gc", step]
                rt = statistics.median(t for t, _ in r)
                gt = statistics.median(t for t, _ in g)
                rows.append((bench.name, step, fmt_ms(rt), fmt_ms(gt), f"{rt / gt:.2f}",
                             fmt_mb(max(m for _, m in r)), fmt_mb(max(m for _, m in g))))
    finally:
        for chain in chains:
            shutil.rmtree(chain.tmp, ignore_errors=True)

    header = ("benchmark", "step", "rgo ms", "gc ms", "rgo/gc", "rgo RSS MB", "gc RSS MB")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print(f"median of {opts.runs} runs; peak RSS is the maximum over the runs")
    for row in [header, *rows]:
        print("  ".join(str(v).ljust(w) if i < 2 else str(v).rjust(w)
                        for i, (v, w) in enumerate(zip(row, widths))))


if __name__ == "__main__":
    main()

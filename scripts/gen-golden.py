#!/usr/bin/env python3
"""Regenerates the expected results of tests/run and tests/errors from gc 1.19.

    scripts/gen-golden.py                     # every test
    scripts/gen-golden.py tests/run/fib.go    # just these

tests/run/X.go:    builds with `go tool compile` + `go tool link`, runs the binary in
                   tests/run as `./X` with the arguments of X.args (one per line), and writes
                   the combined stdout+stderr to X.out and a non-zero exit status to X.exitcode.
                   An X.out containing a `[...]` line is a hand-edited pattern: it is kept,
                   and only checked against the new output.
tests/errors/X.go: runs `go tool compile -o TMP X.go` in tests/errors and writes its
                   output to X.err.

See tests/README.md for the conventions. Standard library only.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

GO = os.environ.get("GO", "/usr/lib/go-1.19/bin/go")
ROOT = Path(__file__).resolve().parent.parent
WILDCARD = b"[...]"


def lines(data: bytes) -> list[bytes]:
    """Output as lines, the way tests/README.md defines pattern matching."""
    parts = data.split(b"\n")
    if parts and parts[-1] == b"":
        parts.pop()
    return parts


def glob_match(pattern: list[bytes], got: list[bytes]) -> bool:
    """`[...]` matches any run of lines (possibly none); other lines match exactly."""
    if not pattern:
        return not got
    if pattern[0] == WILDCARD:
        return any(glob_match(pattern[1:], got[i:]) for i in range(len(got) + 1))
    return bool(got) and got[0] == pattern[0] and glob_match(pattern[1:], got[1:])


def gen_run(src: Path) -> bool:
    args_file = src.with_suffix(".args")
    args = args_file.read_text().splitlines() if args_file.exists() else []
    with tempfile.TemporaryDirectory() as tmp:
        exe = Path(tmp) / src.stem
        for cmd in (
            [GO, "tool", "compile", "-p=main", "-o", f"{exe}.a", src.name],
            [GO, "tool", "link", "-o", str(exe), f"{exe}.a"],
        ):
            r = subprocess.run(cmd, cwd=src.parent, capture_output=True)
            if r.returncode != 0:
                print(f"{src}: gc failed:\n{(r.stdout + r.stderr).decode()}", file=sys.stderr)
                return False
        # One pipe for both streams keeps their interleaving.
        r = subprocess.run(
            [str(exe), *args], cwd=src.parent, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=120,
        )
    out_file, code_file = src.with_suffix(".out"), src.with_suffix(".exitcode")
    if out_file.exists() and WILDCARD in lines(out_file.read_bytes()):
        if not glob_match(lines(out_file.read_bytes()), lines(r.stdout)):
            print(f"{out_file}: pattern no longer matches gc's output:\n{r.stdout.decode()}",
                  file=sys.stderr)
            return False
        print(f"{out_file}: kept (pattern matches gc's output)")
    else:
        out_file.write_bytes(r.stdout)
        print(f"{out_file}: written")
    if r.returncode != 0:
        code_file.write_text(f"{r.returncode}\n")
    elif code_file.exists():
        code_file.unlink()
    return True


def gen_error(src: Path) -> bool:
    # Never `-o /dev/null`: on errors gc deletes its output file, and as root that
    # deletes /dev/null itself.
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run(
            [GO, "tool", "compile", "-o", str(Path(tmp) / "x.o"), src.name],
            cwd=src.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
    if r.returncode != 1:
        print(f"{src}: expected gc to exit 1, got {r.returncode}", file=sys.stderr)
        return False
    src.with_suffix(".err").write_bytes(r.stdout)
    print(f"{src.with_suffix('.err')}: written")
    return True


def main() -> int:
    if not Path(GO).exists():
        print(f"{GO} not found: apt-get install golang-1.19-go (or set GO=...)", file=sys.stderr)
        return 2
    files = [Path(a).resolve() for a in sys.argv[1:]] or sorted(
        [*ROOT.glob("tests/run/*.go"), *ROOT.glob("tests/errors/*.go")])
    ok = True
    for src in files:
        ok &= gen_error(src) if src.parent.name == "errors" else gen_run(src)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# A stand-in for the rgo binary, backed by gc 1.19, for validating the test harnesses
# (conformance runner, golden tests, benchmarks) before or independently of rgo itself:
#
#   rgo-conformance --rgo scripts/fake-rgo-gc.sh --filter ken/
#   RGO_BIN=$PWD/scripts/fake-rgo-gc.sh cargo test -p rgo --test golden
#
# It implements `run FILE.go... [ARGS]` and `build -o OUT FILE.go...` the way run.go's
# fast path does (go tool compile + go tool link), so compile errors read `file.go:L:C: msg`
# with the path as given, and the program's own exit status comes through (`go run` would
# turn it into 1 and print "exit status N").
set -uo pipefail
GO=${GO:-/usr/lib/go-1.19/bin/go}

usage() { echo "usage: fake-rgo-gc.sh run FILE.go... [ARGS] | build -o OUT FILE.go..." >&2; exit 2; }

# compile OUT FILE.go...: compile and link the files as package main into OUT.
compile() {
    local out=$1; shift
    "$GO" tool compile -p=main -o "$out.a" "$@" || return 1
    "$GO" tool link -s -w -o "$out" "$out.a" || return 1
    rm -f "$out.a"
}

[[ $# -ge 1 ]] || usage
cmd=$1; shift
case $cmd in
run)
    # Like `go run`: the leading *.go arguments are the package, the rest go to the program.
    files=()
    while [[ $# -gt 0 && $1 == *.go ]]; do files+=("$1"); shift; done
    [[ ${#files[@]} -gt 0 ]] || usage
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/fake-rgo.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    compile "$tmp/prog" "${files[@]}" || exit 1
    "$tmp/prog" "$@"
    exit $?
    ;;
build)
    [[ $# -ge 3 && $1 == -o ]] || usage
    out=$2; shift 2
    compile "$out" "$@" || exit 1
    ;;
*)
    usage
    ;;
esac

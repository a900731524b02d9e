#!/usr/bin/env bash
# Runs every test of the repository; the one command CI runs (.ci/run).
#
#   1. installs Go 1.19's test corpus (and gc, which ~24 corpus tests invoke) if missing
#   2. cargo build --release --workspace            (builds rgo and rgo-conformance once)
#   3. cargo test  --release --workspace            (unit tests + tests/run, tests/errors golden tests,
#                                                    each run program also through `rgo build`)
#   4. rgo-conformance --check-list tests/conformance/passing.txt
#
# Exits non-zero if the build fails, a cargo test fails, or a conformance test listed in
# tests/conformance/passing.txt no longer passes. Conformance tests not on the list may fail
# freely; scripts/update-passing.sh adds the new passes to the list.
#
# Environment: JOBS (default nproc), CONFORMANCE_TIMEOUT (per test, default 10 s),
# CONFORMANCE_DEADLINE (no test starts after this many seconds, default 2700),
# GOROOT_1_19 (default /usr/lib/go-1.19), CARGO_TARGET_DIR (default ./target).
set -uo pipefail

cd "$(dirname "$0")/.."
GOROOT_1_19=${GOROOT_1_19:-/usr/lib/go-1.19}
JOBS=${JOBS:-$(nproc)}
TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

step() { printf '\n==> %s\n' "$*"; }
die() { printf '\nFAIL: %s\n' "$*" >&2; exit 1; }

# --- 1. prerequisites ---------------------------------------------------------------------
command -v cargo >/dev/null || die "cargo not found: install a Rust toolchain (rustup.rs)"

missing=()
[[ -f $GOROOT_1_19/test/run.go ]] || missing+=(golang-1.19-src)
[[ -x $GOROOT_1_19/bin/go ]] || missing+=(golang-1.19-go)
if [[ ${#missing[@]} -gt 0 ]]; then
    step "installing ${missing[*]}"
    sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo -n)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -q </dev/null &&
        "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null ||
        die "could not install ${missing[*]} (need root or passwordless sudo and apt)"
    [[ -f $GOROOT_1_19/test/run.go ]] || die "no Go test corpus at $GOROOT_1_19/test after install"
fi

# --- 2. build (once; the tests below reuse this release build) ---------------------------
step "cargo build --release --workspace"
cargo build --release --workspace </dev/null || die "cargo build failed (see the errors above)"
rgo=$TARGET_DIR/release/rgo
runner=$TARGET_DIR/release/rgo-conformance
[[ -x $rgo ]] || die "build succeeded but $rgo is missing (is the CLI crate still named rgo?)"
[[ -x $runner ]] || die "build succeeded but $runner is missing"

# --- 3. cargo tests ------------------------------------------------------------------------
step "cargo test --release --workspace"
RGO_GOLDEN_BUILD=1 cargo test --release --workspace </dev/null
cargo_status=$?

# --- 4. conformance ------------------------------------------------------------------------
step "conformance: Go's test/ // run programs (listed ones must pass)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$runner" --rgo "$rgo" --goroot "$GOROOT_1_19" -j "$JOBS" \
    --timeout "${CONFORMANCE_TIMEOUT:-10}" --deadline "${CONFORMANCE_DEADLINE:-2700}" \
    --check-list tests/conformance/passing.txt </dev/null | tee "$log"
conformance_status=${PIPESTATUS[0]}

echo
echo "conformance: $(tail -n 1 "$log")"
status=0
if [[ $cargo_status -ne 0 ]]; then
    echo "FAIL: cargo test --release --workspace (exit $cargo_status)"
    status=1
fi
if [[ $conformance_status -ne 0 ]]; then
    echo "FAIL: conformance tests listed in tests/conformance/passing.txt stopped passing (or the runner failed: exit $conformance_status)"
    status=1
fi
[[ $status -eq 0 ]] && echo "OK: all tests passed"
exit $status

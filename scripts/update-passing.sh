#!/usr/bin/env bash
# Rewrites tests/conformance/passing.txt from a full conformance run: afterwards the list is
# exactly the Go test/ programs that pass now, which scripts/test.sh then requires to keep
# passing. Review the printed additions and removals before committing.
#
# Environment: JOBS (default nproc), CONFORMANCE_TIMEOUT (default 10), GOROOT_1_19,
# CARGO_TARGET_DIR — as for scripts/test.sh.
set -euo pipefail

cd "$(dirname "$0")/.."
GOROOT_1_19=${GOROOT_1_19:-/usr/lib/go-1.19}
TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
list=tests/conformance/passing.txt

cargo build --release -p rgo -p rgo-conformance
old=$(mktemp)
trap 'rm -f "$old"' EXIT
cp "$list" "$old" 2>/dev/null || : >"$old"

# A failing run is expected (exit 1); only setup errors (exit 2) are fatal.
status=0
"$TARGET_DIR/release/rgo-conformance" --rgo "$TARGET_DIR/release/rgo" --goroot "$GOROOT_1_19" \
    -j "${JOBS:-$(nproc)}" --timeout "${CONFORMANCE_TIMEOUT:-10}" --write-list "$list" || status=$?
[[ $status -le 1 ]] || exit "$status"

echo
echo "added to $list:"
comm -13 <(sort "$old") <(sort "$list") | sed 's/^/    /'
echo "removed from $list:"
comm -23 <(sort "$old") <(sort "$list") | sed 's/^/    /'
echo "$list now lists $(wc -l <"$list") tests"

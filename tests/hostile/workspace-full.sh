#!/bin/sh
# workspace-full.sh: `aiotutor workspace DIR` when the files cannot be
# written (issue 8: a write error is reported, nothing half-written stays).
#
# 1. A write error: `ulimit -f 0` with SIGXFSZ ignored makes every write to
#    a regular file fail (EFBIG), for root too. The command must exit 1,
#    name each file with the reason, and leave no partial starter file:
#    a later run keeps existing files as the student's work, so a
#    truncated one would never be repaired.
# 2. The same folder once writes work again: every starter file written.
# 3. A real full disk (ENOSPC) on a 4 KiB tmpfs, when this machine lets an
#    unprivileged user namespace mount one (unshare -rm); parts 1 and 2
#    run everywhere.
# The command's output goes through a pipe: under the file size limit a
# redirect to a file could not be written either.
set -u
top=$(pwd)
bin=$top/app/aiotutor
[ -x "$bin" ] || { echo "workspace-full.sh: $bin is not built" >&2; exit 99; }
work=$(mktemp -d "${TMPDIR:-/tmp}/wsfull.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# 1. every write fails
ws=$work/ws
(
    trap '' XFSZ
    ulimit -f 0
    "$bin" workspace "$ws" 2>&1
    echo "exit $?"
) | cat >"$work/out1"
grep -q '^exit 1$' "$work/out1" || bad "write error: exit status is not 1: $(tail -n 1 "$work/out1")"
nerr=$(grep -c "^aiotutor: workspace: can't write '$ws/[0-9][0-9]-.*\.py': File too large$" "$work/out1")
[ "$nerr" -gt 0 ] || bad "write error: no \"can't write '...': File too large\" line"
left=$(ls -A "$ws" 2>/dev/null | wc -l)
[ "$left" -eq 0 ] || bad "write error: $left partial file(s) left in the workspace: $(ls -A "$ws" | head -n 3)"
[ "$fail" -eq 0 ] && echo "ok: write error reported for $nerr file(s), none left half-written"

# 2. writes work again: everything is written, nothing "kept"
"$bin" workspace "$ws" >"$work/out2" 2>&1
rc=$?
[ "$rc" -eq 0 ] || bad "second run: exit $rc"
grep -q "^$nerr starter files written, 0 kept" "$work/out2" ||
    bad "second run: expected '$nerr starter files written, 0 kept': $(tail -n 1 "$work/out2")"
for f in "$ws"/*.py; do
    [ -s "$f" ] || bad "second run: $f is empty"
done
[ "$fail" -eq 0 ] && echo "ok: once writes work, all $nerr starter files are written"

# 3. a real full disk, where a user namespace may mount a tmpfs
if unshare -rm true 2>/dev/null; then
    mkdir -p "$work/mnt"
    unshare -rm sh -c '
        mount -t tmpfs -o size=4k wsfull "$1" || exit 3
        dd if=/dev/zero of="$1/filler" bs=1k count=64 2>/dev/null
        "$2" workspace "$1/ws" 2>&1
        echo "exit $?"
        ls -A "$1/ws" | wc -l | sed "s/^/files /"
    ' sh "$work/mnt" "$bin" >"$work/out3" 2>&1 || true
    if grep -q "^exit 1$" "$work/out3" &&
        grep -q "can't write '.*': No space left on device$" "$work/out3" &&
        grep -q "^files 0$" "$work/out3"; then
        echo "ok: a full tmpfs: 'No space left on device' reported, no partial file"
    else
        bad "full tmpfs:"
        sed 's/^/    | /' "$work/out3" | tail -n 8
    fi
else
    echo "note: no user namespaces here, so no real full disk; parts 1-2 ran"
fi
exit $fail

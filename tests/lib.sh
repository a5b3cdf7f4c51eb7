# tests/lib.sh: what the shell tests of `aiotutor run` share, sourced as
# `. "$(dirname "$0")/lib.sh" NAME` from a build directory: $bin, a scratch
# folder $work (removed at exit), the verdict $fail, expect/reject (a grep
# -E over a file that must or must not match), and $work/seed.py, the seed's
# own gather of two one-second sleeps.
bin=./app/aiotutor
work=$(mktemp -d "${TMPDIR:-/tmp}/${1:-test}.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
fail=0

expect() { # FILE WHAT GREP-ARGS...
    f=$1 what=$2
    shift 2
    if grep -q -E "$@" "$f"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}
reject() { # FILE WHAT GREP-ARGS...
    f=$1 what=$2
    shift 2
    if grep -q -E "$@" "$f"; then echo "FAIL: $what"; fail=1; else echo "ok: $what"; fi
}

cat >"$work/seed.py" <<'PY'
import asyncio

async def function1():
    await asyncio.sleep(1)
    print("func 1")

async def function2():
    await asyncio.sleep(1)
    print("func 2")

async def main():
    await asyncio.gather(function1(), function2())

asyncio.run(main())
PY

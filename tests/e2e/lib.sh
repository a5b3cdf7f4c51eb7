# tests/e2e/lib.sh: helpers for the tmux-driven end-to-end tests.
#
# Each test runs the real aiotutor inside a detached tmux session on a
# private tmux server (its own socket), types keys with send-keys and reads
# the screen with capture-pane. Without tmux the tests FAIL: a UI test that
# cannot run has not passed.

set -u
srcdir=${srcdir:-.}
BIN=${AIOTUTOR_BIN:-./app/aiotutor}
FIXTURES="$srcdir/tests/e2e/fixtures/course"
TMUX_BIN=${TMUX_BIN:-tmux}
failures=0
checks=0

if ! command -v "$TMUX_BIN" >/dev/null 2>&1; then
    echo "FAIL: tmux is not installed; the end-to-end UI tests need it (apt-get install tmux)" >&2
    exit 1
fi
if [ ! -x "$BIN" ]; then
    echo "FAIL: $BIN was not built" >&2
    exit 1
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
FIXTURES=$(cd "$FIXTURES" && pwd)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/aiotutor-e2e.XXXXXX")
# A fresh tmux server (socket) for every start: reusing a socket right
# after kill-server races with the old server's exit.
SOCK_BASE="aiotutor-e2e-$$"
nstart=0
SOCK="$SOCK_BASE-0"
T() { "$TMUX_BIN" -L "$SOCK" "$@"; }
cleanup() {
    T kill-server >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT

pass() { checks=$((checks + 1)); echo "ok - $1"; }
fail() {
    checks=$((checks + 1)); failures=$((failures + 1))
    echo "not ok - $1"
    echo "---- screen ----"; screen; echo "----------------"
}

# start W H [ENV=VAL...] -- [ARGS...]: a shell in a new session, then the
# tutor started from it (so that quitting returns to the shell prompt).
start() {
    local w=$1 h=$2; shift 2
    local envs=""
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs="$envs $1"; shift; done
    [ $# -gt 0 ] && shift
    T kill-server >/dev/null 2>&1
    nstart=$((nstart + 1))
    SOCK="$SOCK_BASE-$nstart"
    mkdir -p "$WORK/home"
    T -f /dev/null new-session -d -s e2e -x "$w" -y "$h" \
        "env -i PATH=/usr/bin:/bin TERM=tmux-256color HOME=$WORK/home PS1='e2e\$ ' sh"
    T set-option -t e2e status off >/dev/null
    T resize-window -t e2e -x "$w" -y "$h" >/dev/null 2>&1
    # A sanitizer build's options go through to the tutor.
    local san=""
    [ -n "${ASAN_OPTIONS:-}" ] && san="ASAN_OPTIONS=$ASAN_OPTIONS"
    [ -n "${UBSAN_OPTIONS:-}" ] && san="$san UBSAN_OPTIONS=$UBSAN_OPTIONS"
    san="$san LSAN_OPTIONS=suppressions=$(cd "$srcdir" && pwd)/tests/e2e/lsan.supp:print_suppressions=0"
    T send-keys -t e2e "env XDG_STATE_HOME=$WORK/state LANG=C.UTF-8 LC_ALL= $san $envs $BIN $* ; echo __EXITED__ \$?" Enter
}

screen() { T capture-pane -p -t e2e 2>/dev/null; }
screen_escapes() { T capture-pane -p -e -t e2e 2>/dev/null; }

# wait_for REGEX [SECONDS]: until the screen matches (extended regex).
wait_for() {
    local re=$1 limit=${2:-5} i=0
    while [ $i -lt $((limit * 20)) ]; do
        if screen | grep -Eq -- "$re"; then return 0; fi
        sleep 0.05; i=$((i + 1))
    done
    return 1
}

# wait_gone REGEX [SECONDS]: until the screen no longer matches.
wait_gone() {
    local re=$1 limit=${2:-5} i=0
    while [ $i -lt $((limit * 20)) ]; do
        if ! screen | grep -Eq -- "$re"; then return 0; fi
        sleep 0.05; i=$((i + 1))
    done
    return 1
}

expect() { if wait_for "$2" "${3:-5}"; then pass "$1"; else fail "$1 (wanted /$2/)"; fi; }
expect_gone() { if wait_gone "$2" "${3:-5}"; then pass "$1"; else fail "$1 (still /$2/)"; fi; }
keys() { T send-keys -t e2e "$@"; }

# The command running in the pane: "sh" once the tutor has exited.
pane_command() { T display-message -p -t e2e '#{pane_current_command}'; }

expect_exited() {
    local status=$1
    if wait_for "__EXITED__ $status" 5 && [ "$(pane_command)" = sh ]; then
        pass "exited with status $status, back at the shell"
    else
        fail "exit with status $status (pane runs: $(pane_command))"
    fi
}

finish() {
    echo "$checks checks, $failures failed"
    [ "$failures" -eq 0 ]
}

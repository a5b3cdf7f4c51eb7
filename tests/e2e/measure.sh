#!/bin/sh
# Measures the tutor in tmux (not a pass/fail test; run by hand):
#   time to the first frame (process start to the first refresh),
#   a full redraw of a 200x60 screen (Ctrl-L: draw, copy, repaint),
#   CPU used while idle for 10 s.
# Usage: srcdir=SRC tests/e2e/measure.sh   (from the build directory)
# Wall times depend on the machine's load (report it: uptime); CPU times
# are the tutor's own work. The first frame's CPU time counts from the
# exec of the process that became the tutor (here env(1)), ld.so included.
. "${srcdir:-.}/tests/e2e/lib.sh"
TIMING="$WORK/timing"

start 100 30 AIOTUTOR_TIMING=$TIMING -- --lessons "$FIXTURES"
wait_for 'q Quit' 5 || { echo "did not start"; exit 1; }
sleep 0.2
printf 'first frame (100x30, fixtures): %s ms wall, %s ms CPU\n' \
    "$(awk '/^first_frame_ms/ {print $2}' "$TIMING")" "$(awk '/^first_frame_ms/ {print $4}' "$TIMING")"
keys q; wait_for '__EXITED__' 5
start 100 30 AIOTUTOR_TIMING=$TIMING --
wait_for 'q Quit' 5 || { echo "did not start"; exit 1; }
sleep 0.2
printf 'first frame (100x30, course):   %s ms wall, %s ms CPU\n' \
    "$(awk '/^first_frame_ms/ {print $2}' "$TIMING")" "$(awk '/^first_frame_ms/ {print $4}' "$TIMING")"
keys q; wait_for '__EXITED__' 5

start 200 60 AIOTUTOR_TIMING=$TIMING -- --lessons "$FIXTURES" --lesson 1
wait_for 'q Quit' 5
keys n; keys r
wait_for 'timeline +finished' 5
sleep 0.2
: > "$TIMING"
for i in $(seq 1 50); do keys C-l; sleep 0.02; done
sleep 0.3
awk '/frame 200x60/ { n++; s += $4; if ($4 > m) m = $4; ms += $6; cp += $8; cs += $10; if (n == 1 || $10 < cmin) cmin = $10 }
     END { printf "full redraw 200x60 (demo page): mean %.3f ms wall (model %.3f ms, copy %.3f ms, the rest ncurses repaint), max %.3f ms; CPU mean %.3f ms, min %.3f ms; %d Ctrl-L\n", s / n, ms / n, cp / n, m, cs / n, cmin, n }' "$TIMING"
keys q; wait_for '__EXITED__' 5

start 100 30 -- --lessons "$FIXTURES"
wait_for 'q Quit' 5
pid=$(T display-message -p -t e2e '#{pane_pid}')
tutor=$(ps -o pid= --ppid "$pid" | head -n 1 | tr -d ' ')
sleep 1
a=$(awk '{print $14 + $15}' /proc/"$tutor"/stat)
sleep 10
b=$(awk '{print $14 + $15}' /proc/"$tutor"/stat)
hz=$(getconf CLK_TCK)
printf 'CPU while idle for 10 s:        %d ticks (%s s, %.2f%%)\n' $((b - a)) \
    "$(echo "$b $a $hz" | awk '{printf "%.3f", ($1 - $2) / $3}')" \
    "$(echo "$b $a $hz" | awk '{printf "%.3f", ($1 - $2) / $3 / 10 * 100}')"
keys q; wait_for '__EXITED__' 5

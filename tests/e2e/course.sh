#!/bin/sh
# End-to-end on the real course (lessons/): what a student sees in lesson 1
# and in the gather demo of lesson 6.
# - A demo page's Markdown heading is rendered (no raw "##"), styled.
# - Lesson 1's program has no event loop: its main program gets a lane that
#   is blocked (glyph and colour) in each time.sleep, live on the real
#   clock: the six seconds of sleep take six seconds at 1x.
# - Lanes carry the coroutine's name ("Task-2 function1") and print marks
#   show on the lane of the task that printed.
. "${srcdir:-.}/tests/e2e/lib.sh"

COURSE=$(cd "$srcdir/lessons" && pwd)
BLOCK=$(printf '\342\226\223')   # ▓
PRINT=$(printf '\342\200\242')   # •
DONE=$(printf '\342\234\223')    # ✓

start 120 40 -- --lessons "$COURSE" --lesson 1
expect "lesson 1" 'Lesson 1/13'
keys n
expect "the demo page" 'page 2/6: Breakfast'
expect "its heading is shown" '^│ Three slow steps '
if screen | grep -q '##'; then fail "no raw Markdown heading marks"; else pass "no raw Markdown heading marks"; fi
# Headings are bold and underlined (SGR 1;4) like on text pages.
if screen_escapes | grep -q "$(printf '\033')\[1;4m[^ ]*Three slow steps"; then
    pass "the heading is styled as a heading"
else
    fail "the heading is styled as a heading"
fi
expect "the inline code is not shown with backticks" 'and time\.sleep stands in'

keys i
expect "the loop-internals panel" 'loop internals'
t0=$(date +%s.%N)
keys r
expect "the main program's lane" "^│main +$PRINT$BLOCK+" 3
if screen | grep -Eq '^│loop '; then fail "no loop lane without an event loop"; else pass "no loop lane without an event loop"; fi
# Blocked cells are drawn in the blocked colour (red, bold).
if screen_escapes | grep '^.*main' | grep -q "31m$BLOCK"; then
    pass "blocked cells in the blocked colour"
else
    fail "blocked cells in the blocked colour"
fi
# In the toast's sleep (2 s to 3 s): toast started, egg not yet.
expect "still running at 2.x s (blocked in the toast's sleep)" 'timeline +running +t=2\.[0-6]' 4
snap=$(screen)
if echo "$snap" | grep -Eq '2\.000s main +toast: start'; then
    pass "the output so far: toast started at 2 s"
else
    fail "the output so far: toast started at 2 s"
fi
if echo "$snap" | grep -Eq 'main +egg: start'; then fail "egg not started before 3 s"; else pass "egg not started before 3 s"; fi
if echo "$snap" | grep -q 'no event loop' && echo "$snap" | grep -q 'main: blocked in sleep'; then
    pass "the panel says: no event loop, main blocked in sleep"
else
    fail "the panel says: no event loop, main blocked in sleep"
fi
expect "the run finishes at six seconds" 'timeline +finished +t=6\.000s' 8
t1=$(date +%s.%N)
el=$(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }")
if awk "BEGIN { exit !($el >= 5.9) }"; then
    pass "six seconds of time.sleep took ${el}s on the real clock at 1x"
else
    fail "six seconds of time.sleep took ${el}s on the real clock at 1x (too fast)"
fi
expect "the main lane ends with a print and done" "^│main +$PRINT$BLOCK+$PRINT$BLOCK+$PRINT$BLOCK+$PRINT$DONE"
expect "the last line printed at 6 s by main" '6\.000s main +breakfast took 6\.0 seconds'
expect "the panel says main finished" 'main: finished'
keys q
expect_exited 0

# The gather demo: lanes named with their coroutine, prints on the lanes.
start 120 40 -- --lessons "$COURSE" --lesson 6
expect "lesson 6" 'Lesson 6/13'
keys n
expect "the gather demo" 'page 2/7'
keys r
expect "the run finishes" 'timeline +finished +t=1\.000s' 5
expect "main task labelled with its coroutine" '^│Task-1 main '
for n in 1 2 3; do
    expect "Task-$((n + 1)) labelled function$n, with its print and end" \
        "^│Task-$((n + 1)) function$n +.*$PRINT$DONE"
done
expect "the loop lane" '^│loop '
keys q
expect_exited 0
finish

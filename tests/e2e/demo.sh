#!/bin/sh
# End-to-end: a demo runs live in the tutor and the timeline shows a lane
# per task; step forward and back; the loop-internals panel; a blocking
# time.sleep stops the whole loop.
. "${srcdir:-.}/tests/e2e/lib.sh"

start 110 34 -- --lessons "$FIXTURES" --lesson 1
expect "started" 'q Quit'
keys n
expect "demo page" 'page 2/4: Gather'
keys r
expect "live run: the loop lane" '^.loop '
for t in 1 2 3 4; do
    expect "lane Task-$t appears" "^.Task-$t "
done
expect "the run finishes" 'timeline +finished +t=1\.000s' 5
expect "output with virtual time and task" '1\.000s Task-2 +func 1'
expect "output of main last" '1\.000s Task-1 +\[None, None, None\]'
if screen | grep -q 'Task-5'; then fail "asyncio.run's internal tasks get no lane"; else pass "asyncio.run's internal tasks get no lane"; fi

# Step mode: forward twice, back once (a deterministic replay).
keys s
expect "step 1" 'timeline +paused .* step 1 '
keys s
expect "step 2" 'timeline +paused .* step 2 '
expect "code pane marks Task-2 paused at line 4" ' 4. +await asyncio\.sleep\(1\) +2 +│'
keys s
expect "step 3" 'timeline +paused .* step 3 '
keys b
expect "step back to 2" 'timeline +paused .* step 2 '
keys i
expect "loop internals panel" 'loop internals'
expect "ready queue listed" 'ready queue:'
expect "Task-3 and Task-4 ready at step 2" 'Task-3'
expect "main awaits the gather" 'Task-1 +on gather'
expect "the sleeping child's timer" 'Task-2 +at 1\.000s'
keys Space
expect "resume runs to the end" 'timeline +finished' 5

# Zoom and scroll the timeline.
expect "zoom shown" '1 col = '
keys +
expect "zoomed in: 0.02 s a column" '^.0\.02s '
keys - -
expect "zoomed out: 0.1 s a column" '^.0\.1s '
keys 0
expect "0 fits the run again" '^.0\.05s '

# Resize in the middle of a live run: it goes on and finishes.
keys r
expect "restarted for resize" 'timeline +running'
T resize-window -t e2e -x 90 -y 28
expect "relayout while running" 'timeline +(running|finished)'
expect "still finishes after a resize" 'timeline +finished' 5
T resize-window -t e2e -x 110 -y 34

# Pause and resume a live run.
keys r
expect "restarted" 'timeline +running'
keys Space
expect "paused" 'timeline +paused'
keys Space
expect "finished after resume" 'timeline +finished' 5

# time.sleep in a coroutine: the loop lane shows it blocked.
keys t
keys Down
keys Enter
expect "lesson 2" 'Lesson 2/2'
keys r
expect "blocked loop drawn" "^.loop +$(printf '\342\226\223')+" 3
expect "blocking run finishes" 'timeline +finished +t=1\.000s' 5
expect "the tick printed before the block" '0\.000s Task-2 +tick'
keys q
expect_exited 0

# An exercise: e opens $EDITOR on the student's copy of the starter; when
# the editor returns, the file is shown and run.
cat > "$WORK/editor.sh" <<'ED'
#!/bin/sh
sed -i 's/time\.sleep(1)/await asyncio.sleep(1)/' "$1"
ED
chmod +x "$WORK/editor.sh"
start 110 34 EDITOR="$WORK/editor.sh" VISUAL= -- --lessons "$FIXTURES" --lesson 2
expect "lesson 2 again" 'Lesson 2/2'
keys n
expect "exercise page" 'page 2/3: Unblock it'
expect "the exercise's prompt" 'Make sleeper wait without blocking'
keys H
expect "a hint on H" 'Hint 1:.*time\.sleep blocks'
keys e
expect "the edited file is shown" 'your file'
expect "with the student's change" 'await asyncio\.sleep\(1\)'
expect "and run: tock no longer waits for the block" '0\.500s Task-2 +tock' 5
expect "slept at one second" '1\.000s Task-3 +slept' 5
expect "checked when the editor returns" 'All checks pass: 2 of 2 points' 8
expect "each check listed" 'time about 1 s'
# Saved from another window (sed -i renames a new file in): run again.
sed -i 's/print("slept")/print("slept well")/' "$WORK/state/aiotutor/exercises/02-fixture-unblock.py"
expect "a save from elsewhere runs it again" '1\.000s Task-3 +slept well' 5
expect "and checks it again: the output check fails" 'Not yet: 1 of 2 points' 8
keys q
expect_exited 0
if grep -q '^exercise fixture-blocking 1 not yet: 1 of 2 points' "$WORK/state/aiotutor/progress"; then
    pass "exercise result saved with the progress"
else
    fail "exercise result saved with the progress"
fi
finish

#!/bin/sh
# End-to-end: the tutor in tmux. First lesson, key bar, help, contents,
# page turns, a question, resize below the minimum and back, quit with q
# and with Ctrl-C, progress resumed, NO_COLOR and LANG=C.
. "${srcdir:-.}/tests/e2e/lib.sh"

start 100 30 -- --lessons "$FIXTURES"
expect "first lesson's title" 'Lesson 1/2: Fixture: three sleeps together'
expect "key bar" '\? Help +t Contents +n Next +p Prev +q Quit'
expect "prose rendered through markdown" 'a text page \(this one\), with emphasis and inline code;'

keys '?'
expect "help opens with ?" 'Help: every key'
expect "help lists the keys" 'contents: every lesson and its pages'
keys Escape
expect_gone "help closes" 'Help: every key'
keys F1
expect "help opens with F1" 'Help: every key'
keys Escape

keys t
expect "contents open with t" 'Contents \(Enter opens'
expect "contents list every lesson" '2\. Fixture: a blocking sleep'
keys Right
expect "Right lists the lesson's pages" '3\. How long\? \(question\)'
keys Down
keys Down
keys Enter
expect "Enter on a page opens that page" 'page 3/4: How long\?'
keys t
keys Escape
expect_gone "contents close" 'Contents \(Enter opens'
keys p
keys p

keys n
expect "n turns the page" 'page 2/4: Gather'
expect "code pane with line numbers" ' 3 +async def function1\(\):'
expect "demo page's keys in the bar" 'r Run +Spc Pause +s Step +b Back .*q Quit'
keys n
expect "question page" 'How long does the gather demo take\?'
expect "answer keys in the bar" '1-9 Answer +q Quit'
keys r
expect "no running before answering" 'Answer first'
keys 2
expect "answer with a key: feedback" 'Correct!'
expect "explanation shown after answering" 'the total is the longest'
keys p
expect "p turns back" 'page 2/4: Gather'

# Resize below the minimum and back: a message, then the same page.
T resize-window -t e2e -x 60 -y 20
expect "too small: please enlarge" 'please enlarge it'
expect "too small: the key bar keeps q Quit" '^ q Quit'
# Smaller still, in the middle of a page: the message wraps instead of being
# cut, so both sizes stay legible down to 10x5 (at 30x10 it read "aiotutor
# needs a window of at" / "This one is 30x10: please enla").
T resize-window -t e2e -x 30 -y 10
expect "30x10: the minimum size, wrapped" '^ *at least 80x24\. This one is *$'
expect "30x10: the window's size, wrapped" '^ *30x10: please enlarge it\. *$'
T resize-window -t e2e -x 10 -y 5
expect "10x5: the short form, both sizes" '^ *80x24, *$'
expect "10x5: the window's size" '^ *have 10x5\. *$'
T resize-window -t e2e -x 100 -y 30
expect "resumes after resize" 'page 2/4: Gather'
expect "key bar after resize" 'q Quit'

# A 20x6 terminal from the start: the whole message, wrapped; then the
# lesson once the window is big enough.
start 20 6 -- --lessons "$FIXTURES"
expect "20x6 at start: the minimum size" '^ *window of at least *$'
expect "20x6 at start: the window's size" '^ *20x6: please *$'
T resize-window -t e2e -x 100 -y 30
expect "20x6 at start, then enlarged: the lesson" 'page 2/4: Gather'
keys q
expect_exited 0
start 100 30 -- --lessons "$FIXTURES"
expect "back in a full-size window" 'page 2/4: Gather'

# Jump to lesson 2 through the contents, then quit with q.
keys t
keys Down
keys Enter
expect "jump from the contents" 'Lesson 2/2: Fixture: a blocking sleep'
keys q
expect_exited 0
expect_gone "nothing of the tutor left on the screen" 'q Quit'
if grep -q '^current fixture-blocking 0$' "$WORK/state/aiotutor/progress" 2>/dev/null; then
    pass "progress saved under XDG_STATE_HOME"
else
    fail "progress saved under XDG_STATE_HOME"
fi

# The next day: it resumes where the student stopped; quit with Ctrl-C.
start 100 30 -- --lessons "$FIXTURES"
expect "resumes at the lesson left" 'Lesson 2/2: Fixture: a blocking sleep'
keys C-c
expect_exited 130

# --lesson N opens a lesson by number.
start 100 30 -- --lessons "$FIXTURES" --lesson 1
expect "--lesson 1" 'Lesson 1/2'
keys F10
expect_exited 0

# Colours by default; none at all with NO_COLOR.
start 100 30 -- --lessons "$FIXTURES"
expect "started for colour check" 'q Quit'
if screen_escapes | grep -Eq '\[(3[0-7]|4[0-7]|38;|48;)'; then pass "colours used"; else fail "colours used"; fi
keys q
expect_exited 0
start 100 30 NO_COLOR=1 -- --lessons "$FIXTURES"
expect "NO_COLOR run starts" 'q Quit'
if screen_escapes | grep -Eq '\[(3[0-7]|4[0-7]|38;|48;)|;(3[0-7]|4[0-7])m'; then
    fail "NO_COLOR: no colour escapes"
else
    pass "NO_COLOR: no colour escapes"
fi
keys q
expect_exited 0

# LANG=C: ASCII boxes and glyphs, nothing multi-byte on the screen.
start 100 30 LANG=C LC_ALL=C -- --lessons "$FIXTURES"
expect "LANG=C run starts" 'q Quit'
expect "ASCII box corners" '^\+ text -+'
expect "ASCII separator in the title (no '?' for a middle dot)" 'Lesson 1/2: .* - +page 1/'
if screen | LC_ALL=C grep -q "$(printf '[\200-\377]')"; then
    fail "LANG=C: only ASCII on screen"
else
    pass "LANG=C: only ASCII on screen"
fi
keys q
expect_exited 0

# A damaged progress file is moved aside with a message, never dropped.
mkdir -p "$WORK/state/aiotutor"
printf 'aiotutor-progress 1\ncurrent fixture-gather 1\nlesson fixture-gather sideways 1\n' \
    > "$WORK/state/aiotutor/progress"
start 100 30 -- --lessons "$FIXTURES"
expect "corrupt progress: a message" 'progress file was damaged \(line 3\)'
keys q
expect_exited 0
if ls "$WORK/state/aiotutor/" | grep -q '^progress\.corrupt-'; then
    pass "the damaged file is kept aside"
else
    fail "the damaged file is kept aside"
fi

# Progress that cannot be saved is reported, and the tutor still works.
start 100 30 XDG_STATE_HOME=/dev/null/state -- --lessons "$FIXTURES"
expect "unwritable state directory reported" 'cannot save progress'
keys n
expect "still turns pages" 'page 2/4'
keys q
expect_exited 0

# Progress that is there but cannot be read (a symlink loop: unreadable for
# root too) is left alone: a message, and turning pages does not save over it.
rm -rf "$WORK/state/aiotutor"
mkdir -p "$WORK/state/aiotutor"
ln -s progress "$WORK/state/aiotutor/progress"
start 100 30 -- --lessons "$FIXTURES"
expect "unreadable progress: a message" \
    'cannot read progress \(Too many levels of symbolic links\), so it will not be saved this session'
keys n
expect "unreadable progress: still turns pages" 'page 2/4'
keys q
expect_exited 0
if [ -L "$WORK/state/aiotutor/progress" ]; then
    pass "unreadable progress is not saved over"
else
    fail "unreadable progress is not saved over"
fi
rm -rf "$WORK/state/aiotutor"

# Themes: a built-in one, a file from assets/themes, an unknown name.
start 100 30 -- --lessons "$FIXTURES" --theme contrast
expect "--theme contrast" 'q Quit'
keys q
expect_exited 0
start 100 30 -- --lessons "$FIXTURES" --theme amber
expect "--theme amber (a theme file)" 'q Quit'
keys q
expect_exited 0
if "$BIN" --lessons "$FIXTURES" --theme nosuch </dev/null 2>"$WORK/err"; then
    fail "--theme nosuch is refused"
elif grep -q "unknown theme 'nosuch'" "$WORK/err"; then
    pass "--theme nosuch is refused with a message"
else
    fail "--theme nosuch message: $(cat "$WORK/err")"
fi
if "$BIN" --lessons "$FIXTURES" --lesson 9 </dev/null 2>"$WORK/err"; then
    fail "--lesson 9 (no such lesson) is refused"
elif grep -q "no lesson '9'" "$WORK/err"; then
    pass "--lesson 9 is refused with a message"
else
    fail "--lesson 9 message: $(cat "$WORK/err")"
fi

# A terminal that cannot place the cursor, or an unknown one: a sentence.
start 100 30 TERM=dumb -- --lessons "$FIXTURES"
expect "TERM=dumb is refused with a message" 'cannot move the cursor'
expect_exited 2
start 100 30 TERM=nosuchterm -- --lessons "$FIXTURES"
expect "unknown TERM is refused with a message" 'cannot use this terminal \(TERM=nosuchterm\)'
expect_exited 2
if "$BIN" --lessons "$FIXTURES" </dev/null >/dev/null 2>"$WORK/err"; then
    fail "no terminal: refused"
elif grep -q 'needs a terminal' "$WORK/err"; then
    pass "no terminal: refused with a message"
else
    fail "no terminal message: $(cat "$WORK/err")"
fi

# SIGTERM restores the terminal too.
start 100 30 -- --lessons "$FIXTURES"
expect "started for SIGTERM" 'q Quit'
pid=$(T display-message -p -t e2e '#{pane_pid}')
tutor=$(ps -o pid= --ppid "$pid" | head -n 1 | tr -d ' ')
# Idle means idle: no CPU while waiting for a key.
a=$(awk '{print $14 + $15}' /proc/"$tutor"/stat 2>/dev/null)
sleep 2
b=$(awk '{print $14 + $15}' /proc/"$tutor"/stat 2>/dev/null)
if [ -n "$a" ] && [ -n "$b" ] && [ $((b - a)) -le 1 ]; then
    pass "idle for 2 s: $((b - a)) clock ticks of CPU"
else
    fail "idle for 2 s: CPU ticks ${a:-?} -> ${b:-?}"
fi
if [ -n "$tutor" ]; then kill -TERM "$tutor"; fi
expect_exited 143

finish

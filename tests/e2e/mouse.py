#!/usr/bin/env python3
"""End-to-end: the mouse. tmux cannot inject mouse events, so this test
runs the tutor on a pseudo-terminal of its own (TERM=xterm, SGR mouse
reports) and writes the reports a terminal sends for clicks and the wheel:
a click on the key bar opens the contents, a click on a lesson opens it."""
import fcntl, os, pty, re, select, shutil, struct, sys, tempfile, termios, time

srcdir = os.environ.get("srcdir", ".")
binary = os.path.abspath(os.environ.get("AIOTUTOR_BIN", "./app/aiotutor"))
fixtures = os.path.abspath(os.path.join(srcdir, "tests/e2e/fixtures/course"))
work = tempfile.mkdtemp(prefix="aiotutor-mouse.")
failures = 0

pid, fd = pty.fork()
if pid == 0:
    os.environ.update(TERM="xterm", HOME=work, XDG_STATE_HOME=work + "/state", LANG="C.UTF-8")
    os.environ.pop("LC_ALL", None)
    os.execv(binary, [binary, "--lessons", fixtures])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
os.kill(pid, 28)  # SIGWINCH: the size is set after the fork

def read_for(seconds):
    out, end = b"", time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
    return out

def wait_for(pattern, seconds=3.0):
    out, end = b"", time.time() + seconds
    while time.time() < end:
        out += read_for(0.1)
        if re.search(pattern, out):
            return True
    return False

def check(name, ok):
    global failures
    print(("ok - " if ok else "not ok - ") + name)
    failures += 0 if ok else 1

def click(row, col):  # 1-based, as the terminal reports them
    os.write(fd, b"\x1b[<0;%d;%dM" % (col, row))
    time.sleep(0.05)
    os.write(fd, b"\x1b[<0;%d;%dm" % (col, row))

check("starts", wait_for(rb"Help"))
click(30, 12)  # " t Contents" in the key bar (columns 9-19)
check("click on the key bar opens the contents", wait_for(rb"Contents \(Enter"))
# The contents box: 76 wide, one row per lesson plus the current lesson's
# 4 pages, and 6 rows of frame and footer, centered in 100x30. Rows from
# the top border: lesson 1, its pages 1-4, then lesson 2.
rows = 2 + 4
top = (30 - (rows + 6)) // 2  # 0-based row of the box's top border
click(top + 1 + 5 + 1, 40)  # 1-based row of lesson 2
check("click on a lesson opens it", wait_for(rb"blocked\.py"))
os.write(fd, b"\x1b[<65;20;10M")  # wheel down over the prose
read_for(0.3)
os.write(fd, b"q")
read_for(0.5)
_, status = os.waitpid(pid, 0)
check("quits with q after mouse use", os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0)
shutil.rmtree(work, ignore_errors=True)
print("%d failed" % failures)
sys.exit(1 if failures else 0)

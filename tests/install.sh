#!/bin/sh
# install.sh: `make install` and `make uninstall` into a staging folder, and
# what the installed program finds there.
#
#   tests/install.sh [BUILDDIR]      (default: the current directory)
#
# 1. make install DESTDIR=$stage prefix=/opt/aiotutor-test puts the
#    program, the built-in course, the themes and the man page under the
#    staging folder;
# 2. the installed aiotutor, run from there, loads its lessons from
#    STAGE/opt/aiotutor-test/share/aiotutor/lessons (the install prefix as
#    seen from the program's own location, not the source tree it was
#    built from) and validates them clean;
# 3. the installed man page names every command and every option that
#    `aiotutor --help` and each `aiotutor COMMAND --help` print;
# 4. make uninstall leaves no file behind;
# 5. the build tree's aiotutor finds the source tree's lessons without
#    installing.
# Prints one line per check; exit status 0 only when all pass.
set -u
build=$(cd "${1:-.}" && pwd)
stage=$(mktemp -d "${TMPDIR:-/tmp}/install.XXXXXX")
trap 'chmod -R u+w "$stage" 2>/dev/null; rm -rf "$stage"' EXIT
prefix=/opt/aiotutor-test
root=$stage$prefix
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

unset AIOTUTOR_LESSONS
if make -C "$build" install DESTDIR="$stage" prefix="$prefix" >"$stage.log" 2>&1; then
    ok "make install DESTDIR=... prefix=$prefix"
else
    tail -n 20 "$stage.log"
    bad "make install"
    rm -f "$stage.log"
    exit 1
fi
for f in bin/aiotutor share/man/man1/aiotutor.1 share/aiotutor/lessons/README.md; do
    [ -f "$root/$f" ] && ok "installed $f" || bad "not installed: $f"
done
n=$(ls "$root"/share/aiotutor/lessons/*/lesson.json 2>/dev/null | wc -l)
[ "$n" -gt 0 ] && ok "installed $n lessons" || bad "no lesson installed"

# 2. The installed program finds the installed course.
out=$(cd / && "$root/bin/aiotutor" validate --no-run 2>&1)
rc=$?
summary=$(echo "$out" | tail -n 1)
case $summary in
"$root/share/aiotutor/lessons:"*) [ $rc -eq 0 ] && ok "installed aiotutor validates $summary" ||
    bad "installed aiotutor: validate exit $rc: $summary" ;;
*) bad "installed aiotutor does not load the installed lessons: $summary" ;;
esac

# 3. The man page and --help agree.
man=$root/share/man/man1/aiotutor.1
if [ -f "$man" ]; then
    # the man page's text with roff escapes for '-' undone
    text=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$man")
    cmds=$("$root/bin/aiotutor" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
    missing=""
    for c in $cmds; do
        echo "$text" | grep -q "^\.SS \"aiotutor $c " || missing="$missing $c"
    done
    [ -n "$cmds" ] || missing="(no command in --help)"
    [ -z "$missing" ] && ok "man page describes every command:" $cmds || bad "man page lacks the commands:$missing"
    missing=""
    for c in "" $cmds; do
        opts=$("$root/bin/aiotutor" $c --help | grep -o -E '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' |
            sed 's/^[ ,]*//' | sort -u)
        for o in $opts; do
            echo "$text" | grep -q -e "$o" || missing="$missing ${c:-aiotutor}:$o"
        done
    done
    [ -z "$missing" ] && ok "man page lists every option of every --help" ||
        bad "man page lacks the options:$missing"
else
    bad "no man page installed"
fi

# 4. Uninstall leaves nothing.
if make -C "$build" uninstall DESTDIR="$stage" prefix="$prefix" >"$stage.log" 2>&1; then
    left=$(find "$stage" -type f | sed "s|^$stage||")
    [ -z "$left" ] && ok "make uninstall leaves no file" || bad "make uninstall left:" $left
else
    tail -n 20 "$stage.log"
    bad "make uninstall"
fi
rm -f "$stage.log"

# 5. The build tree's binary, not installed.
out=$(cd / && "$build/app/aiotutor" validate --no-run 2>&1)
rc=$?
summary=$(echo "$out" | tail -n 1)
case $summary in
*/lessons:*" 0 errors"*) [ $rc -eq 0 ] && ok "build-tree aiotutor validates $summary" ||
    bad "build-tree aiotutor: validate exit $rc" ;;
*) bad "build-tree aiotutor does not find the lessons: $summary" ;;
esac
exit $fail

#!/bin/sh
# autogen.sh: make ./configure from configure.ac and Makefile.am.
#
#   ./autogen.sh                  run autoreconf
#   ./autogen.sh --install-deps   first install every Debian package the build
#                                 and the tests need (apt-get, as root or via sudo)
set -e
cd "$(dirname "$0")"

# Build: compiler, autotools, pkg-config and the four libraries.
# Tests: tmux drives the UI end to end; python3 runs the side-by-side benchmarks.
DEPS="build-essential autoconf automake pkgconf libncurses-dev libcjson-dev libmd4c-dev check tmux python3"

install_deps() {
    missing=""
    for p in $DEPS; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            missing="$missing $p"
        fi
    done
    if [ -z "$missing" ]; then
        echo "autogen.sh: all dependencies are installed"
        return 0
    fi
    if [ "$(id -u)" = 0 ]; then
        SUDO=""
    elif command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "autogen.sh: missing packages:$missing" >&2
        echo "autogen.sh: run as root:  apt-get install -y$missing" >&2
        exit 1
    fi
    echo "autogen.sh: installing$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
}

for arg in "$@"; do
    case "$arg" in
        --install-deps) install_deps ;;
        -h|--help)
            echo "usage: ./autogen.sh [--install-deps]"
            echo "  --install-deps  install the Debian packages needed to build and test"
            exit 0 ;;
        *) echo "autogen.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
    esac
done

mkdir -p m4 build-aux
autoreconf --install --force
echo "autogen.sh: now run ./configure && make"

#!/bin/sh
# Remake the *.ast goldens from CPython 3.11's own parser. Run from anywhere.
cd "$(dirname "$0")" || exit 1
for f in *.py; do
    
    python3 pydump -p "$f" > "${f%.py}.ast" || echo "failed: $f"
done

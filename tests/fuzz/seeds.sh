#!/bin/sh
# seeds.sh SRCDIR OUTDIR: makes the seed corpora of the fuzz targets from
# the tree: OUTDIR/parse and OUTDIR/vm from the corpus programs, the syntax
# goldens, the benchmarks and the lessons' programs; OUTDIR/lesson from
# every lesson folder (lessons/ and the broken packs in tests/lessons-bad/),
# each bundled into one input as fuzz_lesson.c reads it.
set -eu
src=$1
out=$2
mkdir -p "$out/parse" "$out/vm" "$out/lesson"
n=0
for f in "$src"/tests/corpus/*.py "$src"/lessons/*/*.py "$src"/tests/golden/syntax/*.py \
    "$src"/tests/golden/parse/*.py "$src"/tests/bench/*.py "$src"/tests/hostile/*.py \
    "$src"/tests/sandbox/*.py "$src"/tests/fuzz/regressions/parse/* "$src"/tests/fuzz/regressions/vm/*; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    base=$(printf '%04d-%s' "$n" "$(basename "$f")")
    cp "$f" "$out/parse/$base"
    case $f in
    */golden/*) ;; # syntax errors and parse-only trees: not worth running
    */bench/*) ;;  # too slow for small budgets
    *) cp "$f" "$out/vm/$base" ;;
    esac
done
bundle() { # DIR OUT
    {
        cat "$1/lesson.json"
        for g in "$1"/*; do
            [ -f "$g" ] || continue
            case $g in */lesson.json) continue ;; esac
            printf '\n@@@ %s\n' "$(basename "$g")"
            cat "$g"
        done
    } >"$2"
}
for d in "$src"/lessons/*/ "$src"/tests/lessons-bad/*/ "$src"/tests/lessons-bad/*/*/; do
    [ -f "$d/lesson.json" ] || continue
    name=$(echo "$d" | sed "s|^$src/||; s|/$||; s|/|_|g")
    bundle "${d%/}" "$out/lesson/$name"
done
for f in "$src"/tests/fuzz/regressions/lesson/*; do
    [ -f "$f" ] && cp "$f" "$out/lesson/"
done
exit 0

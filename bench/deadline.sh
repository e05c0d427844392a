#!/bin/bash
# bench/deadline.sh [N] [OLD_DANEPROBE]: how far past -t a loaded check
# runs: 64 targets of 32 addresses each (load.secure.example in the lab,
# 2048 handshakes against one Python TLS server, far more than -t allows),
# -t 1 (BENCH_T), N runs.  With OLD_DANEPROBE (a daneprobe built from another
# commit), the two run alternately, A B A B, in one lab, and the ratio of
# their medians is printed.  A report, not a test: it never judges times
# by its exit status.  Needs root (the lab).
set -eu -o pipefail
cd "$(dirname "$0")/.."
N=${1:-7}
OLD=${2:-}
T=${BENCH_T:-1}
DP=$PWD/src/daneprobe
[ -x "$DP" ] || { echo "bench: build first (make)" >&2; exit 1; }
case $N in '' | *[!0-9]* | 0) echo "usage: bash bench/deadline.sh [N>0] [OLD]" >&2; exit 64 ;; esac
top_srcdir=$PWD
. tests/lab/lab.sh
lab_start

targets=()
for _ in $(seq 64); do targets+=(load.secure.example); done

# wall BINARY: milliseconds from exec to exit of one loaded check.
wall() {
	local t0 t1
	t0=$(date +%s%N)
	lab_exec "$1" --trust-anchor "$LAB_ANCHOR" --resolver "$LAB_RESOLVER" -t "$T" \
	    check "${targets[@]}" >/dev/null 2>&1 || true
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

wall "$DP" >/dev/null	# warm the resolver's cache
new=() old=()
for _ in $(seq "$N"); do
	new+=("$(wall "$DP")")
	[ -z "$OLD" ] || old+=("$(wall "$OLD")")
done
mn=$(printf '%s\n' "${new[@]}" | median)
printf 'daneprobe        -t %s: median %s ms over %s runs (%s), %.2fx the bound\n' \
    "$T" "$mn" "$N" "${new[*]}" "$(echo "$mn / ($T * 1000)" | bc -l)"
if [ -n "$OLD" ]; then
	mo=$(printf '%s\n' "${old[@]}" | median)
	printf 'OLD_DANEPROBE    -t %s: median %s ms over %s runs (%s), %.2fx the bound\n' \
	    "$T" "$mo" "$N" "${old[*]}" "$(echo "$mo / ($T * 1000)" | bc -l)"
	printf 'ratio new/old: %.2f\n' "$(echo "$mn / $mo" | bc -l)"
fi

#!/bin/bash
# fuzz.sh TARGET [SECONDS]: coverage-guided fuzzing of tests/fuzz/fuzz_TARGET.c
# with clang's libFuzzer, ASan and UBSan, starting from its seed corpus.
# Needs a configured tree (for config.h) and clang (apt-get install clang).
set -eu
cd "$(dirname "$0")/.."
target=${1:?usage: tools/fuzz.sh dnsmsg|tlsa|starttls|parse|text|key|chain|trace [seconds]}
secs=${2:-60}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
flags="-g -O1 -fsanitize=fuzzer,address,undefined -I. -Isrc $(pkg-config --cflags openssl libevent jansson getdns libunbound ldns)"
libs="$(pkg-config --libs openssl libevent jansson getdns libunbound ldns) -l:libgetdns_ex_event.a -lm"
# shellcheck disable=SC2086
clang $flags -o "$out/fuzz" tests/fuzz/fuzz_"$target".c \
    $(ls src/*.c | grep -v -e daneprobe.c -e check_dane.c) $libs
mkdir -p "$out/corpus"
cp tests/fuzz/corpus/"$target"/* "$out/corpus/"
"$out/fuzz" -max_total_time="$secs" -max_len=8192 "$out/corpus"

#!/bin/sh
# Build the libFuzzer target for the wire decoder with clang and run it for a while.
#   tests/fuzz/run-fuzz.sh BUILD_DIR [SECONDS]   (default 30 s)
# The seed corpus is copied into BUILD_DIR/corpus-work, so the tree is never written to; a crash
# input lands in BUILD_DIR/artifacts/ and the script exits non-zero.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: run-fuzz.sh BUILD_DIR [SECONDS]}
seconds=${2:-30}
clangxx=${CLANGXX:-clang++}

command -v "$clangxx" >/dev/null 2>&1 || { echo "run-fuzz.sh: $clangxx not found" >&2; exit 2; }
mkdir -p "$build"
build=$(cd "$build" && pwd)
generator=
command -v ninja >/dev/null 2>&1 && generator="-G Ninja"
# shellcheck disable=SC2086
cmake -S "$here" -B "$build" $generator -DCMAKE_CXX_COMPILER="$clangxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$build/configure.log" 2>&1 \
  || { cat "$build/configure.log" >&2; exit 2; }
cmake --build "$build" --target fuzz_frame >"$build/build.log" 2>&1 || { cat "$build/build.log" >&2; exit 2; }

rm -rf "$build/corpus-work" "$build/artifacts"
mkdir -p "$build/corpus-work" "$build/artifacts"
cp "$here"/corpus/* "$build/corpus-work/"
# -rss_limit_mb / -malloc_limit_mb: a peer must not make the controller allocate without bound.
status=0
"$build/fuzz_frame" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -malloc_limit_mb=512 \
  -max_len=65536 -print_final_stats=1 -dict="$here/frame.dict" -artifact_prefix="$build/artifacts/" \
  "$build/corpus-work" >"$build/fuzz.log" 2>&1 || status=$?
tail -n 25 "$build/fuzz.log"
if [ "$status" -ne 0 ]; then
  echo "run-fuzz.sh: fuzz_frame failed (exit $status); inputs in $build/artifacts/, log in $build/fuzz.log" >&2
  exit 1
fi
echo "run-fuzz.sh: no crash in ${seconds} s"

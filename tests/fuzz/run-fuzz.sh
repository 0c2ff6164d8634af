#!/usr/bin/env bash
# Runs every fuzz target for a budget: the libFuzzer binaries of a build configured with the asan
# preset (clang, -fsanitize=fuzzer-no-link; see tests/fuzz/CMakeLists.txt), then the stdlib fuzzer
# of the Python agent's frame reader.
#   tests/fuzz/run-fuzz.sh BUILD_DIR [SECONDS_PER_TARGET] [--grow]
# SECONDS_PER_TARGET defaults to 15 (the Python reader gets twice that). Each target starts from
# a copy of its corpus (tests/fuzz/corpus/<target>/), so the tree is not written to; with --grow,
# the inputs that reached new code are merged back into the tree's corpus (libFuzzer -merge=1:
# only what adds coverage, so the corpora stay small). A crash, a hang (-timeout) or an
# allocation beyond the limits fails the run; the input lands in BUILD_DIR/fuzz-work/<target>/.
# HOSTDECK_FUZZ_RUNS=N (what the test command sets) makes the run reproducible instead: N inputs
# per target from a fixed seed, so a CI run explores exactly what the same run explored before it;
# exploring for new findings is the SECONDS form, by hand.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: run-fuzz.sh BUILD_DIR [SECONDS_PER_TARGET] [--grow]}" && pwd)
seconds=${2:-15}
grow=${3:-}
targets=(frame handshake session inventory_yaml inventory_ini ssh_config known_hosts)
work="$build/fuzz-work"
rm -rf "$work"
failed=()
for target in "${targets[@]}"; do
  binary="$build/tests/fuzz/fuzz_$target"
  if [ ! -x "$binary" ]; then
    echo "run-fuzz.sh: $binary missing (configure with the asan preset and build hostdeck_fuzzers)" >&2
    exit 2
  fi
  mkdir -p "$work/$target/corpus" "$work/$target/artifacts"
  cp "$here/corpus/$target"/* "$work/$target/corpus/"
  if [ -n "${HOSTDECK_FUZZ_RUNS:-}" ]; then
    budget=(-seed=20261203 -runs="$HOSTDECK_FUZZ_RUNS")
  else
    budget=(-max_total_time="$seconds")
  fi
  options=("${budget[@]}" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024
           -print_final_stats=1 -artifact_prefix="$work/$target/artifacts/")
  [ -f "$here/$target.dict" ] && options+=(-dict="$here/$target.dict")
  # A peer or a file must not make the controller allocate without bound: the frame decoder's
  # limit is 1 MiB per frame here, so 512 MiB is far beyond anything legitimate.
  [ "$target" = frame ] && options+=(-malloc_limit_mb=512 -max_len=65536)
  [ "$target" = handshake ] && options+=(-max_len=131072)
  status=0
  ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1} \
    "$binary" "${options[@]}" "$work/$target/corpus" >"$work/$target/fuzz.log" 2>&1 || status=$?
  stats=$(grep -E '^stat::(number_of_executed_units|new_units_added)' "$work/$target/fuzz.log" |
          sed 's/stat:://' | tr '\n' ' ')
  if [ "$status" -ne 0 ]; then
    echo "fuzz_$target: FAILED (exit $status); input in $work/$target/artifacts/, log $work/$target/fuzz.log"
    grep -E 'ERROR|invariant violated|runtime error|SUMMARY' "$work/$target/fuzz.log" | head -5
    failed+=("$target")
  else
    echo "fuzz_$target: ${HOSTDECK_FUZZ_RUNS:+seed 20261203, }${HOSTDECK_FUZZ_RUNS:-${seconds} s}${HOSTDECK_FUZZ_RUNS:+ runs}, $stats"
    if [ "$grow" = --grow ]; then
      "$binary" -merge=1 "$here/corpus/$target" "$work/$target/corpus" >"$work/$target/merge.log" 2>&1 ||
        echo "fuzz_$target: merge failed, see $work/$target/merge.log"
    fi
  fi
done

reader_args=(--seconds "$((seconds * 2))" --artifacts "$work/agent_reader/artifacts")
[ "$grow" = --grow ] && reader_args+=(--grow "$here/corpus/agent_reader")
if python3 "$here/fuzz_agent_reader.py" "${reader_args[@]}" >"$work/agent_reader.log" 2>&1; then
  tail -n 1 "$work/agent_reader.log"
else
  echo "fuzz_agent_reader: FAILED; inputs in $work/agent_reader/artifacts/"
  tail -n 5 "$work/agent_reader.log"
  failed+=(agent_reader)
fi

if [ "${#failed[@]}" -ne 0 ]; then
  echo "run-fuzz.sh: failures in ${failed[*]}" >&2
  exit 1
fi
echo "run-fuzz.sh: no failure in ${#targets[@]} libFuzzer targets and the agent reader"

#!/usr/bin/env bash
# Fresh Debian 12 machine -> the whole test suite: installs what is missing, checks formatting and
# Python lint, builds (ci preset: optimised, warnings as errors), checks the engine builds without
# ui/, runs every CTest test (unit, integration with real python3/sshd/keyring/chroots, the .deb
# installed into a fresh Debian tree, gui offscreen and under Xvfb, benchmarks that print
# figures), then
#  - the engine, ssh, runner, transfer, inventory and CLI tests again under ASan+UBSan (asan
#    preset: clang, halt on the first error) and every fuzz target for a short budget;
#  - the runner and main-window tests under ThreadSanitizer (tsan preset, tests/tsan.supp);
# and prints, at the very end, how long each stage took and every benchmark target met or missed.
#   installer/test.sh [CTEST ARGS...]   (passed to the main ctest run, e.g. -E bench_)
# HOSTDECK_SANITIZERS=0 skips the sanitizer and fuzz stages; HOSTDECK_FUZZ_RUNS sets how many
# inputs each libFuzzer target tries from a fixed seed (default 5000: every run of this command
# explores the same inputs, so a new finding never turns a run red by chance; explore with
# tests/fuzz/run-fuzz.sh BUILD SECONDS by hand).
#
# Who runs what (see lib.sh): apt-get and the tests run as root (the tests create users, start
# sshd and use chroot), through sudo when you are not root; the builds run as the checkout's
# owner, so a desktop user's checkout holds no root-owned build trees.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"
root="$hostdeck_root"
cd "$root"
"$root/installer/setup.sh"
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
jobs="$(nproc)"
XDG_RUNTIME_DIR="$(mktemp -d /tmp/hostdeck-runtime.XXXXXX)"
export XDG_RUNTIME_DIR
chmod 700 "$XDG_RUNTIME_DIR"
# Give the results back to whoever built the tree (ctest writes its logs as root).
builder="$(hostdeck_owner)"
[ -n "$builder" ] || builder="$(id -un)"
cleanup() {
  for dir in ci asan tsan; do
    [ -d "$root/build/$dir/Testing" ] && as_root chown -R "$builder:" "$root/build/$dir/Testing"
  done
  as_root rm -rf "$XDG_RUNTIME_DIR"
}
trap cleanup EXIT

failures=()
timings=()
# stage NAME COMMAND...: runs it, times it, records a failure and goes on.
stage() {
  local name=$1 start=$SECONDS status=ok
  shift
  echo "== $name"
  "$@" || status=FAILED
  [ "$status" = ok ] || failures+=("$name")
  timings+=("$(printf '%-44s %5d s  %s' "$name" $((SECONDS - start)) "$status")")
}

summary() {
  echo
  echo "== stages"
  printf '%s\n' "${timings[@]}"
  echo
  echo "== benchmark targets (FIGURE lines of the CTest log; figures, not pass/fail)"
  local log="$root/build/ci/Testing/Temporary/LastTest.log"
  if [ -f "$log" ] && grep -q '^FIGURE ' "$log"; then
    grep '^FIGURE ' "$log" | awk '{ printf "%-36s %12s %-8s target %-10s %s\n", $2, $3, $4, $5, $6 }'
    echo "$(grep -c ' met$' <(grep '^FIGURE ' "$log")) met, $(grep -c ' missed$' <(grep '^FIGURE ' "$log")) missed"
  else
    echo "no benchmark ran"
  fi
  if [ "${#failures[@]}" -ne 0 ]; then
    echo
    echo "FAILED: ${failures[*]}"
    return 1
  fi
}

# Tests run as root with the test runtime dir (they start sshd, create users, use chroot).
run_tests() { as_root env XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" "$@"; }

stage "format and Python lint" as_owner "$root/installer/check-format.sh"
stage "build (ci preset)" as_owner "$root/installer/build.sh" ci
if [[ " ${failures[*]} " == *" build (ci preset) "* ]]; then
  summary || true
  exit 1
fi
engine_only() {
  as_owner cmake --preset engine-only >/dev/null &&
    as_owner cmake --build --preset engine-only -j "$jobs" --target hostdeck-cli
}
stage "engine builds without ui/" engine_only
stage "tests (ci)" run_tests ctest --test-dir "$root/build/ci" --output-on-failure --timeout 2400 "$@"

if [ "${HOSTDECK_SANITIZERS:-1}" != 0 ]; then
  # ASan+UBSan: clang, everything also instrumented for libFuzzer, no ui/ and no benchmarks.
  # quarantine_size_mb: ASan keeps freed memory for 256 MB by default, which would turn the
  # transfer tests' bounded-memory checks into measurements of the quarantine.
  asan_options="halt_on_error=1:detect_leaks=1:quarantine_size_mb=16:detect_stack_use_after_return=0"
  # tests/lsan.supp: OpenSSL blocks libssh leaves behind at exit (the file says why).
  lsan_options="suppressions=$root/tests/lsan.supp:print_suppressions=0"
  ubsan_options="halt_on_error=1:print_stacktrace=1"
  asan_build() {
    as_owner cmake --preset asan >/dev/null && as_owner cmake --build --preset asan -j "$jobs"
  }
  stage "build (asan preset)" asan_build
  # Python tests run no instrumented code: only the C++ tests and the fuzz corpora replays.
  stage "tests under ASan+UBSan" run_tests env ASAN_OPTIONS="$asan_options" \
    LSAN_OPTIONS="$lsan_options" \
    UBSAN_OPTIONS="$ubsan_options" ctest --test-dir "$root/build/asan" --output-on-failure \
    --timeout 900 -E '^(tools_|py_agent_|old_python_tree|fuzz_agent_reader)'
  stage "fuzz (${HOSTDECK_FUZZ_RUNS:-5000} inputs per target, fixed seed)" \
    as_owner env ASAN_OPTIONS="$asan_options" UBSAN_OPTIONS="$ubsan_options" \
    HOSTDECK_FUZZ_RUNS="${HOSTDECK_FUZZ_RUNS:-5000}" \
    "$root/tests/fuzz/run-fuzz.sh" "$root/build/asan" 15

  # ThreadSanitizer: only what runs threads (the engine thread, the GUI), the rest is not built.
  # Qt from Debian is not instrumented: tests/tsan.supp lists why each suppression is there.
  tsan_tests=(tst_fanout tst_become tst_fanoutcli tst_keychainrun tst_clioptions tst_mainwindow
              tst_mainwindow_ssh)
  tsan_build() {
    as_owner cmake --preset tsan >/dev/null &&
      as_owner cmake --build --preset tsan -j "$jobs" --target "${tsan_tests[@]}"
  }
  stage "build (tsan preset, runner and main window)" tsan_build
  tsan_regex="^($(IFS='|'; echo "${tsan_tests[*]}"))\$"
  # tests/tsan.supp explains the options and each suppression.
  tsan_options="halt_on_error=1:second_deadlock_stack=1:die_after_fork=0"
  tsan_options+=":ignore_noninstrumented_modules=1:suppressions=$root/tests/tsan.supp"
  stage "tests under TSan" run_tests env TSAN_OPTIONS="$tsan_options" \
    ctest --test-dir "$root/build/tsan" --output-on-failure --timeout 900 -R "$tsan_regex"
fi

summary

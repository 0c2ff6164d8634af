#!/usr/bin/env bash
# Fresh Debian 12 machine -> the whole test suite: installs what is missing, builds (ci preset:
# optimised, warnings as errors), checks the engine builds without ui/, checks formatting, runs
# every CTest test (unit, integration with real python3/sshd/keyring/chroot, gui offscreen and
# under Xvfb, benchmarks that print figures) and a short libFuzzer run of the frame decoder.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/installer/setup.sh"

echo "== format check"
"$root/installer/check-format.sh"

echo "== build (ci preset)"
"$root/installer/build.sh" ci

echo "== engine builds without ui/"
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
cmake --preset engine-only >/dev/null
cmake --build --preset engine-only -j "$(nproc)" --target hostdeck-cli

echo "== fuzz the frame decoder (${HOSTDECK_FUZZ_SECONDS:-30} s)"
"$root/tests/fuzz/run-fuzz.sh" "$root/build/fuzz" "${HOSTDECK_FUZZ_SECONDS:-30}"

echo "== tests"
export XDG_RUNTIME_DIR="$(mktemp -d /tmp/hostdeck-runtime.XXXXXX)"
chmod 700 "$XDG_RUNTIME_DIR"
trap 'rm -rf "$XDG_RUNTIME_DIR"' EXIT
ctest --test-dir "$root/build/ci" --output-on-failure --timeout 2400 "$@"

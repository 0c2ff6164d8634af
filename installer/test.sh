#!/usr/bin/env bash
# Fresh Debian 12 machine -> the whole test suite: installs what is missing, builds (ci preset:
# optimised, warnings as errors), checks the engine builds without ui/, checks formatting, runs
# every CTest test (unit, integration with real python3/sshd/keyring/chroot, the .deb installed
# into a fresh Debian tree, gui offscreen and under Xvfb, benchmarks that print figures) and a
# short libFuzzer run of the frame decoder.
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

if [ "${HOSTDECK_TEST_STAGE:-}" = build ]; then
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
  exit 0
fi

"$root/installer/setup.sh"
if [ -n "$(hostdeck_owner)" ]; then
  HOSTDECK_TEST_STAGE=build runuser -u "$(hostdeck_owner)" -- "$root/installer/test.sh"
else
  HOSTDECK_TEST_STAGE=build "$root/installer/test.sh"
fi

echo "== tests"
XDG_RUNTIME_DIR="$(mktemp -d /tmp/hostdeck-runtime.XXXXXX)"
export XDG_RUNTIME_DIR
chmod 700 "$XDG_RUNTIME_DIR"
# Give the results back to whoever built the tree (ctest writes its logs as root).
builder="$(hostdeck_owner)"
[ -n "$builder" ] || builder="$(id -un)"
cleanup() {
  as_root chown -R "$builder:" "$root/build/ci/Testing" 2>/dev/null || true
  as_root rm -rf "$XDG_RUNTIME_DIR"
}
trap cleanup EXIT
as_root env XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" \
  ctest --test-dir "$root/build/ci" --output-on-failure --timeout 2400 "$@"

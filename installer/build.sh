#!/usr/bin/env bash
# Configures and builds with a CMake preset (default: release). Usage: installer/build.sh [PRESET]
# Run as root on someone else's checkout, it builds as the checkout's owner (see lib.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"
if [ -n "$(hostdeck_owner)" ]; then
  exec runuser -u "$(hostdeck_owner)" -- "$here/build.sh" "$@"
fi
preset="${1:-release}"
cd "$hostdeck_root"
# ccache hits across checkouts in other folders (CI clones afresh): hash paths relative to the tree.
export CCACHE_BASEDIR="$hostdeck_root" CCACHE_NOHASHDIR=true
cmake --preset "$preset"
cmake --build --preset "$preset" -j "$(nproc)"

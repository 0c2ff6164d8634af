#!/usr/bin/env bash
# Configures and builds with a CMake preset (default: release). Usage: installer/build.sh [PRESET]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
preset="${1:-release}"
cd "$root"
# ccache hits across checkouts in other folders (CI clones afresh): hash paths relative to the tree.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
cmake --preset "$preset"
cmake --build --preset "$preset" -j "$(nproc)"

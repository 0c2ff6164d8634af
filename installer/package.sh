#!/usr/bin/env bash
# Builds the Debian package hostdeck_VERSION_ARCH.deb and prints its path.
# Usage: installer/package.sh [--build-dir DIR]   (default build/package)
# Install it with: sudo apt install ./build/package/hostdeck_*.deb
# Installs what is missing first (setup.sh); builds as the checkout's owner (see lib.sh). The
# `package` preset has the compile flags of `ci`, so after a ci build ccache serves it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"
build_dir="$hostdeck_root/build/package"
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir="$(realpath -m "$2")"; shift 2 ;;
    --no-setup) no_setup=1; shift ;;
    *) echo "usage: installer/package.sh [--build-dir DIR] [--no-setup]" >&2; exit 2 ;;
  esac
done
[ -n "${no_setup:-}" ] || "$here/setup.sh" >&2
if [ -n "$(hostdeck_owner)" ]; then
  exec runuser -u "$(hostdeck_owner)" -- "$here/package.sh" --build-dir "$build_dir" --no-setup
fi
cd "$hostdeck_root"
export CCACHE_BASEDIR="$hostdeck_root" CCACHE_NOHASHDIR=true
cmake --preset package -B "$build_dir" >&2
cmake --build "$build_dir" -j "$(nproc)" >&2
rm -f "$build_dir"/hostdeck_*.deb
(cd "$build_dir" && cpack -G DEB >&2)
ls "$build_dir"/hostdeck_*.deb

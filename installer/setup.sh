#!/usr/bin/env bash
# Installs every Debian package Hostdeck needs (build, run, test; the list is packages.txt).
# Idempotent. Only apt-get runs as root: directly when you are root, through sudo otherwise.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"
mapfile -t wanted < <(grep -vE '^\s*(#|$)' "$here/packages.txt")

# What installed packages provide counts as present (NodeSource's nodejs provides npm).
provided="$(dpkg-query -W -f='${db:Status-Abbrev}|${Provides}\n' 2>/dev/null |
  awk -F'|' '$1 ~ /^ii/ { print $2 }' | tr ',' '\n' | sed 's/(.*//; s/[[:space:]]//g')"
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' && continue
  grep -qxF "$pkg" <<<"$provided" && continue
  missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#wanted[@]} packages present"
  exit 0
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
as_root apt-get update -q
as_root apt-get install -y -q --no-install-recommends "${missing[@]}"

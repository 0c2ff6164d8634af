#!/usr/bin/env bash
# Fresh Debian 12 machine -> running Hostdeck: installs what is missing, builds, starts the app.
# The local machine is always available as a host, so a tool can be run at once.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/installer/setup.sh"
"$root/installer/build.sh" release
app="$root/build/release/app/hostdeck"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run-app: no display found; starting Hostdeck on a virtual X server (xvfb-run)." >&2
  exec xvfb-run -a -s '-screen 0 1280x800x24' "$app" "$@"
fi
exec "$app" "$@"

#!/usr/bin/env bash
# Fresh Debian 12 machine -> running Hostdeck: installs what is missing (apt-get as root, through
# sudo when you are not root), builds as you, starts the app. Run through sudo, it builds and
# starts the app as the checkout's owner, not as root (see lib.sh).
# The local machine is always available as a host, so a tool can be run at once.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"
"$here/setup.sh"
"$here/build.sh" release
app="$hostdeck_root/build/release/app/hostdeck"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run-app: no display found; starting Hostdeck on a virtual X server (xvfb-run)." >&2
  as_owner xvfb-run -a -s '-screen 0 1280x800x24' "$app" "$@"
  exit
fi
as_owner "$app" "$@"

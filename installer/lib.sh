# Sourced by the installer scripts: who runs what.
#
# Only apt-get (and the test suite, which creates users, starts sshd and uses chroot) needs root.
# as_root runs a command as root: directly when you are root, through sudo otherwise, and stops
# with a clear message when neither is possible. Everything that writes into the checkout
# (builds) runs as the checkout's owner: as_owner drops from root to that user, so that
# `sudo ./installer/run-app.sh` does not leave root-owned build trees (and does not start the
# GUI as root) in a desktop user's checkout. On a root-only machine the checkout belongs to root
# and everything runs as root.

hostdeck_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
hostdeck_script="$(basename "$0")"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo env DEBIAN_FRONTEND="${DEBIAN_FRONTEND:-}" "$@"
  else
    echo "$hostdeck_script: '$*' needs root, and sudo is not installed." >&2
    echo "$hostdeck_script: run this script as root (e.g. su - -c '$hostdeck_root/installer/$hostdeck_script'), or install sudo and add $(id -un) to the sudo group." >&2
    exit 1
  fi
}

# The owner of the checkout, when a root shell must build for someone else; empty otherwise.
hostdeck_owner() {
  local owner
  owner="$(stat -c %U "$hostdeck_root")"
  if [ "$(id -u)" -eq 0 ] && [ "$owner" != root ] && [ "$owner" != UNKNOWN ]; then
    echo "$owner"
  fi
}

as_owner() {
  local owner
  owner="$(hostdeck_owner)"
  if [ -z "$owner" ]; then
    "$@"
    return
  fi
  # A desktop session of the owner, so that the GUI finds its display, bus and keyring.
  local uid runtime
  uid="$(id -u "$owner")"
  runtime="/run/user/$uid"
  if [ -d "$runtime" ]; then
    XDG_RUNTIME_DIR="$runtime" DBUS_SESSION_BUS_ADDRESS="${DBUS_SESSION_BUS_ADDRESS:-unix:path=$runtime/bus}" \
      runuser -u "$owner" -- "$@"
  else
    runuser -u "$owner" -- "$@"
  fi
}

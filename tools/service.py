"""systemd services: state, start/stop, enable/disable, mask, converge."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: hosts never import typing
    from typing import Optional

import os
import shutil

import hostdeck

import _proc

# Unit-file states that count as enabled (systemctl is-enabled).
ENABLED_STATES = ("enabled", "enabled-runtime", "alias", "static", "indirect", "generated")


def _running() -> bool:
    """Whether systemd is PID 1 here (sd_booted's test)."""
    return os.path.isdir("/run/systemd/system")


def _systemctl() -> str:
    path = shutil.which("systemctl")
    if not path:
        raise hostdeck.ToolError("systemctl not found: this host does not use systemd")
    return path


def _unit(name: str) -> str:
    if not name or "/" in name or name.startswith("-"):
        raise hostdeck.ToolError("invalid unit name %r" % (name,), name=name)
    return name if "." in name else name + ".service"


def _query(*args: str) -> str:
    done = _proc.run([_systemctl()] + list(args), timeout=60)
    return done.stdout.strip().splitlines()[0] if done.stdout.strip() else ""


def _require_running(action: str, name: str) -> None:
    if not _running():
        raise hostdeck.ToolError(
            "systemd is not running on this host (no /run/systemd/system): cannot %s %s; "
            "enable, disable, mask and unmask work without it" % (action, name),
            action=action, name=name)


def _status(name: str) -> dict:
    unit = _unit(name)
    unit_state = _query("is-enabled", unit)
    running = _running()
    active = _query("is-active", unit) if running else "unknown"
    return {"name": unit, "systemd_running": running, "active": active,
            "started": (active in ("active", "reloading", "activating")) if running else None,
            "enabled": unit_state in ENABLED_STATES, "unit_file_state": unit_state or "not-found",
            "masked": unit_state in ("masked", "masked-runtime"),
            "exists": unit_state not in ("", "not-found")}


def _change(action: str, name: str, needed: bool, runtime: bool) -> dict:
    unit = _unit(name)
    if runtime:
        _require_running(action, unit)
    if needed and not hostdeck.context().check:
        _proc.check([_systemctl(), action, unit], timeout=300)
    result = _status(unit)
    result["changed"] = needed
    return result


class Service:
    """systemd units: status, start/stop/restart/reload, enable/disable, mask/unmask, converge."""

    @staticmethod
    def status(name: str) -> dict:
        """Active state, unit file state (enabled/disabled/masked/static...) and whether systemd runs."""
        return _status(name)

    @staticmethod
    def list_units(pattern: str = "*.service") -> list[dict]:
        """Installed unit files matching a pattern with their state (works without a running systemd)."""
        done = _proc.check([_systemctl(), "list-unit-files", "--no-legend", "--no-pager", pattern],
                           timeout=60)
        units = []
        for line in done.stdout.splitlines():
            parts = line.split()
            if len(parts) >= 2:
                units.append({"name": parts[0], "unit_file_state": parts[1]})
        return units

    @staticmethod
    @hostdeck.changes
    def start(name: str) -> dict:
        """Start a unit (changed when it was not running)."""
        _require_running("start", _unit(name))
        return _change("start", name, not _status(name)["started"], True)

    @staticmethod
    @hostdeck.changes
    def stop(name: str) -> dict:
        """Stop a unit (changed when it was running)."""
        _require_running("stop", _unit(name))
        return _change("stop", name, bool(_status(name)["started"]), True)

    @staticmethod
    @hostdeck.changes
    def restart(name: str) -> dict:
        """Restart a unit (always changed)."""
        return _change("restart", name, True, True)

    @staticmethod
    @hostdeck.changes
    def reload(name: str) -> dict:
        """Reload a unit's configuration (always changed)."""
        return _change("reload", name, True, True)

    @staticmethod
    @hostdeck.changes
    def enable(name: str) -> dict:
        """Enable a unit at boot (works without a running systemd, e.g. in a chroot)."""
        return _change("enable", name, not _status(name)["enabled"], False)

    @staticmethod
    @hostdeck.changes
    def disable(name: str) -> dict:
        """Disable a unit at boot (works without a running systemd)."""
        state = _status(name)
        return _change("disable", name, state["unit_file_state"] in ("enabled", "enabled-runtime"),
                       False)

    @staticmethod
    @hostdeck.changes
    def mask(name: str) -> dict:
        """Mask a unit so that nothing can start it (works without a running systemd)."""
        return _change("mask", name, not _status(name)["masked"], False)

    @staticmethod
    @hostdeck.changes
    def unmask(name: str) -> dict:
        """Unmask a unit (works without a running systemd)."""
        return _change("unmask", name, _status(name)["masked"], False)

    @staticmethod
    @hostdeck.changes
    def daemon_reload() -> dict:
        """Make systemd re-read unit files (needs a running systemd)."""
        _require_running("daemon-reload", "systemd")
        if not hostdeck.context().check:
            _proc.check([_systemctl(), "daemon-reload"], timeout=300)
        return {"changed": True}

    @staticmethod
    @hostdeck.changes
    def converge(name: str, started: Optional[bool] = None, enabled: Optional[bool] = None) -> dict:
        """Bring a unit to the wanted started/enabled state (null leaves that aspect alone)."""
        unit = _unit(name)
        steps = []
        if enabled is not None:
            step = Service.enable(unit) if enabled else Service.disable(unit)
            if step["changed"]:
                steps.append("enable" if enabled else "disable")
        if started is not None:
            step = Service.start(unit) if started else Service.stop(unit)
            if step["changed"]:
                steps.append("start" if started else "stop")
        result = _status(unit)
        result.update(changed=bool(steps), actions=steps)
        return result

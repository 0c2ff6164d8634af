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
# What before/after report: the aspects of a unit the methods change.
ASPECTS = ("active", "enabled", "masked")


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


def _show(unit: str, *props: str) -> dict[str, str]:
    """Unit properties from the running systemd (systemctl show -p ...)."""
    done = _proc.run([_systemctl(), "show", "--no-pager"] + ["-p" + p for p in props] + [unit],
                     timeout=60)
    out = {}
    for line in done.stdout.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out[key] = value
    return out


def _require_running(action: str, name: str) -> None:
    if not _running():
        raise hostdeck.ToolError(
            "systemd is not running on this host (no /run/systemd/system): cannot %s %s; "
            "enable, disable, mask and unmask work without it" % (action, name),
            action=action, name=name)


def _require_unit(action: str, state: dict) -> None:
    if not state["exists"]:
        raise hostdeck.ToolError("cannot %s %s: no such unit" % (action, state["name"]),
                                 action=action, name=state["name"])
    if state["masked"] and action in ("start", "restart", "reload", "enable"):
        raise hostdeck.ToolError("cannot %s %s: the unit is masked (unmask it first)" % (
            action, state["name"]), action=action, name=state["name"])


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


def _aspects(state: dict) -> dict:
    return {k: state[k] for k in ASPECTS}


# What each action leaves behind, for check mode's "after" (a real run reads it back instead).
_PREDICT = {"start": {"active": "active"}, "restart": {"active": "active"},
            "reload": {"active": "active"}, "stop": {"active": "inactive"},
            "enable": {"enabled": True}, "disable": {"enabled": False},
            "mask": {"masked": True, "enabled": False}, "unmask": {"masked": False}}


def _change(action: str, name: str, needed: bool, runtime: bool, before: dict) -> dict:
    """Run `systemctl ACTION UNIT` when needed (not in check mode) and report before/after."""
    unit = _unit(name)
    if runtime:
        _require_running(action, unit)
    check = hostdeck.context().check
    if needed and not check:
        _proc.check([_systemctl(), action, unit], timeout=300)
    result = _status(unit) if needed and not check else dict(before)
    after = _aspects(result)
    if needed and check:
        after.update(_PREDICT[action])
        _predicted(result, after)
    result.update(changed=needed, before=_aspects(before), after=after)
    return result


class Service:
    """systemd units: status, start/stop/restart/reload, enable/disable, mask/unmask, converge.

    Every changing method reports before and after {active, enabled, masked}; in check mode
    after is what the call would leave and nothing runs."""

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
        state = _status(name)
        if not state["started"]:
            _require_unit("start", state)
        return _change("start", name, not state["started"], True, state)

    @staticmethod
    @hostdeck.changes
    def stop(name: str) -> dict:
        """Stop a unit (changed when it was running)."""
        _require_running("stop", _unit(name))
        state = _status(name)
        return _change("stop", name, bool(state["started"]), True, state)

    @staticmethod
    @hostdeck.changes
    def restart(name: str) -> dict:
        """Restart a unit, starting it when it was stopped (an action: always changed)."""
        _require_running("restart", _unit(name))
        state = _status(name)
        _require_unit("restart", state)
        return _change("restart", name, True, True, state)

    @staticmethod
    @hostdeck.changes
    def reload(name: str) -> dict:
        """Make a running unit reload its configuration (an action: always changed).

        The unit must be running and support reload (ExecReload=); check mode says so too."""
        _require_running("reload", _unit(name))
        state = _status(name)
        _require_unit("reload", state)
        props = _show(state["name"], "CanReload")
        if props.get("CanReload") != "yes":
            raise hostdeck.ToolError("cannot reload %s: the unit does not support reload" %
                                     state["name"], name=state["name"])
        if not state["started"]:
            raise hostdeck.ToolError("cannot reload %s: it is not running (%s)" % (
                state["name"], state["active"]), name=state["name"], active=state["active"])
        return _change("reload", name, True, True, state)

    @staticmethod
    @hostdeck.changes
    def enable(name: str) -> dict:
        """Enable a unit at boot (works without a running systemd, e.g. in a chroot)."""
        state = _status(name)
        if not state["enabled"]:
            _require_unit("enable", state)
        return _change("enable", name, not state["enabled"], False, state)

    @staticmethod
    @hostdeck.changes
    def disable(name: str) -> dict:
        """Disable a unit at boot (works without a running systemd)."""
        state = _status(name)
        return _change("disable", name, state["unit_file_state"] in ("enabled", "enabled-runtime"),
                       False, state)

    @staticmethod
    @hostdeck.changes
    def mask(name: str) -> dict:
        """Mask a unit so that nothing can start it (works without a running systemd)."""
        state = _status(name)
        if not state["masked"]:
            _require_maskable(state["name"])
        return _change("mask", name, not state["masked"], False, state)

    @staticmethod
    @hostdeck.changes
    def unmask(name: str) -> dict:
        """Unmask a unit (works without a running systemd)."""
        state = _status(name)
        return _change("unmask", name, state["masked"], False, state)

    @staticmethod
    @hostdeck.changes
    def daemon_reload(force: bool = False) -> dict:
        """Make systemd re-read unit files when a loaded unit's files changed on disk (or always
        with force); units lists the units that needed it."""
        _require_running("daemon-reload", "systemd")
        stale = _stale_units()
        needed = bool(stale) or force
        if needed and not hostdeck.context().check:
            _proc.check([_systemctl(), "daemon-reload"], timeout=300)
        result = {"changed": needed, "units": stale}
        if hostdeck.context().check:
            result["check"] = True
        return result

    @staticmethod
    @hostdeck.changes
    def converge(name: str, started: Optional[bool] = None, enabled: Optional[bool] = None) -> dict:
        """Bring a unit to the wanted started/enabled state (null leaves that aspect alone)."""
        unit = _unit(name)
        before = _status(unit)
        steps, after = [], _aspects(before)
        if enabled is not None:
            step = Service.enable(unit) if enabled else Service.disable(unit)
            if step["changed"]:
                steps.append("enable" if enabled else "disable")
                after.update(_moved(step))
        if started is not None:
            step = Service.start(unit) if started else Service.stop(unit)
            if step["changed"]:
                steps.append("start" if started else "stop")
                after.update(_moved(step))
        result = _status(unit)
        if hostdeck.context().check:
            _predicted(result, after)
        else:
            after = _aspects(result)
        result.update(changed=bool(steps), actions=steps, before=_aspects(before), after=after)
        return result


def _predicted(result: dict, after: dict) -> None:
    """Make a check-mode status say what the call would leave."""
    result.update(after, check=True)
    if result["systemd_running"]:
        result["started"] = after["active"] in ("active", "reloading", "activating")


def _moved(step: dict) -> dict:
    """The aspects a step changed (its other aspects are stale in check mode)."""
    return {k: v for k, v in step["after"].items() if step["before"][k] != v}


def _require_maskable(unit: str) -> None:
    """systemctl refuses to mask a unit whose own file lives in /etc/systemd/system."""
    path = os.path.join("/etc/systemd/system", unit)
    if os.path.lexists(path) and not os.path.islink(path):
        raise hostdeck.ToolError("cannot mask %s: %s is the unit's own file (systemctl masks by "
                                 "putting a link to /dev/null there)" % (unit, path),
                                 name=unit, path=path)


def _stale_units() -> list[str]:
    """Loaded units whose unit files or drop-ins changed since systemd read them."""
    done = _proc.check([_systemctl(), "show", "--no-pager", "-p", "Id", "-p", "NeedDaemonReload",
                        "*"], timeout=120)
    stale, unit = [], None
    for line in done.stdout.splitlines():
        key, _, value = line.partition("=")
        if key == "Id":
            unit = value
        elif key == "NeedDaemonReload" and value == "yes" and unit:
            stale.append(unit)
    return sorted(set(stale))

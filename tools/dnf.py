"""Red Hat family packages (dnf, installed state from rpm)."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: hosts never import typing
    from typing import Optional

import os
import shutil

import hostdeck

import _pkg
import _proc


def _dnf() -> str:
    path = shutil.which("dnf") or shutil.which("dnf5") or shutil.which("yum")
    if not path:
        raise hostdeck.ToolError("dnf not found: this host does not use dnf/yum")
    return path


def _base(root: Optional[str], config: Optional[str], refresh: bool = False) -> list[str]:
    """dnf argv up to the command: -c CONFIG, --installroot ROOT (with a releasever) when given."""
    argv = [_dnf(), "-y", "-q"] + (["--refresh"] if refresh else [])
    if config:
        argv += ["-c", config]
    if root:
        argv += ["--installroot", root]
        if not os.path.exists(os.path.join(root, "etc/os-release")):
            argv += ["--releasever", "1"]  # an empty root has no release to read it from
    return argv


def installed(names: list[str], root: Optional[str] = None) -> dict[str, Optional[str]]:
    """{name: version-release or None}, read fresh from the rpm database."""
    out: dict[str, Optional[str]] = {n: None for n in names}
    if not names:
        return out
    done = _proc.run(["rpm"] + (["--root", root] if root else []) + ["-q", "--qf", "%{NAME} %{VERSION}-%{RELEASE}\\n"] + names, timeout=120)
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in out:
            out[parts[0]] = parts[1]
    return out


def _available(names: list[str], root, config, refresh: bool) -> dict[str, Optional[str]]:
    out: dict[str, Optional[str]] = {n: None for n in names}
    done = _proc.run(_base(root, config, refresh) + ["repoquery", "--latest-limit=1", "--qf",
                      "%{name} %{version}-%{release}"] + names, timeout=600)
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in out:
            out[parts[0]] = parts[1]
    return out


def _matches(have: Optional[str], want: Optional[str]) -> bool:
    """name=1.2 accepts 1.2-3.fc40; name=1.2-3.fc40 must match exactly."""
    if have is None:
        return False
    return want is None or have == want or have.startswith(want + "-")


def _run(root, config, args: list[str]) -> None:
    _proc.check(_base(root, config) + args, timeout=3600, emit=hostdeck.context().emit)


class Dnf:
    """Fedora/RHEL packages with dnf; installed state is read from rpm after each change."""

    @staticmethod
    @hostdeck.changes
    def install(packages: list[str], root: Optional[str] = None,
                config: Optional[str] = None) -> dict:
        """Install packages given as name or name=version (root/config: --installroot and -c)."""
        wanted = _pkg.specs(packages)
        before = installed([n for n, _ in wanted], root)
        todo = [(n, v) for n, v in wanted if not _matches(before[n], v)]
        if todo and not hostdeck.context().check:
            _run(root, config, ["install"] + [n + ("-" + v if v else "") for n, v in todo])
        return Dnf._result(wanted, before, [n for n, _ in todo], root)

    @staticmethod
    @hostdeck.changes
    def latest(packages: list[str], root: Optional[str] = None, config: Optional[str] = None,
               refresh: bool = False) -> dict:
        """Install packages or upgrade them to the newest version in the enabled repos.

        refresh makes dnf re-read repository metadata first (dnf --refresh)."""
        wanted = _pkg.specs(packages)
        names = [n for n, _ in wanted]
        before = installed(names, root)
        offered = _available(names, root, config, refresh)
        missing = [n for n in names if offered[n] is None and before[n] is None]
        if missing:
            raise hostdeck.ToolError("no package in the enabled repositories: %s" % ", ".join(missing),
                                     packages=missing)
        todo = [n for n in names if before[n] is None or (offered[n] and before[n] != offered[n])]
        if todo and not hostdeck.context().check:
            missing_now = [n for n in todo if before[n] is None]
            if missing_now:
                _run(root, config, ["install"] + missing_now)
            upgrade = [n for n in todo if before[n] is not None]
            if upgrade:
                _run(root, config, ["upgrade"] + upgrade)
        return Dnf._result(wanted, before, todo, root)

    @staticmethod
    @hostdeck.changes
    def remove(packages: list[str], root: Optional[str] = None,
               config: Optional[str] = None) -> dict:
        """Remove packages."""
        wanted = _pkg.specs(packages)
        before = installed([n for n, _ in wanted], root)
        todo = [n for n, _ in wanted if before[n] is not None]
        if todo and not hostdeck.context().check:
            _run(root, config, ["remove"] + todo)
        return Dnf._result(wanted, before, todo, root)

    @staticmethod
    def _result(wanted, before, todo: list[str], root: Optional[str]) -> dict:
        names = [n for n, _ in wanted]
        after = installed(names, root) if todo and not hostdeck.context().check else before
        return _pkg.result(bool(todo), before, after, actions=todo)

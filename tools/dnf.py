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


# Sections of dnf's transaction table -> action (the rest, e.g. Skipping..., is not acted on).
SECTIONS = {"Installing": "install", "Installing dependencies": "install",
            "Installing weak dependencies": "install", "Installing group/module packages": "install",
            "Upgrading": "upgrade", "Downgrading": "downgrade", "Reinstalling": "reinstall",
            "Removing": "remove", "Removing dependent packages": "remove",
            "Removing unused dependencies": "remove"}


def _base(root: Optional[str], config: Optional[str], refresh: bool = False,
          flags: Optional[list[str]] = None) -> list[str]:
    """dnf argv up to the command: -c CONFIG, --installroot ROOT (with a releasever) when given."""
    argv = [_dnf()] + (["-y", "-q"] if flags is None else flags) + (["--refresh"] if refresh else [])
    if config:
        argv += ["-c", config]
    if root:
        argv += ["--installroot", root]
        if not os.path.exists(os.path.join(root, "etc/os-release")):
            argv += ["--releasever", "1"]  # an empty root has no release to read it from
    return argv


def installed_all(root: Optional[str] = None) -> dict[str, str]:
    """{name: version-release} of every installed package, read fresh from the rpm database."""
    done = _proc.check(["rpm"] + (["--root", root] if root else []) +
                       ["-qa", "--qf", "%{NAME} %{VERSION}-%{RELEASE}\\n"], timeout=120)
    out = {}
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] != "gpg-pubkey":
            out[parts[0]] = parts[1]
    return out


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


def _dry_run(root, config, args: list[str]) -> list[dict]:
    """The transaction table of `dnf --assumeno ARGS` (dnf resolves, prints and stops)."""
    done = _proc.run(_base(root, config, flags=["--assumeno"]) + args, timeout=3600,
                     env={"LC_ALL": "C"})
    if done.rc != 0 and "Operation aborted" not in done.stdout + done.stderr:
        raise _proc.failure(done)
    return _parse_table(done.stdout)


def _parse_table(text: str) -> list[dict]:
    """Rows ' NAME ARCH [EPOCH:]VERSION-RELEASE REPO SIZE' under 'Installing:' and the like;
    a name too long for its column may push the rest of its row onto the next line."""
    rows: list = []
    action = None
    for line in text.splitlines():
        if line and not line[0].isspace():  # a section heading, a rule or a summary
            action = SECTIONS.get(line[:-1]) if line.endswith(":") else None
        elif action is None or not line.strip():
            continue
        elif len(line) > 1 and not line[1].isspace():
            rows.append((action, line.split()))
        elif rows and rows[-1][0] == action and len(rows[-1][1]) < 3:
            rows[-1][1].extend(line.split())  # the wrapped tail of the previous row
    return [{"name": t[0], "action": a, "version": t[2].rpartition(":")[2]} for a, t in rows
            if len(t) >= 3]


def _transact(root, config, commands: list[list[str]], names: list[str],
              before: dict[str, Optional[str]]) -> dict:
    """Run the dnf commands (or their dry runs in check mode): the transaction and the named
    packages' versions after it."""
    have = installed_all(root)
    if hostdeck.context().check:
        transaction = []
        for args in commands:
            for row in _dry_run(root, config, args):
                new = None if row["action"] == "remove" else row["version"]
                transaction.append(_pkg.entry(row["name"], have.get(row["name"]), new,
                                              _pkg.rpm_compare, row["action"]))
        return {"transaction": transaction, "after": _pkg.predicted(before, transaction)}
    for args in commands:
        _run(root, config, args)
    after = installed_all(root)
    return {"transaction": _pkg.diff(have, after, _pkg.rpm_compare),
            "after": {n: after.get(n) for n in names}}


def _result(wanted, before, todo: list[str], root, config, commands: list[list[str]]) -> dict:
    names = [n for n, _ in wanted]
    done = {"transaction": [], "after": before}
    if todo:
        done = _transact(root, config, commands, names, before)
    return _pkg.result(bool(todo), before, done["after"], done["transaction"], actions=todo)


class Dnf:
    """Fedora/RHEL packages with dnf; installed state is read from rpm after each change.

    Check mode asks dnf itself (--assumeno) what it would install, upgrade or remove."""

    @staticmethod
    @hostdeck.changes
    def install(packages: list[str], root: Optional[str] = None,
                config: Optional[str] = None) -> dict:
        """Install packages given as name or name=version (root/config: --installroot and -c)."""
        wanted = _pkg.specs(packages)
        before = installed([n for n, _ in wanted], root)
        todo = [(n, v) for n, v in wanted if not _matches(before[n], v)]
        command = ["install"] + [n + ("-" + v if v else "") for n, v in todo]
        return _result(wanted, before, [n for n, _ in todo], root, config, [command])

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
        commands = [["install"] + [n for n in todo if before[n] is None],
                    ["upgrade"] + [n for n in todo if before[n] is not None]]
        return _result(wanted, before, todo, root, config, [c for c in commands if len(c) > 1])

    @staticmethod
    @hostdeck.changes
    def remove(packages: list[str], root: Optional[str] = None,
               config: Optional[str] = None) -> dict:
        """Remove packages."""
        wanted = _pkg.specs(packages)
        before = installed([n for n, _ in wanted], root)
        todo = [n for n, _ in wanted if before[n] is not None]
        return _result(wanted, before, todo, root, config, [["remove"] + todo])

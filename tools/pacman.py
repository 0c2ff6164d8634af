"""Arch Linux packages (pacman) and repositories in pacman.conf."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: hosts never import typing
    from typing import Optional, Tuple

import glob as _glob
import os
import re
import time

import hostdeck

import _files
import _pkg
import _proc

DEFAULT_CONFIG = "/etc/pacman.conf"


def _paths(root: Optional[str]) -> dict[str, str]:
    base = root or "/"
    return {"root": base, "dbpath": os.path.join(base, "var/lib/pacman"),
            "cachedir": os.path.join(base, "var/cache/pacman/pkg"),
            "logfile": os.path.join(base, "var/log/pacman.log"),
            "gpgdir": os.path.join(base, "etc/pacman.d/gnupg"),
            "hookdir": os.path.join(base, "etc/pacman.d/hooks")}


def _argv(root: Optional[str], config: Optional[str], args: list[str]) -> list[str]:
    argv = ["pacman", "--noconfirm", "--noprogressbar", "--color", "never"]
    if config:
        argv += ["--config", config]
    if root:
        paths = _paths(root)
        for key in ("root", "dbpath", "cachedir", "logfile", "gpgdir", "hookdir"):
            argv += ["--" + key, paths[key]]
    return argv + args


def _pacman(root, config, args: list[str], stream: bool = True) -> _proc.Completed:
    emit = hostdeck.context().emit if stream else None
    return _proc.check(_argv(root, config, args), timeout=3600, emit=emit, env={"LC_ALL": "C"})


def installed(root: Optional[str] = None) -> dict[str, str]:
    """{name: version} from the local database (read fresh from DBPATH/local/*/desc)."""
    out = {}
    for desc in _glob.glob(os.path.join(_paths(root)["dbpath"], "local", "*", "desc")):
        fields, key = {}, None
        with open(desc, "r", encoding="utf-8", errors="replace") as f:
            for line in f.read().splitlines():
                if line.startswith("%") and line.endswith("%"):
                    key = line.strip("%")
                elif line and key and key not in fields:
                    fields[key] = line
        if "NAME" in fields:
            out[fields["NAME"]] = fields.get("VERSION", "")
    return out


def _candidates(root, config, names: list[str]) -> dict[str, Optional[str]]:
    out: dict[str, Optional[str]] = {n: None for n in names}
    done = _proc.run(_argv(root, config, ["-Sddp", "--print-format", "%n %v"] + names), timeout=300,
                     env={"LC_ALL": "C"})
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in out:
            out[parts[0]] = parts[1]
    return out


def _require_pacman() -> None:
    """Check mode fails where the real call would: without pacman."""
    import shutil
    if not shutil.which("pacman"):
        raise hostdeck.ToolError("command not found: pacman (this host does not use pacman)")


def _vercmp(a: str, b: str) -> int:
    """pacman's own version order (vercmp ships with pacman)."""
    done = _proc.run(["vercmp", a, b], timeout=30)
    try:
        value = int(done.stdout.strip())
    except ValueError:
        return _pkg.rpm_compare(a, b)
    return (value > 0) - (value < 0)


def _printed(root, config, args: list[str]) -> list[Tuple[str, str]]:
    """(name, version) of each target pacman --print lists for ARGS (nothing is changed)."""
    done = _pacman(root, config, args + ["--print", "--print-format", "%n %v"], stream=False)
    return [tuple(line.split()[:2]) for line in done.stdout.splitlines() if len(line.split()) >= 2]


def _transact(root, config, args: list[str], names: list[str], before: dict[str, str]) -> dict:
    """Run pacman ARGS (or list its targets with --print in check mode): the transaction and
    the named packages' versions after it."""
    if hostdeck.context().check:
        print_args = [a.replace("n", "") if a.startswith("-R") else a for a in args]  # no -n
        removing = args[0].startswith("-R")
        transaction = [_pkg.entry(n, before.get(n), None if removing else v, _vercmp)
                       for n, v in _printed(root, config, print_args)]
        return {"transaction": transaction,
                "after": _pkg.predicted({n: before.get(n) for n in names}, transaction)}
    _pacman(root, config, args)
    after = installed(root)
    return {"transaction": _pkg.diff(before, after, _vercmp),
            "after": {n: after.get(n) for n in names}}


class Pacman:
    """Arch Linux packages with pacman; root/config point at another root dir and pacman.conf.

    Check mode asks pacman itself (--print) which packages it would install or remove."""

    @staticmethod
    def installed(names: Optional[list[str]] = None, root: Optional[str] = None) -> dict[str, Optional[str]]:
        """Installed versions (all, or these names: null when not installed)."""
        have = installed(root)
        return have if names is None else {n: have.get(n) for n in names}

    @staticmethod
    @hostdeck.changes
    def update(cache_valid_time: int = 0, force: bool = False, root: Optional[str] = None,
               config: Optional[str] = None) -> dict:
        """pacman -Sy (-Syy with force), skipped when the last refresh is younger than
        cache_valid_time seconds (the sync directory's mtime; pacman keeps the db files' own)."""
        sync = os.path.join(_paths(root)["dbpath"], "sync")
        if cache_valid_time and _glob.glob(os.path.join(sync, "*.db")):
            age = time.time() - os.stat(sync).st_mtime
            if age < cache_valid_time:
                return {"changed": False, "cache_age": round(age, 1)}
        if hostdeck.context().check:
            _require_pacman()
        else:
            _pacman(root, config, ["-Syy" if force else "-Sy"])
            if os.path.isdir(sync):
                os.utime(sync)
        return {"changed": True}

    @staticmethod
    @hostdeck.changes
    def install(packages: list[str], root: Optional[str] = None, config: Optional[str] = None,
                update_cache: bool = False) -> dict:
        """Install packages (name, or name=version which must be the version the repos offer)."""
        if update_cache:
            Pacman.update(0, False, root, config)
        wanted = _pkg.specs(packages)
        before = installed(root)
        todo = [(n, v) for n, v in wanted if before.get(n) is None or (v and before[n] != v)]
        pinned = [(n, v) for n, v in todo if v]
        if pinned:
            offered = _candidates(root, config, [n for n, _ in pinned])
            wrong = ["%s=%s (repos offer %s)" % (n, v, offered[n]) for n, v in pinned if offered[n] != v]
            if wrong:
                raise hostdeck.ToolError("pacman cannot install these versions: %s" % ", ".join(wrong),
                                         packages=wrong)
        return Pacman._sync(root, config, wanted, before, [n for n, _ in todo])

    @staticmethod
    @hostdeck.changes
    def latest(packages: list[str], root: Optional[str] = None, config: Optional[str] = None,
               update_cache: bool = False) -> dict:
        """Install packages or upgrade them to the version the sync databases offer."""
        if update_cache:
            Pacman.update(0, False, root, config)
        wanted = _pkg.specs(packages)
        before = installed(root)
        offered = _candidates(root, config, [n for n, _ in wanted])
        missing = [n for n, v in offered.items() if v is None]
        if missing:
            raise hostdeck.ToolError("target not found in the sync databases: %s" % ", ".join(missing),
                                     packages=missing)
        todo = [n for n, _ in wanted if before.get(n) != offered[n]]
        return Pacman._sync(root, config, wanted, before, todo)

    @staticmethod
    def _sync(root, config, wanted, before, todo: list[str]) -> dict:
        names = [n for n, _ in wanted]
        done = {"transaction": [], "after": {n: before.get(n) for n in names}}
        if todo:
            done = _transact(root, config, ["-S", "--needed"] + todo, names, before)
        return _pkg.result(bool(todo), {n: before.get(n) for n in names}, done["after"],
                           done["transaction"], actions=todo)

    @staticmethod
    @hostdeck.changes
    def remove(packages: list[str], root: Optional[str] = None, config: Optional[str] = None,
               purge: bool = False, recursive: bool = False) -> dict:
        """Remove packages (purge: no .pacsave backups; recursive: also unneeded dependencies)."""
        names = [n for n, _ in _pkg.specs(packages)]
        before = installed(root)
        todo = [n for n in names if n in before]
        done = {"transaction": [], "after": {n: before.get(n) for n in names}}
        if todo:
            flags = "-R" + ("n" if purge else "") + ("s" if recursive else "")
            done = _transact(root, config, [flags] + todo, names, before)
        return _pkg.result(bool(todo), {n: before.get(n) for n in names}, done["after"],
                           done["transaction"], actions=todo)


def _section_bounds(lines: list[str], name: str):
    header = re.compile(r"^\s*\[(.+)\]\s*$")
    start = None
    for i, line in enumerate(lines):
        m = header.match(line)
        if m and start is not None:
            return start, i
        if m and m.group(1).strip() == name:
            start = i
    return (start, len(lines)) if start is not None else (None, None)


def _config_text(old: str, name: str, body: Optional[list[str]]) -> str:
    lines = old.splitlines(True)
    start, stop = _section_bounds(lines, name)
    block = [] if body is None else ["[%s]\n" % name] + [l + "\n" for l in body]
    if start is None:
        if not block:
            return old
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        if lines and lines[-1].strip():
            block.insert(0, "\n")
        return "".join(lines + block)
    # Keep blank lines and comments that trail the section (they belong to what follows).
    while stop > start + 1 and (not lines[stop - 1].strip() or lines[stop - 1].lstrip().startswith("#")):
        stop -= 1
    return "".join(lines[:start] + block + lines[stop:])


class PacmanRepository:
    """Repositories as [sections] of pacman.conf: present/absent."""

    @staticmethod
    @hostdeck.changes
    def present(name: str, servers: list[str], siglevel: Optional[str] = None,
                config: str = DEFAULT_CONFIG) -> dict:
        """Make pacman.conf have a [NAME] section with these Server lines (and SigLevel); + diff."""
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", name or "") or name == "options":
            raise hostdeck.ToolError("invalid repository name %r" % (name,), name=name)
        if not servers:
            raise hostdeck.ToolError("at least one server is needed", name=name)
        body = (["SigLevel = %s" % siglevel] if siglevel else []) + ["Server = %s" % s for s in servers]
        old = _files.read_text_or_none(config)
        if old is None:
            raise hostdeck.ToolError("%s does not exist" % config, path=config)
        return _files.converge_text(config, _config_text(old, name, body))

    @staticmethod
    @hostdeck.changes
    def absent(name: str, config: str = DEFAULT_CONFIG) -> dict:
        """Remove the [NAME] section from pacman.conf; + diff."""
        old = _files.read_text_or_none(config)
        if old is None:
            return {"path": config, "changed": False, "diff": ""}
        return _files.converge_text(config, _config_text(old, name, None))

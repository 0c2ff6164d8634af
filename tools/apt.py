"""Debian/Ubuntu packages (apt-get, dpkg status) and DEB822 repositories."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: hosts never import typing
    from typing import Optional

import os
import re
import time

import hostdeck
from hostdeck import Text

import _files
import _pkg
import _proc

DPKG_STATUS = "/var/lib/dpkg/status"
LISTS_DIR = "/var/lib/apt/lists"
UPDATE_STAMP = "/var/lib/apt/periodic/update-success-stamp"
SOURCES_DIR = "/etc/apt/sources.list.d"
KEYRINGS_DIR = "/etc/apt/keyrings"
APT_ENV = {"DEBIAN_FRONTEND": "noninteractive", "APT_LISTCHANGES_FRONTEND": "none",
           "NEEDRESTART_MODE": "l"}
APT_OPTIONS = ["-y", "-q", "-o", "Dpkg::Options::=--force-confdef",
               "-o", "Dpkg::Options::=--force-confold"]
# A dry run writes nothing: the package cache is built in memory (apt would otherwise rewrite
# pkgcache.bin) and the solver's planner log (eipp.log.xz, written even by -s) goes nowhere.
NO_CACHE_FILES = ["-o", "Dir::Cache::pkgcache=", "-o", "Dir::Cache::srcpkgcache=",
                  "-o", "Dir::Log::Planner=/dev/null"]
SIMULATED = re.compile(r"^(Inst|Remv|Purg) (\S+)(?: \[([^\]]*)\])?(?: \((\S+))?")


def installed() -> dict[str, str]:
    """Installed packages from the dpkg status file, read fresh: {name or name:arch: version}."""
    out: dict[str, str] = {}
    try:
        with open(DPKG_STATUS, "r", encoding="utf-8", errors="replace") as f:
            text = f.read()
    except FileNotFoundError:
        raise hostdeck.ToolError("%s not found: not a dpkg-based system" % DPKG_STATUS)
    native = None
    for stanza in text.split("\n\n"):
        fields = {}
        for line in stanza.splitlines():
            if line[:1] not in (" ", "\t") and ":" in line:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        if fields.get("Status", "").split()[-1:] != ["installed"] or "Package" not in fields:
            continue
        name, arch = fields["Package"], fields.get("Architecture", "")
        if native is None:
            native = _native_arch()
        out[name if arch in ("all", native, "") else "%s:%s" % (name, arch)] = fields.get("Version", "")
        out.setdefault(name, fields.get("Version", ""))
    return out


def _native_arch() -> str:
    done = _proc.run(["dpkg", "--print-architecture"], timeout=30)
    return done.stdout.strip()


def _candidates(names: list[str]) -> dict[str, Optional[str]]:
    quiet = NO_CACHE_FILES if hostdeck.context().check else []
    done = _proc.check(["apt-cache"] + quiet + ["policy"] + names, timeout=120, env=APT_ENV)
    out: dict[str, Optional[str]] = {n: None for n in names}
    current = None
    for line in done.stdout.splitlines():
        if line and not line[0].isspace() and line.endswith(":"):
            current = line[:-1]
        elif current and line.strip().startswith("Candidate:"):
            value = line.split(":", 1)[1].strip()
            out[current] = None if value == "(none)" else value
    return out


def _apt_get(args: list[str]) -> _proc.Completed:
    emit = hostdeck.context().emit
    return _proc.check(["apt-get"] + APT_OPTIONS + args, env=APT_ENV, timeout=3600, emit=emit)


def _simulate(args: list[str]) -> list[dict]:
    """What `apt-get -s ARGS` would do: install, upgrade, downgrade, reinstall, remove, purge."""
    done = _proc.check(["apt-get", "-s", "-q"] + NO_CACHE_FILES + args, env=APT_ENV, timeout=600)
    out = []
    for line in done.stdout.splitlines():
        m = SIMULATED.match(line)
        if not m:
            continue
        kind, name, old, new = m.groups()
        if kind == "Inst":
            out.append(_pkg.entry(name, old, new, _pkg.debian_compare))
        else:
            out.append(_pkg.entry(name, old, None, _pkg.debian_compare,
                                  "purge" if kind == "Purg" else "remove"))
    return out


def _transact(args: list[str], names: list[str], before: dict[str, str]) -> dict:
    """Run apt-get ARGS (or simulate it in check mode): the transaction and the named packages'
    versions after it."""
    if hostdeck.context().check:
        transaction = _simulate(args)
        return {"transaction": transaction,
                "after": _pkg.predicted({n: before.get(n) for n in names}, transaction)}
    _apt_get(args)
    after = installed()
    transaction = _pkg.diff(before, after, _pkg.debian_compare)
    if args[0] == "purge":
        for item in transaction:
            item["action"] = "purge" if item["action"] == "remove" else item["action"]
    return {"transaction": transaction, "after": {n: after.get(n) for n in names}}


def _cache_age() -> Optional[float]:
    times = []
    for path in (UPDATE_STAMP, LISTS_DIR):
        try:
            times.append(os.stat(path).st_mtime)
        except FileNotFoundError:
            pass
    return time.time() - max(times) if times else None


class Apt:
    """Debian packages with apt-get; installed state is read from dpkg's status file."""

    @staticmethod
    def installed(names: Optional[list[str]] = None) -> dict[str, Optional[str]]:
        """Installed versions (all packages, or just these names: null when not installed)."""
        have = installed()
        return have if names is None else {n: have.get(n) for n in names}

    @staticmethod
    @hostdeck.changes
    def update(cache_valid_time: int = 0) -> dict:
        """apt-get update, skipped when the cache is younger than cache_valid_time seconds."""
        age = _cache_age()
        if cache_valid_time and age is not None and age < cache_valid_time:
            return {"changed": False, "cache_age": round(age, 1)}
        if hostdeck.context().check:
            import shutil
            if not shutil.which("apt-get"):
                raise hostdeck.ToolError("command not found: apt-get (this host does not use apt)")
        else:
            _apt_get(["update"])
            os.makedirs(os.path.dirname(UPDATE_STAMP), exist_ok=True)
            with open(UPDATE_STAMP, "a"):
                os.utime(UPDATE_STAMP)
        return {"changed": True, "cache_age": 0.0}

    @staticmethod
    @hostdeck.changes
    def install(packages: list[str], install_recommends: bool = False,
                update_cache: bool = False) -> dict:
        """Install packages given as name or name=version (changed only when something was missing)."""
        wanted = _pkg.specs(packages)
        before = installed()
        todo = [(n, v) for n, v in wanted if before.get(n) is None or (v and before.get(n) != v)]
        return Apt._run_install(wanted, before, todo, install_recommends, update_cache)

    @staticmethod
    @hostdeck.changes
    def latest(packages: list[str], install_recommends: bool = False,
               update_cache: bool = False) -> dict:
        """Install packages or upgrade them to the candidate version apt offers."""
        if update_cache:
            Apt.update()
        wanted = _pkg.specs(packages)
        before = installed()
        candidates = _candidates([n for n, _ in wanted])
        missing = [n for n, _ in wanted if candidates.get(n) is None]
        if missing:
            raise hostdeck.ToolError("no installation candidate for: %s" % ", ".join(missing),
                                     packages=missing)
        todo = [(n, None) for n, _ in wanted if before.get(n) != candidates[n]]
        return Apt._run_install(wanted, before, todo, install_recommends, False)

    @staticmethod
    def _run_install(wanted, before, todo, install_recommends: bool, update_cache: bool) -> dict:
        names = [n for n, _ in wanted]
        done = {"transaction": [], "after": {n: before.get(n) for n in names}}
        if todo:
            if update_cache:
                Apt.update()
            args = ["install"] + ([] if install_recommends else ["--no-install-recommends"])
            done = _transact(args + [n + ("=" + v if v else "") for n, v in todo], names, before)
        return _pkg.result(bool(todo), {n: before.get(n) for n in names}, done["after"],
                           done["transaction"], actions=[n for n, _ in todo])

    @staticmethod
    @hostdeck.changes
    def remove(packages: list[str], purge: bool = False, autoremove: bool = False) -> dict:
        """Remove packages (purge also removes their configuration files)."""
        names = [n for n, _ in _pkg.specs(packages)]
        before = installed()
        todo = [n for n in names if before.get(n) is not None]
        done = {"transaction": [], "after": {n: before.get(n) for n in names}}
        if todo:
            done = _transact(["purge" if purge else "remove"] +
                             (["--autoremove"] if autoremove else []) + todo, names, before)
        return _pkg.result(bool(todo), {n: before.get(n) for n in names}, done["after"],
                           done["transaction"], actions=todo)

    @staticmethod
    @hostdeck.changes
    def converge(present: Optional[list[str]] = None, absent: Optional[list[str]] = None,
                 latest: Optional[list[str]] = None, update_cache: bool = False,
                 cache_valid_time: int = 3600) -> dict:
        """Install `present`, upgrade `latest` and remove `absent` packages in one go."""
        steps = {}
        if update_cache:
            steps["update"] = Apt.update(cache_valid_time)
        if present:
            steps["install"] = Apt.install(present)
        if latest:
            steps["latest"] = Apt.latest(latest)
        if absent:
            steps["remove"] = Apt.remove(absent)
        return {"changed": any(s["changed"] for s in steps.values()), "steps": steps}


def _sources_text(name, uris, suites, components, signed_by, types, architectures, enabled) -> str:
    lines = ["# Managed by Hostdeck (AptRepository %s)" % name,
             "Types: %s" % " ".join(types), "URIs: %s" % " ".join(uris),
             "Suites: %s" % " ".join(suites)]
    if components:
        lines.append("Components: %s" % " ".join(components))
    if architectures:
        lines.append("Architectures: %s" % " ".join(architectures))
    if not enabled:
        lines.append("Enabled: no")
    if signed_by:
        lines.append("Signed-By: %s" % signed_by)
    return "\n".join(lines) + "\n"


class AptRepository:
    """apt repositories as DEB822 .sources files with a Signed-By key file."""

    @staticmethod
    @hostdeck.changes
    def present(name: str, uris: list[str], suites: list[str],
                components: Optional[list[str]] = None, key: Optional[Text] = None,
                types: Optional[list[str]] = None, architectures: Optional[list[str]] = None,
                enabled: bool = True) -> dict:
        """Write /etc/apt/sources.list.d/NAME.sources (+ the ASCII-armored key as
        /etc/apt/keyrings/NAME.asc, referenced by Signed-By); changed + diff."""
        _check_name(name)
        if key is not None and "-----BEGIN PGP PUBLIC KEY BLOCK-----" not in key:
            raise hostdeck.ToolError("key must be an ASCII-armored OpenPGP public key", name=name)
        key_path = os.path.join(KEYRINGS_DIR, name + ".asc")
        steps = []
        if key is not None:
            if not _files.in_check_mode():
                os.makedirs(KEYRINGS_DIR, mode=0o755, exist_ok=True)
            steps.append(_files.converge_text(key_path, key if key.endswith("\n") else key + "\n",
                                              0o644, 0, 0))
        text = _sources_text(name, uris, suites, components or [], key_path if key else None,
                             types or ["deb"], architectures or [], enabled)
        steps.append(_files.converge_text(os.path.join(SOURCES_DIR, name + ".sources"), text,
                                          0o644, 0, 0))
        return {"changed": any(s["changed"] for s in steps), "diff": "".join(s["diff"] for s in steps),
                "files": [s["path"] for s in steps]}

    @staticmethod
    @hostdeck.changes
    def absent(name: str) -> dict:
        """Remove NAME.sources and its key file."""
        _check_name(name)
        steps = [_files.converge_text(os.path.join(SOURCES_DIR, name + ".sources"), None),
                 _files.converge_text(os.path.join(KEYRINGS_DIR, name + ".asc"), None)]
        return {"changed": any(s["changed"] for s in steps), "diff": "".join(s["diff"] for s in steps)}


def _check_name(name: str) -> None:
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", name or ""):
        raise hostdeck.ToolError("invalid repository name %r" % (name,), name=name)

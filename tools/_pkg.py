"""What package tools share: 'name=version' specs, version order, transactions and results.

A transaction lists every package a call installs, upgrades, downgrades, reinstalls or removes
(dependencies included) as {name, action, before, after}. A real run derives it from the
package database before and after; check mode from the package manager's own dry run.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: hosts never import typing
    from typing import Callable, Optional, Tuple, Union

import hostdeck

DIGITS = "0123456789"


def specs(packages: Union[str, list[str], None]) -> list[Tuple[str, Optional[str]]]:
    """'nginx' / 'nginx=1.2' / a list of them -> [(name, version or None)]."""
    if packages is None:
        return []
    if isinstance(packages, str):
        packages = packages.replace(",", " ").split()
    out = []
    for item in packages:
        item = str(item).strip()
        if not item:
            continue
        name, sep, version = item.partition("=")
        if not name or (sep and not version):
            raise hostdeck.ToolError("invalid package spec %r (use name or name=version)" % item,
                                     spec=item)
        out.append((name, version or None))
    return out


# --- version order ----------------------------------------------------------------------------

def _deb_order(c: str) -> int:
    if not c or c in DIGITS:
        return 0
    if c.isascii() and c.isalpha():
        return ord(c)
    if c == "~":
        return -1
    return ord(c) + 256


def _deb_part(a: str, b: str) -> int:
    """dpkg's verrevcmp: non-digit runs by a letters-first order (~ lowest), digit runs as numbers."""
    i = j = 0
    while i < len(a) or j < len(b):
        while (i < len(a) and a[i] not in DIGITS) or (j < len(b) and b[j] not in DIGITS):
            ac = _deb_order(a[i] if i < len(a) else "")
            bc = _deb_order(b[j] if j < len(b) else "")
            if ac != bc:
                return -1 if ac < bc else 1
            i, j = i + 1, j + 1
        si, sj = i, j
        while i < len(a) and a[i] in DIGITS:
            i += 1
        while j < len(b) and b[j] in DIGITS:
            j += 1
        x, y = int(a[si:i] or "0"), int(b[sj:j] or "0")
        if x != y:
            return -1 if x < y else 1
    return 0


def _deb_split(v: str) -> Tuple[int, str, str]:
    epoch, sep, rest = v.partition(":")
    if not sep:
        epoch, rest = "0", v
    upstream, sep, revision = rest.rpartition("-")
    if not sep:
        upstream, revision = rest, ""
    return int(epoch or "0"), upstream, revision


def debian_compare(a: str, b: str) -> int:
    """-1, 0 or 1 as dpkg --compare-versions orders two Debian versions."""
    ea, ua, ra = _deb_split(a)
    eb, ub, rb = _deb_split(b)
    if ea != eb:
        return -1 if ea < eb else 1
    return _deb_part(ua, ub) or _deb_part(ra, rb)


def _rpm_alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


def rpmvercmp(a: str, b: str) -> int:
    """-1, 0 or 1 as rpm orders two version (or release) strings (~ before, ^ after the base)."""
    if a == b:
        return 0
    i = j = 0
    while i < len(a) or j < len(b):
        while i < len(a) and not _rpm_alnum(a[i]) and a[i] not in "~^":
            i += 1
        while j < len(b) and not _rpm_alnum(b[j]) and b[j] not in "~^":
            j += 1
        ca, cb = a[i:i + 1], b[j:j + 1]
        if ca == "~" or cb == "~":
            if ca != "~":
                return 1
            if cb != "~":
                return -1
            i, j = i + 1, j + 1
            continue
        if ca == "^" or cb == "^":
            if not ca:
                return -1
            if not cb:
                return 1
            if ca != "^":
                return 1
            if cb != "^":
                return -1
            i, j = i + 1, j + 1
            continue
        if not (ca and cb):
            break
        si, sj = i, j
        numeric = ca in DIGITS
        kind = (lambda c: c in DIGITS) if numeric else (lambda c: c.isascii() and c.isalpha())
        while i < len(a) and kind(a[i]):
            i += 1
        while j < len(b) and kind(b[j]):
            j += 1
        x, y = a[si:i], b[sj:j]
        if not y:
            return 1 if numeric else -1
        if numeric:
            x, y = x.lstrip("0"), y.lstrip("0")
            if len(x) != len(y):
                return -1 if len(x) < len(y) else 1
        if x != y:
            return -1 if x < y else 1
    if i >= len(a) and j >= len(b):
        return 0
    return -1 if i >= len(a) else 1


def rpm_compare(a: str, b: str) -> int:
    """-1, 0 or 1 for two [epoch:]version-release strings, as rpm orders them."""
    def split(v: str) -> Tuple[str, str, str]:
        epoch, sep, rest = v.partition(":")
        if not sep:
            epoch, rest = "0", v
        version, _, release = rest.rpartition("-") if "-" in rest else (rest, "", "")
        return epoch or "0", version, release

    ea, va, ra = split(a)
    eb, vb, rb = split(b)
    return rpmvercmp(ea, eb) or rpmvercmp(va, vb) or (rpmvercmp(ra, rb) if ra and rb else 0)


# --- transactions and results -----------------------------------------------------------------

def entry(name: str, before: Optional[str], after: Optional[str],
          compare: Callable[[str, str], int], action: Optional[str] = None) -> dict:
    """One transaction line; action follows from the versions unless the manager said it."""
    if action is None:
        if before is None:
            action = "install"
        elif after is None:
            action = "remove"
        else:
            order = compare(before, after)
            action = "upgrade" if order < 0 else "downgrade" if order > 0 else "reinstall"
    return {"name": name, "action": action, "before": before, "after": after}


def diff(before: dict[str, str], after: dict[str, str],
         compare: Callable[[str, str], int]) -> list[dict]:
    """The transaction that turned one installed set into the other."""
    return [entry(n, before.get(n), after.get(n), compare) for n in sorted(set(before) | set(after))
            if before.get(n) != after.get(n)]


def predicted(before: dict[str, Optional[str]], transaction: list[dict]) -> dict[str, Optional[str]]:
    """The versions of the named packages once a transaction ran."""
    after = dict(before)
    for item in transaction:
        if item["name"] in after:
            after[item["name"]] = item["after"]
    return after


def result(changed: bool, before: dict[str, Optional[str]], after: dict[str, Optional[str]],
           transaction: Optional[list[dict]] = None, **extra) -> dict:
    """changed + per-package before/after versions (None = not installed) + the transaction.

    In check mode `after` is what the package manager's dry run says would be installed."""
    out = {"changed": changed, "packages": {
        name: {"before": before.get(name), "after": after.get(name)} for name in
        sorted(set(before) | set(after))},
           "transaction": sorted(transaction or [], key=lambda t: (t["name"], t["action"]))}
    if hostdeck.context().check:
        out["check"] = True
    out.update(extra)
    return out

"""What package tools share: parsing 'name=version' specs and shaping results."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: hosts never import typing
    from typing import Optional, Tuple, Union


import hostdeck


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


def result(changed: bool, before: dict[str, Optional[str]], after: dict[str, Optional[str]],
           **extra) -> dict:
    """changed + per-package before/after versions (None = not installed)."""
    out = {"changed": changed, "packages": {
        name: {"before": before.get(name), "after": after.get(name)} for name in
        sorted(set(before) | set(after))}}
    out.update(extra)
    return out

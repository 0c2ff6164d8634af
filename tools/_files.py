"""File helpers shared by the tools: atomic writes, unified diffs, owners and modes."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: hosts never import typing
    from typing import Callable, Optional, Tuple, Union

import grp
import os
import pwd
import stat
import time

import hostdeck

NO_NEWLINE = "\\ No newline at end of file\n"


def in_check_mode() -> bool:
    try:
        return bool(hostdeck.context().check)
    except Exception:  # outside a call
        return False


def unified_diff(before: str, after: str, path: str = "file") -> str:
    """A unified diff that `patch` applies, including files that lack a final newline."""
    if before == after:
        return ""
    import difflib  # here, not at module level: the first call of a tool stays fast
    out = []
    for line in difflib.unified_diff(before.splitlines(True), after.splitlines(True),
                                     "a/" + path.lstrip("/"), "b/" + path.lstrip("/"), n=3):
        if not line.endswith("\n"):
            line += "\n" + NO_NEWLINE
        out.append(line)
    return "".join(out)


def parse_mode(mode: Union[str, int, None]) -> Optional[int]:
    """'0644', '644', '0o644' or an int -> permission bits; None stays None."""
    if mode is None or mode == "":
        return None
    if isinstance(mode, int):
        value = mode
    else:
        text = str(mode).strip().lower()
        text = text[2:] if text.startswith("0o") else text
        try:
            value = int(text, 8)
        except ValueError:
            raise hostdeck.ToolError("invalid mode %r: expected octal like '0644'" % (mode,), mode=mode)
    if value < 0 or value > 0o7777:
        raise hostdeck.ToolError("invalid mode %r: out of range" % (mode,), mode=mode)
    return value


def format_mode(bits: int) -> str:
    return "%04o" % stat.S_IMODE(bits)


def resolve_uid(owner: Union[str, int, None]) -> Optional[int]:
    if owner is None or owner == "":
        return None
    if isinstance(owner, int) or str(owner).isdigit():
        return int(owner)
    try:
        return pwd.getpwnam(str(owner)).pw_uid
    except KeyError:
        raise hostdeck.ToolError("no such user: %s" % owner, owner=owner)


def resolve_gid(group: Union[str, int, None]) -> Optional[int]:
    if group is None or group == "":
        return None
    if isinstance(group, int) or str(group).isdigit():
        return int(group)
    try:
        return grp.getgrnam(str(group)).gr_gid
    except KeyError:
        raise hostdeck.ToolError("no such group: %s" % group, group=group)


def user_name(uid: int) -> Optional[str]:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return None


def group_name(gid: int) -> Optional[str]:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return None


def read_text_or_none(path: str) -> Optional[str]:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise hostdeck.ToolError("%s is a directory" % path, path=path)
    except PermissionError as err:
        raise hostdeck.ToolError("cannot read %s: %s" % (path, err.strerror), path=path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise hostdeck.ToolError("%s is not UTF-8 text" % path, path=path)


def real_target(path: str) -> str:
    """Writes go through a symlink to its target, as editors do."""
    return os.path.realpath(path) if os.path.islink(path) else path


def attrs_drift(path: str, mode: Optional[int], uid: Optional[int], gid: Optional[int]) -> dict:
    """Which of mode/uid/gid differ from what is on disk (path must exist)."""
    st = os.stat(path)
    drift = {}
    if mode is not None and stat.S_IMODE(st.st_mode) != mode:
        drift["mode"] = {"from": format_mode(st.st_mode), "to": format_mode(mode)}
    if uid is not None and st.st_uid != uid:
        drift["owner"] = {"from": st.st_uid, "to": uid}
    if gid is not None and st.st_gid != gid:
        drift["group"] = {"from": st.st_gid, "to": gid}
    return drift


def apply_attrs(path: str, mode: Optional[int], uid: Optional[int], gid: Optional[int]) -> None:
    if uid is not None or gid is not None:
        os.chown(path, -1 if uid is None else uid, -1 if gid is None else gid, follow_symlinks=False)
    if mode is not None:
        os.chmod(path, mode)


def make_backup(path: str) -> Optional[str]:
    """Copy path next to itself as PATH.YYYYmmdd-HHMMSS~ (mode and times kept)."""
    if not os.path.exists(path):
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    backup = "%s.%s~" % (path, stamp)
    n = 1
    while os.path.exists(backup):
        backup = "%s.%s.%d~" % (path, stamp, n)
        n += 1
    import shutil
    shutil.copy2(path, backup)
    st = os.stat(path)
    try:
        os.chown(backup, st.st_uid, st.st_gid)
    except PermissionError:
        pass
    return backup


def open_temp(path: str) -> Tuple[int, str]:
    """A new temp file in path's directory (so rename is atomic); the name contains a dot."""
    directory = os.path.dirname(os.path.abspath(path)) or "."
    if not os.path.isdir(directory):
        raise hostdeck.ToolError("directory %s does not exist" % directory, path=path)
    # Like tempfile.mkstemp (0600, O_EXCL) without importing tempfile (slow on a first call).
    base = os.path.join(directory, "." + os.path.basename(path) + ".")
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        while True:
            tmp = base + os.urandom(6).hex() + ".hostdeck-tmp"
            try:
                return os.open(tmp, flags, 0o600), tmp
            except FileExistsError:
                continue
    except OSError as err:
        raise hostdeck.ToolError("cannot write in %s: %s" % (directory, err.strerror or err),
                                 path=path)


def finish_temp(tmp: str, path: str, mode: Optional[int], uid: Optional[int], gid: Optional[int],
                backup: bool = False,
                validate: Optional[Callable[[str], None]] = None) -> Optional[str]:
    """Give tmp the final attributes (kept from path unless given), validate, back up, rename."""
    try:
        if os.path.exists(path):
            st = os.stat(path)
            mode = stat.S_IMODE(st.st_mode) if mode is None else mode
            uid = st.st_uid if uid is None else uid
            gid = st.st_gid if gid is None else gid
        elif mode is None:
            umask = os.umask(0o022)
            os.umask(umask)
            mode = 0o666 & ~umask
        apply_attrs(tmp, mode, uid, gid)
        if validate is not None:
            validate(tmp)
        saved = make_backup(path) if backup else None
        os.rename(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(os.path.dirname(os.path.abspath(path)))
    return saved


def atomic_write(path: str, data: bytes, mode: Optional[int] = None, uid: Optional[int] = None,
                 gid: Optional[int] = None, backup: bool = False,
                 validate: Optional[Callable[[str], None]] = None) -> Optional[str]:
    """Write data to path via temp file + fsync + rename; returns the backup path if one was made."""
    path = real_target(path)
    fd, tmp = open_temp(path)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        os.unlink(tmp)
        raise
    try:
        return finish_temp(tmp, path, mode, uid, gid, backup, validate)
    except OSError as err:
        raise hostdeck.ToolError("cannot write %s: %s" % (path, err.strerror or err), path=path)


def _fsync_dir(directory: str) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def converge_text(path: str, new_text: Optional[str], mode: Optional[int] = None,
                  uid: Optional[int] = None, gid: Optional[int] = None, backup: bool = False,
                  validate: Optional[Callable[[str], None]] = None) -> dict:
    """Make path hold new_text (None = remove it), honouring check mode; returns changed/diff."""
    path = real_target(path)
    old = read_text_or_none(path)
    result = {"path": path, "changed": False, "diff": ""}
    if new_text is None:
        if old is None:
            return result
        result.update(changed=True, diff=unified_diff(old, "", path))
        if not in_check_mode():
            if backup:
                result["backup"] = make_backup(path)
            os.unlink(path)
        return result
    drift = attrs_drift(path, mode, uid, gid) if old is not None else {}
    result["diff"] = unified_diff(old or "", new_text, path)
    result["changed"] = old != new_text or bool(drift)
    if drift:
        result["attributes"] = drift
    if old is None:
        result["created"] = True
    if not result["changed"] or in_check_mode():
        return result
    if old == new_text:
        apply_attrs(path, mode, uid, gid)
    else:
        saved = atomic_write(path, new_text.encode("utf-8"), mode, uid, gid, backup, validate)
        if saved:
            result["backup"] = saved
    return result

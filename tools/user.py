"""Local users and groups, SSH authorized keys and sudoers drop-ins."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: hosts never import typing
    from typing import Literal, Optional

import grp
import os
import pwd
import re

import hostdeck
from hostdeck import Text

import _files
import _proc

NAME_RE = re.compile(r"^[a-z_][a-z0-9_.-]*\$?$", re.IGNORECASE)


def _name(name: str, what: str = "user") -> str:
    if not name or len(name) > 32 or not NAME_RE.match(name):
        raise hostdeck.ToolError("invalid %s name %r" % (what, name), name=name)
    return name


def _user(name: str) -> Optional[pwd.struct_passwd]:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


def _group(name: str) -> Optional[grp.struct_group]:
    try:
        return grp.getgrnam(name)
    except KeyError:
        return None


def _supplementary(name: str, primary_gid: int) -> list[str]:
    return sorted(g.gr_name for g in grp.getgrall() if name in g.gr_mem and g.gr_gid != primary_gid)


def _user_state(name: str) -> Optional[dict]:
    entry = _user(name)
    if entry is None:
        return None
    return {"name": name, "uid": entry.pw_uid, "gid": entry.pw_gid, "group": _files.group_name(
        entry.pw_gid), "comment": entry.pw_gecos, "home": entry.pw_dir, "shell": entry.pw_shell,
            "groups": _supplementary(name, entry.pw_gid)}


def _check_groups(groups: list[str]) -> None:
    missing = [g for g in groups if _group(g) is None]
    if missing:
        raise hostdeck.ToolError("groups do not exist: %s" % ", ".join(missing), groups=missing)


def _drift(state: dict, uid, gid, comment, home, shell, groups, append) -> dict:
    drift = {}
    want_gid = _files.resolve_gid(gid) if gid is not None else None
    for key, want in (("uid", uid), ("gid", want_gid), ("comment", comment), ("home", home),
                      ("shell", shell)):
        if want is not None and state[key] != want:
            drift[key] = {"from": state[key], "to": want}
    if groups is not None:
        have = set(state["groups"])
        want_groups = sorted(have | set(groups)) if append else sorted(set(groups))
        if want_groups != state["groups"]:
            drift["groups"] = {"from": state["groups"], "to": want_groups}
    return drift


def _usermod_args(drift: dict, gid) -> list[str]:
    args = []
    flags = {"uid": "-u", "comment": "-c", "home": "-d", "shell": "-s"}
    for key, flag in flags.items():
        if key in drift:
            args += [flag, str(drift[key]["to"])]
    if "gid" in drift:
        args += ["-g", str(gid)]
    if "groups" in drift:
        args += ["-G", ",".join(drift["groups"]["to"])]
    return args


class User:
    """Local users and groups (useradd/usermod/groupadd), authorized_keys and sudoers drop-ins."""

    @staticmethod
    def info(name: str) -> Optional[dict]:
        """uid, gid, comment, home, shell and supplementary groups of a user (null when absent)."""
        return _user_state(_name(name))

    @staticmethod
    @hostdeck.changes
    def present(name: str, uid: Optional[int] = None, gid: Optional[str] = None,
                comment: Optional[str] = None, home: Optional[str] = None,
                shell: Optional[str] = None, groups: Optional[list[str]] = None,
                append: bool = False, system: bool = False, create_home: bool = True) -> dict:
        """Make a user exist with these attributes; drift lists what differed (from -> to).

        groups are the supplementary groups: exactly these, or added to the existing ones with
        append. gid is the primary group (name or number). Unset attributes are left alone.
        """
        _name(name)
        if groups is not None:
            _check_groups(groups)
        state = _user_state(name)
        check = hostdeck.context().check
        if state is None:
            argv = ["useradd"] + (["-r"] if system else []) + (["-m"] if create_home else ["-M"])
            for flag, value in (("-u", uid), ("-g", gid), ("-c", comment), ("-d", home), ("-s", shell)):
                if value is not None:
                    argv += [flag, str(value)]
            if groups:
                argv += ["-G", ",".join(groups)]
            if not check:
                _proc.check(argv + [name], timeout=120)
            return {"name": name, "changed": True, "created": True, "state": _user_state(name)}
        drift = _drift(state, uid, gid, comment, home, shell, groups, append)
        if drift and not check:
            _proc.check(["usermod"] + _usermod_args(drift, gid) + [name], timeout=120)
        return {"name": name, "changed": bool(drift), "drift": drift, "state": _user_state(name)}

    @staticmethod
    @hostdeck.changes
    def absent(name: str, remove_home: bool = False) -> dict:
        """Remove a user (and its home directory with remove_home)."""
        _name(name)
        if _user(name) is None:
            return {"name": name, "changed": False}
        if not hostdeck.context().check:
            _proc.check(["userdel"] + (["-r"] if remove_home else []) + [name], timeout=120)
        return {"name": name, "changed": True}

    @staticmethod
    @hostdeck.changes
    def group_present(name: str, gid: Optional[int] = None, system: bool = False) -> dict:
        """Make a group exist (with this gid when given)."""
        _name(name, "group")
        entry = _group(name)
        check = hostdeck.context().check
        if entry is None:
            argv = ["groupadd"] + (["-r"] if system else []) + (["-g", str(gid)] if gid is not None else [])
            if not check:
                _proc.check(argv + [name], timeout=120)
            return {"name": name, "changed": True, "created": True}
        if gid is not None and entry.gr_gid != gid:
            if not check:
                _proc.check(["groupmod", "-g", str(gid), name], timeout=120)
            return {"name": name, "changed": True, "drift": {"gid": {"from": entry.gr_gid, "to": gid}}}
        return {"name": name, "changed": False, "gid": entry.gr_gid}

    @staticmethod
    @hostdeck.changes
    def group_absent(name: str) -> dict:
        """Remove a group."""
        _name(name, "group")
        if _group(name) is None:
            return {"name": name, "changed": False}
        if not hostdeck.context().check:
            _proc.check(["groupdel", name], timeout=120)
        return {"name": name, "changed": True}

    @staticmethod
    @hostdeck.changes
    def authorized_key(user: str, key: Text, state: Literal["present", "absent"] = "present",
                       exclusive: bool = False, path: Optional[str] = None) -> dict:
        """Add (or remove) SSH public keys (one per line) in a user's authorized_keys; changed + diff.

        A key is identified by its type and base64 blob, so a changed comment or options line
        replaces the old line. exclusive keeps only the given keys.
        """
        entry = _user(_name(user))
        if entry is None:
            raise hostdeck.ToolError("no such user: %s" % user, user=user)
        path = path or os.path.join(entry.pw_dir, ".ssh", "authorized_keys")
        wanted = [l.strip() for l in key.splitlines() if l.strip() and not l.strip().startswith("#")]
        if not wanted:
            raise hostdeck.ToolError("no key given", user=user)
        ids = [_key_id(l) for l in wanted]
        old = _files.read_text_or_none(path)
        new = _keys_text(old or "", wanted, ids, state, exclusive)
        if old is None and new == "":
            return {"path": path, "user": user, "changed": False, "diff": ""}
        if not _files.in_check_mode() and new != (old or ""):
            _ensure_ssh_dir(os.path.dirname(path), entry)
        result = _files.converge_text(path, new, 0o600, entry.pw_uid, entry.pw_gid)
        result["user"] = user
        return result

    @staticmethod
    @hostdeck.changes
    def sudoer(name: str, user: Optional[str] = None, commands: str = "ALL",
               nopasswd: bool = False, content: Optional[Text] = None,
               state: Literal["present", "absent"] = "present") -> dict:
        """Install /etc/sudoers.d/NAME (validated with visudo -cf first, mode 0440); changed + diff.

        Either give content (the whole rule text) or user (a user, or %group) plus commands and
        nopasswd, which build `USER ALL=(ALL:ALL) [NOPASSWD: ]COMMANDS`.
        """
        if not re.match(r"^[A-Za-z0-9_-]+$", name or ""):
            raise hostdeck.ToolError("invalid sudoers drop-in name %r (sudo ignores names with '.' "
                                     "or '~')" % (name,), name=name)
        path = os.path.join("/etc/sudoers.d", name)
        if state == "absent":
            return _files.converge_text(path, None)
        if content is None:
            if not user:
                raise hostdeck.ToolError("sudoer needs either content or user", name=name)
            content = "%s ALL=(ALL:ALL) %s%s\n" % (user, "NOPASSWD: " if nopasswd else "", commands)
        if not content.endswith("\n"):
            content += "\n"
        _validate_sudoers(content, path)
        return _files.converge_text(path, content, 0o440, 0, 0,
                                    validate=lambda tmp: _validate_sudoers_file(tmp, path))


def _key_id(line: str) -> str:
    """type + blob of an authorized_keys line (options before the type are skipped)."""
    parts = line.split()
    for i, part in enumerate(parts[:-1]):
        if part.startswith(("ssh-", "ecdsa-", "sk-")):
            return part + " " + parts[i + 1]
    raise hostdeck.ToolError("not an SSH public key line: %r" % line[:60])


def _keys_text(old: str, wanted: list[str], ids: list[str], state: str, exclusive: bool) -> str:
    lines = old.splitlines()
    if state == "absent":
        kept = [l for l in lines if _safe_id(l) not in ids]
    elif exclusive:
        kept = list(wanted)
    else:
        kept = [l for l in lines if _safe_id(l) not in ids or l.strip() in wanted]
        present = {_safe_id(l) for l in kept}
        kept += [w for w, i in zip(wanted, ids) if i not in present]
    if kept == lines:
        return old
    return "\n".join(kept) + "\n" if kept else ""


def _safe_id(line: str) -> Optional[str]:
    try:
        return _key_id(line) if line.strip() and not line.strip().startswith("#") else None
    except hostdeck.ToolError:
        return None


def _ensure_ssh_dir(directory: str, entry: pwd.struct_passwd) -> None:
    if not os.path.isdir(directory):
        os.makedirs(directory, mode=0o700)
        os.chown(directory, entry.pw_uid, entry.pw_gid)


def _validate_sudoers(content: str, path: str) -> None:
    done = _proc.run(["visudo", "-c", "-q", "-f", "-"], stdin=content, timeout=60)
    if done.rc != 0:
        raise hostdeck.ToolError("sudoers rule for %s rejected by visudo: %s" % (
            path, (done.stderr or done.stdout).strip()), path=path, rc=done.rc, stderr=done.stderr)


def _validate_sudoers_file(tmp: str, path: str) -> None:
    done = _proc.run(["visudo", "-c", "-q", "-f", tmp], timeout=60)
    if done.rc != 0:
        raise hostdeck.ToolError("sudoers file for %s rejected by visudo: %s" % (
            path, (done.stderr or done.stdout).strip()), path=path, rc=done.rc)

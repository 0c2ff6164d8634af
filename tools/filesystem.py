"""Files and directories: read, inspect, write atomically, edit lines and blocks, transfer."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: hosts never import typing
    from typing import Literal, Optional

import os
import stat as _stat

import hostdeck
from hostdeck import Path, Text

import _edit
import _files
import _sync
import _transfer

MANAGED_MARKER = "# {mark} HOSTDECK MANAGED BLOCK"
_TYPES = {_stat.S_IFREG: "file", _stat.S_IFDIR: "directory", _stat.S_IFLNK: "symlink",
          _stat.S_IFIFO: "fifo", _stat.S_IFSOCK: "socket", _stat.S_IFCHR: "char",
          _stat.S_IFBLK: "block"}


def _edit_file(path: str, edit, create: bool, mode, owner, group, backup: bool) -> dict:
    path = _files.real_target(path)
    old = _files.read_text_or_none(path)
    if old is None and not create:
        raise hostdeck.ToolError("%s does not exist (pass create=true to create it)" % path, path=path)
    new = edit(old or "")
    if old is None and new == "":
        return {"path": path, "changed": False, "diff": ""}
    return _files.converge_text(path, new, _files.parse_mode(mode), _files.resolve_uid(owner),
                                _files.resolve_gid(group), backup)


def _refuse_in_check_mode(method: str) -> None:
    if _files.in_check_mode():
        raise hostdeck.ToolError("%s writes data and is refused in check mode (a check-mode "
                                 "upload_begin answers without a token)" % method, method=method)


class FileSystem:
    """Read, inspect, write and edit files and directories on the host."""

    @staticmethod
    def read_text(path: Path, encoding: str = "utf-8") -> Text:
        """The content of a text file."""
        try:
            with open(path, "r", encoding=encoding, newline="") as f:
                return f.read()
        except FileNotFoundError:
            raise hostdeck.ToolError("no such file: %s" % path, path=path)
        except (IsADirectoryError, PermissionError) as err:
            raise hostdeck.ToolError("cannot read %s: %s" % (path, err.strerror), path=path)
        except UnicodeDecodeError as err:
            raise hostdeck.ToolError("%s is not %s text: %s" % (path, encoding, err), path=path)

    @staticmethod
    def read_bytes(path: Path, offset: int = 0, size: Optional[int] = None) -> bytes:
        """The bytes of a file (optionally a range); use download for large files."""
        try:
            with open(path, "rb") as f:
                f.seek(offset)
                return f.read() if size is None else f.read(size)
        except FileNotFoundError:
            raise hostdeck.ToolError("no such file: %s" % path, path=path)
        except (IsADirectoryError, PermissionError) as err:
            raise hostdeck.ToolError("cannot read %s: %s" % (path, err.strerror), path=path)

    @staticmethod
    def stat(path: Path, follow: bool = False) -> dict:
        """Type, mode, owner, group, size and mtime of a path ({exists: false} when missing)."""
        try:
            st = os.stat(path) if follow else os.lstat(path)
        except FileNotFoundError:
            return {"path": path, "exists": False}
        info = {"path": path, "exists": True, "type": _TYPES.get(_stat.S_IFMT(st.st_mode), "other"),
                "mode": _files.format_mode(st.st_mode), "uid": st.st_uid, "gid": st.st_gid,
                "owner": _files.user_name(st.st_uid), "group": _files.group_name(st.st_gid),
                "size": st.st_size, "mtime": st.st_mtime}
        if _stat.S_ISLNK(st.st_mode):
            info["target"] = os.readlink(path)
        return info

    @staticmethod
    def exists(path: Path) -> bool:
        """Whether the path exists (a dangling symlink counts)."""
        return os.path.lexists(path)

    @staticmethod
    def glob(pattern: str) -> list[str]:
        """Paths matching a glob pattern (** recurses; * skips dot files), sorted."""
        import glob
        return sorted(glob.glob(pattern, recursive=True))

    @staticmethod
    @hostdeck.changes
    def mkdir(path: Path, parents: bool = True, mode: Optional[str] = None,
              owner: Optional[str] = None, group: Optional[str] = None) -> dict:
        """Create a directory (and its parents); fix mode/owner/group when given."""
        bits, uid, gid = _files.parse_mode(mode), _files.resolve_uid(owner), _files.resolve_gid(group)
        if os.path.lexists(path) and not os.path.isdir(path):
            raise hostdeck.ToolError("%s exists and is not a directory" % path, path=path)
        if os.path.isdir(path):
            drift = _files.attrs_drift(path, bits, uid, gid)
            if drift and not _files.in_check_mode():
                _files.apply_attrs(path, bits, uid, gid)
            return {"path": path, "changed": bool(drift), "attributes": drift}
        parent = os.path.dirname(os.path.abspath(path))
        if not parents and not os.path.isdir(parent):
            raise hostdeck.ToolError("parent %s does not exist (pass parents=true)" % parent, path=path)
        if not _files.in_check_mode():
            os.makedirs(path) if parents else os.mkdir(path)
            _files.apply_attrs(path, bits, uid, gid)
        return {"path": path, "changed": True, "created": True}

    @staticmethod
    @hostdeck.changes
    def remove(path: Path, recursive: bool = False) -> dict:
        """Remove a file, symlink or directory (a non-empty directory needs recursive=true)."""
        if not os.path.lexists(path):
            return {"path": path, "changed": False}
        is_dir = os.path.isdir(path) and not os.path.islink(path)
        if is_dir and os.listdir(path) and not recursive:
            raise hostdeck.ToolError("directory %s is not empty (pass recursive=true)" % path, path=path)
        if not _files.in_check_mode():
            if is_dir and recursive:
                import shutil
                shutil.rmtree(path)
            elif is_dir:
                os.rmdir(path)
            else:
                os.unlink(path)
        return {"path": path, "changed": True}

    @staticmethod
    @hostdeck.changes
    def chmod(path: Path, mode: str) -> dict:
        """Set the permission bits of a path (octal text such as '0644')."""
        return FileSystem._attrs(path, _files.parse_mode(mode), None, None)

    @staticmethod
    @hostdeck.changes
    def chown(path: Path, owner: Optional[str] = None, group: Optional[str] = None) -> dict:
        """Set the owner and/or group of a path (names or numbers)."""
        return FileSystem._attrs(path, None, _files.resolve_uid(owner), _files.resolve_gid(group))

    @staticmethod
    def _attrs(path: str, bits, uid, gid) -> dict:
        if not os.path.lexists(path):
            raise hostdeck.ToolError("no such file or directory: %s" % path, path=path)
        drift = _files.attrs_drift(path, bits, uid, gid)
        if drift and not _files.in_check_mode():
            _files.apply_attrs(path, bits, uid, gid)
        return {"path": path, "changed": bool(drift), "attributes": drift}

    @staticmethod
    @hostdeck.changes
    def symlink(target: str, link: Path, force: bool = False) -> dict:
        """Make link a symlink pointing at target (force replaces a file or another link)."""
        if os.path.islink(link) and os.readlink(link) == target:
            return {"path": link, "changed": False}
        if os.path.lexists(link):
            if not force:
                raise hostdeck.ToolError("%s exists (pass force=true to replace it)" % link, path=link)
            if os.path.isdir(link) and not os.path.islink(link):
                raise hostdeck.ToolError("%s is a directory; not replacing it" % link, path=link)
        if not _files.in_check_mode():
            tmp = "%s.hostdeck-%d.tmp" % (link, os.getpid())
            os.symlink(target, tmp)
            os.rename(tmp, link)
        return {"path": link, "changed": True, "target": target}

    @staticmethod
    @hostdeck.changes
    def write(path: Path, content: Text, mode: Optional[str] = None, owner: Optional[str] = None,
              group: Optional[str] = None, backup: bool = False) -> dict:
        """Write text to a file atomically, keeping mode/owner unless given; returns changed + diff."""
        return _files.converge_text(path, content, _files.parse_mode(mode), _files.resolve_uid(owner),
                                    _files.resolve_gid(group), backup)

    @staticmethod
    @hostdeck.changes
    def write_bytes(path: Path, data: bytes, mode: Optional[str] = None,
                    owner: Optional[str] = None, group: Optional[str] = None,
                    backup: bool = False) -> dict:
        """Write bytes to a file atomically (for small binary files; use upload for large ones)."""
        bits, uid, gid = _files.parse_mode(mode), _files.resolve_uid(owner), _files.resolve_gid(group)
        path = _files.real_target(path)
        old = None
        if os.path.isfile(path):
            with open(path, "rb") as f:
                old = f.read()
        drift = _files.attrs_drift(path, bits, uid, gid) if old is not None else {}
        changed = old != data or bool(drift)
        if changed and not _files.in_check_mode():
            if old == data:
                _files.apply_attrs(path, bits, uid, gid)
            else:
                _files.atomic_write(path, data, bits, uid, gid, backup)
        return {"path": path, "changed": changed, "attributes": drift}

    @staticmethod
    @hostdeck.changes
    @hostdeck.internal
    def upload_begin(dest: Path, size: int, sha256: Optional[str] = None, mode: Optional[str] = None,
                     owner: Optional[str] = None, group: Optional[str] = None,
                     backup: bool = False) -> dict:
        """Start a chunked upload; skip=true (no data needed) when dest already has this sha256.

        Then send upload_chunk(token, offset, data) in order and finish with upload_end(token);
        the file is written to a temp file next to dest and renamed into place at the end.
        Without sha256 the controller may hash while it sends (and gives the sum to upload_end):
        when dest already has the same size the answer is need_sha256=true (no token) instead,
        so that an identical file is still skipped. In check mode nothing is opened: the answer
        is skip=true with changed (and check=true when the file would be written).
        """
        return _transfer.begin(dest, size, sha256, mode, owner, group, backup)

    @staticmethod
    @hostdeck.changes
    @hostdeck.inline
    @hostdeck.internal
    def upload_chunk(token: str, offset: int, data: bytes) -> dict:
        """Append one chunk (at the given offset, which must follow the previous chunk).

        Runs in frame order on the agent's reader thread, so a controller may keep several
        chunks in flight. Refused in check mode (a check-mode upload_begin gives no token)."""
        _refuse_in_check_mode("upload_chunk")
        return _transfer.chunk(token, offset, data)

    @staticmethod
    @hostdeck.changes
    @hostdeck.internal
    def upload_end(token: str, sha256: Optional[str] = None) -> dict:
        """Verify size and sha256 of an upload and rename it into place.

        sha256 is required when upload_begin was not given one. Refused in check mode."""
        _refuse_in_check_mode("upload_end")
        return _transfer.end(token, sha256)

    @staticmethod
    @hostdeck.internal
    def upload_abort(token: str) -> dict:
        """Abandon an upload and remove its temp file."""
        return _transfer.abort(token)

    @staticmethod
    @hostdeck.internal
    def download(path: Path, chunk_size: int = 1048576, offset: int = 0) -> dict:
        """Stream a file as CHUNKs {stream: 'data', data: bytes}; returns its size and sha256."""
        return _transfer.download(path, chunk_size, offset)

    @staticmethod
    def checksum(path: Path) -> dict:
        """The size and sha256 of a file."""
        try:
            return {"path": path, "size": os.path.getsize(path), "sha256": _transfer.file_sha256(path)}
        except FileNotFoundError:
            raise hostdeck.ToolError("no such file: %s" % path, path=path)

    @staticmethod
    @hostdeck.changes
    def line_in_file(path: Path, line: str, regexp: Optional[str] = None,
                     match: Literal["first", "all"] = "first",
                     state: Literal["present", "absent"] = "present", create: bool = False,
                     insert_after: Optional[str] = None, mode: Optional[str] = None,
                     owner: Optional[str] = None, group: Optional[str] = None,
                     backup: bool = False) -> dict:
        """Make a line present (replacing the first or all regexp matches) or absent; changed + diff.

        Without a match the line is appended (after the last insert_after match if given).
        """
        return _edit_file(path, lambda text: _edit.line_in_file(text, line, regexp, match, state,
                                                                insert_after),
                          create and state == "present", mode, owner, group, backup)

    @staticmethod
    @hostdeck.changes
    def block_in_file(path: Path, block: Text, marker: str = MANAGED_MARKER,
                      state: Literal["present", "absent"] = "present", create: bool = False,
                      mode: Optional[str] = None, owner: Optional[str] = None,
                      group: Optional[str] = None, backup: bool = False) -> dict:
        """Keep a block of lines between BEGIN/END marker lines (marker contains '{mark}')."""
        return _edit_file(path, lambda text: _edit.block_in_file(text, block, marker, state),
                          create and state == "present", mode, owner, group, backup)

    @staticmethod
    @hostdeck.changes
    def replace(path: Path, regexp: str, replacement: str, count: int = 0,
                backup: bool = False) -> dict:
        """Replace regexp matches (multi-line mode, count 0 = all) in a file; changed + diff."""
        return _edit_file(path, lambda text: _edit.replace(text, regexp, replacement, count),
                          False, None, None, None, backup)

    @staticmethod
    @hostdeck.internal
    def sync_manifest(root: Path, known: Optional[dict[str, list[int]]] = None,
                      hash: Literal["lazy", "all", "none"] = "lazy",
                      exclude: Optional[list[str]] = None, max_entries: int = 1000000) -> dict:
        """Every entry below root, sorted, depth first: {path (relative), type, size, mode,
        mtime_ns, uid, gid, sha256 (files, when hashed), target (symlinks)}.

        known maps relative paths to [size, mtime_ns] as the controller has them; with hash=lazy
        only files with the same size but another mtime are hashed (size or mtime alone settle
        every other case). exclude: glob patterns matched against the relative path and the
        name. Symlinks are listed, never followed. {exists: false} when root is missing."""
        return _sync.manifest(root, known, hash, exclude, max_entries)

    @staticmethod
    @hostdeck.changes
    @hostdeck.internal
    def sync_delete(root: Path, paths: list[str]) -> dict:
        """Delete paths relative to root (directories with their content); missing ones are
        reported, not an error. Absolute paths, '..' and symlinks on the way are refused."""
        return _sync.delete(root, paths)

    @staticmethod
    @hostdeck.changes
    @hostdeck.internal
    def sync_mkdir(root: Path, dirs: list, mode: Optional[str] = None) -> dict:
        """mkdir -p for paths relative to root; items are paths or {path, mode}. New directories
        get their mode (default mode, else 0755); existing ones only an explicitly given mode."""
        return _sync.mkdirs(root, dirs, mode)

    @staticmethod
    @hostdeck.changes
    @hostdeck.internal
    def sync_attrs(root: Path, items: list[dict]) -> dict:
        """Set {path, mode, owner, group, mtime_ns} (each optional but path) of paths relative
        to root, never through a symlink; attributes lists what differed (from -> to)."""
        return _sync.set_attrs(root, items)

    @staticmethod
    @hostdeck.changes
    @hostdeck.internal
    def sync_put(root: Path, files: list[dict]) -> dict:
        """Write many small files and symlinks below root in one call: each item is {path,
        data (bytes) or target (a symlink), mode, owner, group, mtime_ns}. Each is written to a
        temp file beside it, given its attributes and renamed over the old one; parents must
        exist and nothing below the root is reached through a symlink."""
        return _sync.put(root, files)

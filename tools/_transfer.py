"""Chunked upload/download with bounded memory, behind FileSystem.upload_* and download.

An upload writes a temp file beside its destination (".NAME.XXXX.hostdeck-tmp") and renames it
at the end. While the agent lives it holds an exclusive flock() on the temp file, so the kernel
itself says whether a live agent still owns one. Unfinished uploads' temp files are removed when
the agent ends (hostdeck.at_exit); those of an agent that was killed are removed by the next
upload into the same directory once they are older than STALE_SECONDS and nobody holds the lock.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: hosts never import typing
    from typing import Optional

import os
import threading

import hostdeck

import _files

STALE_SECONDS = 3600
TEMP_SUFFIX = ".hostdeck-tmp"

_lock = threading.Lock()
_uploads: dict[str, "_Upload"] = {}


def _discard_all() -> None:
    # Runs as the agent exits, from whatever thread ended it: no locks, only unlinks.
    for upload in list(_uploads.values()):
        try:
            os.unlink(upload.tmp)
        except OSError:
            pass


hostdeck.at_exit(_discard_all)


def sweep_stale(directory: str, now: Optional[float] = None) -> list[str]:
    """Remove temp files in directory that no live agent owns and that are older than
    STALE_SECONDS (ours only, regular files only); returns what was removed."""
    import fcntl
    import stat
    import time
    now = time.time() if now is None else now
    uid = os.geteuid()
    removed = []
    try:
        entries = os.scandir(directory)
    except OSError:
        return removed
    with entries:
        for entry in entries:
            if not (entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX)):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode) or st.st_uid != uid or now - st.st_mtime < STALE_SECONDS:
                continue
            try:
                fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # refused while an agent owns it
                if os.fstat(fd).st_ino == st.st_ino:
                    os.unlink(entry.path)
                    removed.append(entry.path)
            except OSError:
                pass
            finally:
                os.close(fd)
    return removed


class _Upload:
    def __init__(self, dest: str, size: int, sha256: Optional[str], mode, uid, gid, backup: bool) -> None:
        self.dest = dest
        self.size = size
        self.sha256 = sha256.lower() if sha256 else None
        self.mode, self.uid, self.gid, self.backup = mode, uid, gid, backup
        self.fd, self.tmp = _files.open_temp(dest)
        import fcntl
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # "a live agent owns this file"
        except OSError:
            pass  # a file system without flock: the age bound alone protects it
        self.offset = 0
        self.hash = _sha256()
        self.lock = threading.Lock()

    def discard(self) -> None:
        try:
            os.close(self.fd)
        except OSError:
            pass
        try:
            os.unlink(self.tmp)
        except FileNotFoundError:
            pass


def _sha256():
    import hashlib  # here, not at module level: the first call of FileSystem stays fast
    return hashlib.sha256()


def file_sha256(path: str) -> str:
    digest = _sha256()
    with open(path, "rb") as f:
        while True:
            block = f.read(1024 * 1024)
            if not block:
                return digest.hexdigest()
            digest.update(block)


def begin(dest: str, size: int, sha256: Optional[str], mode, owner, group, backup: bool) -> dict:
    dest = _files.real_target(dest)
    mode_bits, uid, gid = _files.parse_mode(mode), _files.resolve_uid(owner), _files.resolve_gid(group)
    same = False
    drift: dict = {}
    if os.path.isfile(dest) and os.path.getsize(dest) == size:
        if not sha256:
            return {"skip": False, "token": None, "need_sha256": True}
        same = file_sha256(dest) == sha256.lower()
    if same:
        drift = _files.attrs_drift(dest, mode_bits, uid, gid)
        if drift and not _files.in_check_mode():
            _files.apply_attrs(dest, mode_bits, uid, gid)
        return {"skip": True, "token": None, "changed": bool(drift), "attributes": drift}
    if _files.in_check_mode():
        return {"skip": True, "token": None, "changed": True, "check": True}
    sweep_stale(os.path.dirname(os.path.abspath(dest)) or ".")
    upload = _Upload(dest, size, sha256, mode_bits, uid, gid, backup)
    token = os.urandom(16).hex()
    with _lock:
        _uploads[token] = upload
    return {"skip": False, "token": token, "changed": True}


def _get(token: str) -> _Upload:
    with _lock:
        upload = _uploads.get(token)
    if upload is None:
        raise hostdeck.ToolError("unknown or finished upload token %r" % token, token=token)
    return upload


def chunk(token: str, offset: int, data: bytes) -> dict:
    upload = _get(token)
    with upload.lock:
        if offset != upload.offset:
            raise hostdeck.ToolError("upload to %s: chunk at offset %d, expected %d" % (
                upload.dest, offset, upload.offset), offset=offset, expected=upload.offset)
        if upload.offset + len(data) > upload.size:
            raise hostdeck.ToolError("upload to %s: more data than the announced %d bytes" % (
                upload.dest, upload.size), size=upload.size)
        view = memoryview(data)
        while view:
            written = os.write(upload.fd, view)
            view = view[written:]
        upload.hash.update(data)
        upload.offset += len(data)
        return {"received": upload.offset}


def end(token: str, sha256: Optional[str] = None) -> dict:
    upload = _get(token)
    with _lock:
        _uploads.pop(token, None)
    with upload.lock:
        try:
            if upload.offset != upload.size:
                raise hostdeck.ToolError("upload to %s incomplete: %d of %d bytes" % (
                    upload.dest, upload.offset, upload.size), received=upload.offset, size=upload.size)
            expected = upload.sha256 or (sha256 or "").lower()
            if not expected:
                raise hostdeck.ToolError("upload to %s: no sha256 to verify against (give it to "
                                         "upload_begin or upload_end)" % upload.dest)
            if sha256 and upload.sha256 and sha256.lower() != upload.sha256:
                raise hostdeck.ToolError("upload to %s: upload_end's sha256 %s differs from "
                                         "upload_begin's %s" % (upload.dest, sha256, upload.sha256))
            got = upload.hash.hexdigest()
            if got != expected:
                raise hostdeck.ToolError("upload to %s: checksum mismatch (sent %s, received %s)" % (
                    upload.dest, expected, got), expected=expected, actual=got)
            os.fsync(upload.fd)
            os.close(upload.fd)
            upload.fd = -1
        except BaseException:
            upload.discard()
            raise
        saved = _files.finish_temp(upload.tmp, upload.dest, upload.mode, upload.uid, upload.gid,
                                   upload.backup)
    result = {"changed": True, "path": upload.dest, "size": upload.size, "sha256": got}
    if saved:
        result["backup"] = saved
    return result


def abort(token: str) -> dict:
    with _lock:
        upload = _uploads.pop(token, None)
    if upload is None:
        return {"aborted": False}
    with upload.lock:
        upload.discard()
    return {"aborted": True}


def download(path: str, chunk_size: int, offset: int) -> dict:
    chunk_size = max(4096, min(int(chunk_size), 16 * 1024 * 1024))
    ctx = hostdeck.context()
    digest = _sha256()
    total = 0
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        raise hostdeck.ToolError("no such file: %s" % path, path=path)
    except (IsADirectoryError, PermissionError) as err:
        raise hostdeck.ToolError("cannot read %s: %s" % (path, err.strerror), path=path)
    with f:
        if offset:
            f.seek(offset)
        while True:
            if ctx.cancelled.is_set():
                raise hostdeck.ToolError("download of %s cancelled" % path, path=path)
            block = f.read(chunk_size)
            if not block:
                break
            digest.update(block)
            total += len(block)
            ctx.emit("data", block)
    return {"path": path, "size": total, "sha256": digest.hexdigest(), "offset": offset}

"""The agent's half of directory sync: a manifest of a tree, and symlink-safe edits under a root.

Every path given to an edit is relative to the root and is opened one component at a time
with O_NOFOLLOW relative to its parent's descriptor, so a symlink planted anywhere below the
root (even while the call runs) cannot redirect a delete, mkdir or chmod outside it.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: hosts never import typing
    from typing import Optional

import os
import stat

import hostdeck

import _files

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
TYPES = {stat.S_IFREG: "file", stat.S_IFDIR: "directory", stat.S_IFLNK: "symlink",
         stat.S_IFIFO: "fifo", stat.S_IFSOCK: "socket", stat.S_IFCHR: "char", stat.S_IFBLK: "block"}
MAX_ENTRIES = 2000000


def _sha256(name: str, dir_fd: int) -> str:
    import hashlib  # here: a manifest without hashing stays cheap
    digest = hashlib.sha256()
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=dir_fd)
    try:
        while True:
            block = os.read(fd, 1 << 20)
            if not block:
                return digest.hexdigest()
            digest.update(block)
    finally:
        os.close(fd)


def _open_root(root: str) -> Optional[int]:
    try:
        return os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise hostdeck.ToolError("%s is not a directory" % root, path=root)
    except PermissionError as err:
        raise hostdeck.ToolError("cannot open %s: %s" % (root, err.strerror), path=root)


def _parts(rel: str, root: str) -> list[str]:
    """The components of a path relative to the root; anything that could leave it is refused."""
    if not isinstance(rel, str) or not rel or rel.startswith("/") or "\0" in rel:
        raise hostdeck.ToolError("invalid path %r under %s: give a relative path" % (rel, root),
                                 path=rel, root=root)
    parts = rel.rstrip("/").split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise hostdeck.ToolError("invalid path %r under %s: empty, '.' or '..' components are "
                                 "refused" % (rel, root), path=rel, root=root)
    return parts


def _walk_to_parent(rootfd: int, parts: list[str], rel: str, root: str,
                    create_mode: Optional[int] = None, created: Optional[list] = None) -> Optional[int]:
    """A descriptor of the directory holding the last component, or None when a parent is
    missing (and is not to be created, or check mode only notes it in `created`). A symlink or
    a non-directory on the way is an error."""
    fd = os.dup(rootfd)
    for i, part in enumerate(parts[:-1]):
        try:
            try:
                nxt = os.open(part, DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                if create_mode is None:
                    os.close(fd)
                    return None
                if _files.in_check_mode():  # this and every deeper parent would be made
                    if created is not None:
                        created.extend("/".join(parts[:k + 1]) for k in range(i, len(parts) - 1))
                    os.close(fd)
                    return None
                if created is not None:
                    created.append("/".join(parts[:i + 1]))
                os.mkdir(part, create_mode, dir_fd=fd)
                nxt = os.open(part, DIR_FLAGS, dir_fd=fd)
                os.fchmod(nxt, create_mode)  # mkdir's mode is filtered by the umask
        except OSError as err:
            try:
                what = "a symlink" if stat.S_ISLNK(os.stat(part, dir_fd=fd, follow_symlinks=False)
                                                   .st_mode) else "not a directory"
            except OSError:
                what = err.strerror or str(err)
            os.close(fd)
            raise hostdeck.ToolError("%s under %s refused: %s is %s (nothing below the root is "
                                     "reached through a symlink)" % (rel, root,
                                                                    "/".join(parts[:i + 1]), what),
                                     path=rel, root=root)
        os.close(fd)
        fd = nxt
    return fd


# --- manifest ---------------------------------------------------------------------------------

def manifest(root: str, known: Optional[dict], hash_mode: str, exclude: Optional[list[str]],
             max_entries: int) -> dict:
    if hash_mode not in ("lazy", "all", "none"):
        raise hostdeck.ToolError("hash must be lazy, all or none, not %r" % (hash_mode,))
    rootfd = _open_root(root)
    if rootfd is None:
        return {"root": root, "exists": False, "entries": [], "hashed": 0}
    import fnmatch  # only for manifests
    patterns = list(exclude or [])
    known = known or {}
    entries: list = []
    hashed = [0]
    limit = min(int(max_entries), MAX_ENTRIES)
    try:
        _scan(rootfd, "", entries, known, hash_mode, patterns, fnmatch.fnmatchcase, hashed, limit,
              hostdeck.context())
    finally:
        os.close(rootfd)
    return {"root": root, "exists": True, "entries": entries, "hashed": hashed[0]}


def _scan(dirfd: int, prefix: str, entries: list, known: dict, hash_mode: str, patterns: list,
          match, hashed: list, limit: int, ctx) -> None:
    with os.scandir(dirfd) as it:
        names = sorted((e.name, e) for e in it)
    for name, entry in names:
        rel = prefix + name
        if patterns and any(match(rel, p) or match(name, p) for p in patterns):
            continue
        if ctx is not None and ctx.cancelled.is_set():
            raise hostdeck.ToolError("manifest cancelled")
        if len(entries) >= limit:
            raise hostdeck.ToolError("more than %d entries under the root; narrow it or raise "
                                     "max_entries" % limit, limit=limit)
        st = entry.stat(follow_symlinks=False)
        kind = TYPES.get(stat.S_IFMT(st.st_mode), "other")
        item = {"path": rel, "type": kind, "size": st.st_size if kind == "file" else 0,
                "mode": "%04o" % stat.S_IMODE(st.st_mode), "mtime_ns": st.st_mtime_ns,
                "uid": st.st_uid, "gid": st.st_gid}
        if kind == "symlink":
            item["target"] = os.readlink(name, dir_fd=dirfd)
        elif kind == "file" and _wants_hash(hash_mode, known.get(rel), st):
            try:
                item["sha256"] = _sha256(name, dir_fd=dirfd)
                hashed[0] += 1
            except OSError as err:
                item["error"] = err.strerror or str(err)
        entries.append(item)
        if kind == "directory":
            try:
                sub = os.open(name, DIR_FLAGS, dir_fd=dirfd)
            except OSError as err:
                item["error"] = err.strerror or str(err)
                continue
            try:
                _scan(sub, rel + "/", entries, known, hash_mode, patterns, match, hashed, limit, ctx)
            finally:
                os.close(sub)


def _wants_hash(mode: str, seen, st) -> bool:
    """lazy: only a file the controller knows with the same size but another mtime (the size
    or mtime alone decide every other case)."""
    if mode != "lazy":
        return mode == "all"
    if not seen:
        return False
    size, mtime_ns = seen[0], seen[1]
    return size == st.st_size and mtime_ns != st.st_mtime_ns


# --- edits under a root -----------------------------------------------------------------------

def _probe(rootfd: int, plan: list, root: str) -> None:
    """Walk every planned path before anything is changed, so that a refused path (a symlink
    or a file on the way) fails the whole call instead of leaving it half done."""
    for item in plan:
        parent = _walk_to_parent(rootfd, item[1], item[0], root)
        if parent is not None:
            os.close(parent)


def _need_root(root: str) -> int:
    fd = _open_root(root)
    if fd is None:
        raise hostdeck.ToolError("%s does not exist" % root, path=root)
    return fd


def delete(root: str, paths: list[str]) -> dict:
    """Remove each relative path (directories with their content); missing paths are skipped."""
    check = _files.in_check_mode()
    rootfd = _need_root(root)
    removed, missing = [], []
    try:
        plan = [(rel, _parts(rel, root)) for rel in paths]  # refuse bad input before acting
        _probe(rootfd, plan, root)
        for rel, parts in plan:
            parent = _walk_to_parent(rootfd, parts, rel, root)
            if parent is None:
                missing.append(rel)
                continue
            try:
                try:
                    st = os.stat(parts[-1], dir_fd=parent, follow_symlinks=False)
                except FileNotFoundError:
                    missing.append(rel)
                    continue
                if not check:
                    try:
                        if stat.S_ISDIR(st.st_mode):
                            _rmtree_at(parent, parts[-1])
                        else:
                            os.unlink(parts[-1], dir_fd=parent)
                    except OSError as err:
                        raise hostdeck.ToolError("cannot delete %s under %s: %s%s" % (
                            rel, root, err.strerror or err,
                            " (%s)" % err.filename if err.filename else ""), path=rel, root=root)
                removed.append(rel)
            finally:
                os.close(parent)
    finally:
        os.close(rootfd)
    result = {"root": root, "changed": bool(removed), "removed": removed, "missing": missing}
    if check:
        result["check"] = True
    return result


def _rmtree_at(dirfd: int, name: str) -> None:
    fd = os.open(name, DIR_FLAGS, dir_fd=dirfd)
    try:
        with os.scandir(fd) as it:
            children = [(e.name, e.is_dir(follow_symlinks=False)) for e in it]
        for child, is_dir in children:
            if is_dir:
                _rmtree_at(fd, child)
            else:
                os.unlink(child, dir_fd=fd)
    finally:
        os.close(fd)
    os.rmdir(name, dir_fd=dirfd)


def mkdirs(root: str, dirs: list, mode: Optional[str]) -> dict:
    """mkdir -p of each relative directory; items are paths or {path, mode}. Existing
    directories get the mode when one is given."""
    check = _files.in_check_mode()
    default = _files.parse_mode(mode) if mode is not None else 0o755
    rootfd = _need_root(root)
    created: list = []
    attributes = {}
    try:
        plan = []
        for item in dirs:
            rel = item.get("path") if isinstance(item, dict) else item
            bits = _files.parse_mode(item.get("mode")) if isinstance(item, dict) else None
            plan.append((rel, _parts(rel, root), bits))
        _probe(rootfd, plan, root)
        for rel, parts, bits in plan:
            want = default if bits is None else bits
            parent = _walk_to_parent(rootfd, parts, rel, root, want, created)
            if parent is None:  # check mode: a parent would be created, so would this
                created.append(rel)
                continue
            try:
                _mkdir_last(parent, parts[-1], rel, root, want, bits is not None or
                            mode is not None, check, created, attributes)
            finally:
                os.close(parent)
    finally:
        os.close(rootfd)
    created = list(dict.fromkeys(created))
    result = {"root": root, "changed": bool(created or attributes), "created": created,
              "attributes": attributes}
    if check:
        result["check"] = True
    return result


def _mkdir_last(parent: int, name: str, rel: str, root: str, want: int, explicit: bool,
                check: bool, created: list, attributes: dict) -> None:
    try:
        st = os.stat(name, dir_fd=parent, follow_symlinks=False)
    except FileNotFoundError:
        if not check:
            os.mkdir(name, want, dir_fd=parent)
            fd = os.open(name, DIR_FLAGS, dir_fd=parent)
            try:
                os.fchmod(fd, want)  # mkdir's mode is filtered by the umask
            finally:
                os.close(fd)
        created.append(rel)
        return
    if not stat.S_ISDIR(st.st_mode):
        raise hostdeck.ToolError("%s under %s exists and is not a directory" % (rel, root),
                                 path=rel, root=root)
    if explicit and stat.S_IMODE(st.st_mode) != want:
        attributes[rel] = {"mode": {"from": "%04o" % stat.S_IMODE(st.st_mode),
                                    "to": "%04o" % want}}
        if not check:
            fd = os.open(name, DIR_FLAGS, dir_fd=parent)
            try:
                os.fchmod(fd, want)
            finally:
                os.close(fd)


def set_attrs(root: str, items: list[dict]) -> dict:
    """Give relative paths a mode, owner, group and/or mtime_ns; reports what differed."""
    check = _files.in_check_mode()
    rootfd = _need_root(root)
    changes: dict = {}
    missing: list = []
    try:
        plan = []
        for item in items:
            if not isinstance(item, dict):
                raise hostdeck.ToolError("each item must be {path, mode, owner, group, mtime_ns}")
            rel = item.get("path")
            plan.append((rel, _parts(rel, root), _files.parse_mode(item.get("mode")),
                         _files.resolve_uid(item.get("owner")), _files.resolve_gid(item.get("group")),
                         item.get("mtime_ns")))
        _probe(rootfd, plan, root)
        for rel, parts, bits, uid, gid, mtime_ns in plan:
            parent = _walk_to_parent(rootfd, parts, rel, root)
            if parent is None:
                missing.append(rel)
                continue
            try:
                drift = _attrs_at(parent, parts[-1], bits, uid, gid, mtime_ns, check)
            except FileNotFoundError:
                missing.append(rel)
                drift = {}
            finally:
                os.close(parent)
            if drift:
                changes[rel] = drift
    finally:
        os.close(rootfd)
    result = {"root": root, "changed": bool(changes), "attributes": changes, "missing": missing}
    if check:
        result["check"] = True
    return result


def _attrs_at(parent: int, name: str, bits, uid, gid, mtime_ns, check: bool) -> dict:
    st = os.stat(name, dir_fd=parent, follow_symlinks=False)
    is_link = stat.S_ISLNK(st.st_mode)
    drift = {}
    if bits is not None and not is_link and stat.S_IMODE(st.st_mode) != bits:
        drift["mode"] = {"from": "%04o" % stat.S_IMODE(st.st_mode), "to": "%04o" % bits}
    if uid is not None and st.st_uid != uid:
        drift["owner"] = {"from": st.st_uid, "to": uid}
    if gid is not None and st.st_gid != gid:
        drift["group"] = {"from": st.st_gid, "to": gid}
    if mtime_ns is not None and st.st_mtime_ns != int(mtime_ns):
        drift["mtime_ns"] = {"from": st.st_mtime_ns, "to": int(mtime_ns)}
    if not drift or check:
        return drift
    if "owner" in drift or "group" in drift:
        os.chown(name, -1 if uid is None else uid, -1 if gid is None else gid, dir_fd=parent,
                 follow_symlinks=False)
    if "mode" in drift:
        _chmod_at(parent, name, bits)
    if "mtime_ns" in drift:
        os.utime(name, ns=(st.st_atime_ns, int(mtime_ns)), dir_fd=parent, follow_symlinks=False)
    return drift


def _chmod_at(parent: int, name: str, bits: int) -> None:
    """chmod without following a symlink swapped in meanwhile (open with O_NOFOLLOW, fchmod)."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0) |
                     getattr(os, "O_NONBLOCK", 0), dir_fd=parent)
    except OSError:  # a socket cannot be opened; it was no symlink a moment ago
        os.chmod(name, bits, dir_fd=parent)
        return
    try:
        os.fchmod(fd, bits)
    finally:
        os.close(fd)


# --- small files and symlinks in one call -----------------------------------------------------

TEMP_SUFFIX = ".hostdeck-tmp"  # the same names as _transfer's, so its sweep removes leftovers
_puts_lock = None
_puts: set = set()  # temp paths being written right now (removed if the agent ends meanwhile)


def _discard_puts() -> None:
    for path in list(_puts):
        try:
            os.unlink(path)
        except OSError:
            pass


hostdeck.at_exit(_discard_puts)


def _temp_name(name: str) -> str:
    # NAME_MAX is 255 bytes: a long name gets a short temp name instead of ".NAME.<hex>...".
    tag = os.urandom(6).hex() + TEMP_SUFFIX
    return "." + name + "." + tag if len(name.encode("utf-8", "surrogateescape")) < 200 else ".hd" + tag


def put(root: str, files: list) -> dict:
    """Write each {path, data|target, mode, owner, group, mtime_ns} below root: a temp file (or
    symlink) beside the destination, attributes set on it, then renamed over the destination.
    Parents must exist; nothing below the root is reached through a symlink. Files are not
    fsync'ed one by one (as rsync): the rename keeps every file whole, old or new."""
    global _puts_lock
    if _puts_lock is None:
        import threading
        _puts_lock = threading.Lock()
    check = _files.in_check_mode()
    ctx = hostdeck.context()
    rootfd = _need_root(root)
    umask = os.umask(0o022)
    os.umask(umask)
    written, total = 0, 0
    folders: dict = {}  # folder (relative) -> descriptor, walked once per call
    try:
        ids: dict = {}
        plan = [_put_item(item, root, ids) for item in files]
        # Every folder first: a missing one or a symlink on the way fails the whole call before
        # anything is written.
        for rel, parts, *_ in plan:
            key = "/".join(parts[:-1])
            if key not in folders:
                folders[key] = _walk_to_parent(rootfd, parts, rel, root)
            if folders[key] is None:
                raise hostdeck.ToolError("%s under %s: its folder does not exist" % (rel, root),
                                         path=rel, root=root)
        for rel, parts, data, target, bits, uid, gid, mtime_ns in plan:
            if ctx is not None and ctx.cancelled.is_set():
                raise hostdeck.ToolError("sync_put under %s cancelled after %d files" % (root, written),
                                         root=root, written=written)
            if not check:
                where = os.path.join(root, *parts[:-1])
                _put_one(folders["/".join(parts[:-1])], parts[-1], where, rel, root, data, target,
                         (0o666 & ~umask) if bits is None else bits, uid, gid, mtime_ns)
            written += 1
            total += len(data) if data is not None else 0
    finally:
        for fd in folders.values():
            if fd is not None:
                os.close(fd)
        os.close(rootfd)
    result = {"root": root, "changed": written > 0, "written": written, "bytes": total}
    if check:
        result["check"] = True
    return result


def _put_item(item, root: str, ids: dict) -> tuple:
    if not isinstance(item, dict):
        raise hostdeck.ToolError("each item must be {path, data or target, mode, owner, group, "
                                 "mtime_ns}")
    rel = item.get("path")
    parts = _parts(rel, root)
    data, target = item.get("data"), item.get("target")
    if (data is None) == (target is None):
        raise hostdeck.ToolError("%s under %s: give either data (a file) or target (a symlink)"
                                 % (rel, root), path=rel)
    if data is not None and not isinstance(data, (bytes, bytearray)):
        raise hostdeck.ToolError("%s under %s: data must be bytes" % (rel, root), path=rel)
    if target is not None and (not isinstance(target, str) or not target or "\0" in target):
        raise hostdeck.ToolError("%s under %s: invalid symlink target" % (rel, root), path=rel)
    mtime_ns = item.get("mtime_ns")
    if mtime_ns is not None and (not isinstance(mtime_ns, int) or isinstance(mtime_ns, bool)):
        raise hostdeck.ToolError("%s under %s: mtime_ns must be an integer" % (rel, root), path=rel)
    owner, group = item.get("owner"), item.get("group")
    if ("u", owner) not in ids:  # a name is looked up once per call, not once per file
        ids[("u", owner)] = _files.resolve_uid(owner)
    if ("g", group) not in ids:
        ids[("g", group)] = _files.resolve_gid(group)
    return (rel, parts, data, target, _files.parse_mode(item.get("mode")), ids[("u", owner)],
            ids[("g", group)], mtime_ns)


def _put_one(parent: int, name: str, where: str, rel: str, root: str, data, target, bits: int,
             uid, gid, mtime_ns) -> None:
    tmp = _temp_name(name)
    track = os.path.join(where, tmp)
    with _puts_lock:
        _puts.add(track)
    made = False
    try:
        if target is not None:
            os.symlink(target, tmp, dir_fd=parent)
            made = True
            if uid is not None or gid is not None:
                os.chown(tmp, -1 if uid is None else uid, -1 if gid is None else gid,
                         dir_fd=parent, follow_symlinks=False)
            if mtime_ns is not None:
                os.utime(tmp, ns=(mtime_ns, mtime_ns), dir_fd=parent, follow_symlinks=False)
        else:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW |
                         getattr(os, "O_CLOEXEC", 0), 0o600, dir_fd=parent)
            made = True
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                if uid is not None or gid is not None:
                    os.fchown(fd, -1 if uid is None else uid, -1 if gid is None else gid)
                os.fchmod(fd, bits)
                if mtime_ns is not None:
                    os.utime(fd, ns=(mtime_ns, mtime_ns))
            finally:
                os.close(fd)
        os.rename(tmp, name, src_dir_fd=parent, dst_dir_fd=parent)
        made = False
    except OSError as err:
        raise hostdeck.ToolError("cannot write %s under %s: %s" % (rel, root, err.strerror or err),
                                 path=rel, root=root)
    finally:
        if made:
            try:
                os.unlink(tmp, dir_fd=parent)
            except OSError:
                pass
        with _puts_lock:
            _puts.discard(track)

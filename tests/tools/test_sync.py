"""The agent's half of sync (FileSystem.sync_*) through the real agent, on generated trees.

A manifest must describe exactly what os.lstat and hashlib see; lazy hashing must hash only
files whose size matches the controller's but whose mtime does not; deletes, mkdirs and
attribute changes must stay below the root even when symlinks point out of it, and check mode
must report the same plan while leaving the tree as it was.
"""
import hashlib
import os
import random
import stat
import time
import unittest

import harness
from agent_client import AgentError


def make_tree(root: str, rng: random.Random, files: int) -> None:
    """A random tree: nested directories, files of random sizes and modes, a few symlinks."""
    dirs = [""]
    with open(os.path.join(root, "f0.txt"), "w") as f:
        f.write("first\n")
    for i in range(1, files):
        if rng.random() < 0.15:
            d = os.path.join(rng.choice(dirs), "d%d" % i)
            os.makedirs(os.path.join(root, d), exist_ok=True)
            dirs.append(d)
        rel = os.path.join(rng.choice(dirs), "f%d.%s" % (i, rng.choice(["txt", "bin", "conf"])))
        with open(os.path.join(root, rel), "wb") as f:
            f.write(os.urandom(rng.randrange(0, 5000)))
        os.chmod(os.path.join(root, rel), rng.choice([0o644, 0o600, 0o755, 0o640]))
    os.symlink("f0.txt", os.path.join(root, "link-inside"))
    os.symlink("/etc", os.path.join(root, "link-outside"))


def expected_manifest(root: str) -> list:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            st = os.lstat(full)
            rel = os.path.relpath(full, root)
            item = {"path": rel, "mode": "%04o" % stat.S_IMODE(st.st_mode),
                    "mtime_ns": st.st_mtime_ns, "uid": st.st_uid, "gid": st.st_gid}
            if stat.S_ISLNK(st.st_mode):
                item.update(type="symlink", size=0, target=os.readlink(full))
            elif stat.S_ISDIR(st.st_mode):
                item.update(type="directory", size=0)
            else:
                with open(full, "rb") as f:
                    item.update(type="file", size=st.st_size, sha256=hashlib.sha256(f.read()).hexdigest())
            out.append(item)
    return sorted(out, key=lambda e: e["path"])


def snapshot(root: str) -> dict:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            st = os.lstat(full)
            out[os.path.relpath(full, root)] = (st.st_mode, st.st_size, st.st_mtime_ns,
                                                st.st_ctime_ns, st.st_uid, st.st_gid)
    return out


class SyncPrimitivesTest(harness.LocalAgentTestCase):

    def setUp(self) -> None:
        self.seed = random.randrange(1 << 30)
        self.rng = random.Random(self.seed)
        self.tmp = self.make_tmp("hostdeck-sync-")
        self.root = os.path.join(self.tmp, "root")
        os.makedirs(self.root)
        make_tree(self.root, self.rng, 300)

    def fs(self, method: str, check: bool = False, **args):
        return self.agent.tool("FileSystem", method, check_mode=check, **args)

    def test_manifest_matches_lstat_and_sha256(self) -> None:
        got = self.fs("sync_manifest", root=self.root, hash="all")
        self.assertTrue(got["exists"])
        entries = sorted(got["entries"], key=lambda e: e["path"])
        self.assertEqual(entries, expected_manifest(self.root), "seed %d" % self.seed)
        self.assertEqual(got["hashed"], sum(1 for e in entries if e["type"] == "file"))
        # Depth first, sorted: a directory comes right before its content.
        paths = [e["path"] for e in got["entries"]]
        for i, e in enumerate(got["entries"]):
            if e["type"] == "directory" and i + 1 < len(paths) and paths[i + 1].startswith(e["path"] + "/"):
                self.assertTrue(all(not p.startswith(e["path"] + "/") for p in paths[:i]))
        missing = self.fs("sync_manifest", root=os.path.join(self.tmp, "nope"))
        self.assertEqual((missing["exists"], missing["entries"]), (False, []))
        excluded = self.fs("sync_manifest", root=self.root, hash="none", exclude=["*.bin", "link-*"])
        self.assertFalse(any(e["path"].endswith(".bin") or e["path"].startswith("link-")
                             for e in excluded["entries"]))
        self.assertFalse(any("sha256" in e for e in excluded["entries"]))

    def test_lazy_hash_only_where_size_matches_and_mtime_differs(self) -> None:
        full = {e["path"]: e for e in self.fs("sync_manifest", root=self.root, hash="none")["entries"]}
        files = [p for p, e in full.items() if e["type"] == "file"]
        self.rng.shuffle(files)
        same, moved, resized = files[:50], files[50:60], files[60:70]
        known = {p: [full[p]["size"], full[p]["mtime_ns"]] for p in same}
        known.update({p: [full[p]["size"], full[p]["mtime_ns"] - 10 ** 9] for p in moved})
        known.update({p: [full[p]["size"] + 1, full[p]["mtime_ns"] - 10 ** 9] for p in resized})
        got = self.fs("sync_manifest", root=self.root, known=known)
        hashed = sorted(e["path"] for e in got["entries"] if "sha256" in e)
        self.assertEqual(hashed, sorted(moved), "seed %d" % self.seed)
        self.assertEqual(got["hashed"], len(moved))

    def test_delete_is_confined_to_the_root(self) -> None:
        outside = os.path.join(self.tmp, "outside")
        os.makedirs(os.path.join(outside, "keep"))
        with open(os.path.join(outside, "keep", "precious"), "w") as f:
            f.write("x")
        os.symlink(outside, os.path.join(self.root, "escape"))
        for bad in ["/etc/passwd", "../outside/keep", "a/../../outside", "escape/keep/precious",
                    "escape/keep", "", "."]:
            before = snapshot(self.tmp)
            for check in (True, False):
                with self.assertRaises(AgentError, msg=bad) as caught:
                    self.fs("sync_delete", check=check, root=self.root, paths=["f0.txt", bad])
                self.assertTrue("refus" in caught.exception.message or "invalid" in
                                caught.exception.message, caught.exception.message)
            self.assertEqual(snapshot(self.tmp), before, "refused delete of %r acted" % bad)
        # The symlink itself is an entry of the root and may go; what it points to stays.
        dirs = sorted(e["path"] for e in self.fs("sync_manifest", root=self.root, hash="none")["entries"]
                      if e["type"] == "directory")
        victims = ["escape", "link-outside", "f0.txt", dirs[0], "no/such/path", "nothing-here"]
        before = snapshot(self.root)
        dry = self.fs("sync_delete", check=True, root=self.root, paths=victims)
        self.assertEqual(snapshot(self.root), before)
        real = self.fs("sync_delete", root=self.root, paths=victims)
        for r in (dry, real):
            self.assertEqual(r["removed"], victims[:4])
            self.assertEqual(r["missing"], victims[4:])
        self.assertTrue(os.path.exists(os.path.join(outside, "keep", "precious")))
        self.assertTrue(os.path.isdir("/etc"))
        after = snapshot(self.root)
        self.assertFalse(any(p == dirs[0] or p.startswith(dirs[0] + "/") for p in after))
        self.assertFalse(self.fs("sync_delete", root=self.root, paths=victims)["changed"])

    def test_mkdir_and_attrs_with_modes_and_check_mode(self) -> None:
        os.symlink(self.tmp, os.path.join(self.root, "up"))
        wanted = ["new/a/b", {"path": "new/c", "mode": "0700"}, "d0"]
        before = snapshot(self.tmp)
        dry = self.fs("sync_mkdir", check=True, root=self.root, dirs=wanted, mode="0750")
        self.assertEqual(snapshot(self.tmp), before)
        real = self.fs("sync_mkdir", root=self.root, dirs=wanted, mode="0750")
        self.assertEqual(dry["created"], real["created"])
        self.assertEqual(real["created"], ["new", "new/a", "new/a/b", "new/c"] +
                         ([] if os.path.isdir(os.path.join(self.root, "d0")) and "d0" not in
                          real["created"] else ["d0"]))
        modes = {p: stat.S_IMODE(os.stat(os.path.join(self.root, p)).st_mode) for p in
                 ("new", "new/a", "new/a/b", "new/c")}
        self.assertEqual(modes, {"new": 0o750, "new/a": 0o750, "new/a/b": 0o750, "new/c": 0o700})
        self.assertFalse(self.fs("sync_mkdir", root=self.root, dirs=wanted, mode="0750")["changed"])
        with self.assertRaises(AgentError):
            self.fs("sync_mkdir", root=self.root, dirs=["up/evil"])
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "evil")))

        target = os.path.join(self.tmp, "outside-file")
        with open(target, "w") as f:
            f.write("x")
        os.chmod(target, 0o600)
        stamp = 1600000000123456789
        items = [{"path": "f0.txt", "mode": "0604", "mtime_ns": stamp},
                 {"path": "new/c", "mode": "0711"}, {"path": "gone", "mode": "0600"}]
        before = snapshot(self.root)
        dry = self.fs("sync_attrs", check=True, root=self.root, items=items)
        self.assertEqual(snapshot(self.root), before)
        real = self.fs("sync_attrs", root=self.root, items=items)
        self.assertEqual(dry["attributes"], real["attributes"])
        self.assertEqual(real["missing"], ["gone"])
        st = os.lstat(os.path.join(self.root, "f0.txt"))
        self.assertEqual((stat.S_IMODE(st.st_mode), st.st_mtime_ns), (0o604, stamp))
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(self.root, "new/c")).st_mode), 0o711)
        self.assertFalse(self.fs("sync_attrs", root=self.root, items=items)["changed"])
        # Through a symlink: refused; on a symlink: the link, not its target.
        with self.assertRaises(AgentError):
            self.fs("sync_attrs", root=self.root, items=[{"path": "up/outside-file", "mode": "0777"}])
        os.symlink(target, os.path.join(self.root, "to-outside"))
        self.fs("sync_attrs", root=self.root, items=[{"path": "to-outside", "mode": "0777"}])
        self.assertEqual(stat.S_IMODE(os.stat(target).st_mode), 0o600)

    def test_put_writes_files_and_symlinks_below_the_root_only(self) -> None:
        dirs = sorted(e["path"] for e in self.fs("sync_manifest", root=self.root, hash="none")["entries"]
                      if e["type"] == "directory")
        items, expect = [], {}
        for i in range(120):
            rel = "%sput%d-\u00e9t\u00e9 \u2603.bin" % ((self.rng.choice(dirs) + "/") if dirs and
                                                    self.rng.random() < 0.7 else "", i)
            data = os.urandom(self.rng.randrange(0, 70000))
            mode = self.rng.choice(["0644", "0600", "0755", "0640"])
            stamp = 1500000000 * 10 ** 9 + self.rng.randrange(10 ** 15)
            items.append({"path": rel, "data": data, "mode": mode, "mtime_ns": stamp})
            expect[rel] = (data, int(mode, 8), stamp)
        items.append({"path": "f0.txt", "data": b"replaced\n", "mode": "0600"})
        items.append({"path": "put-link", "target": "f0.txt", "mtime_ns": 10 ** 18})
        items.append({"path": "link-outside", "target": "elsewhere"})  # replaces the link itself
        before = snapshot(self.tmp)
        dry = self.fs("sync_put", check=True, root=self.root, files=items)
        self.assertEqual(snapshot(self.tmp), before, "check mode wrote (seed %d)" % self.seed)
        real = self.fs("sync_put", root=self.root, files=items)
        for r in (dry, real):
            self.assertEqual((r["changed"], r["written"]), (True, len(items)))
            self.assertEqual(r["bytes"], sum(len(i.get("data", b"")) for i in items))
        for rel, (data, mode, stamp) in expect.items():
            full = os.path.join(self.root, rel)
            with open(full, "rb") as f:
                self.assertEqual(f.read(), data, rel)
            st = os.lstat(full)
            self.assertEqual((stat.S_IMODE(st.st_mode), st.st_mtime_ns), (mode, stamp), rel)
        with open(os.path.join(self.root, "f0.txt"), "rb") as f:
            self.assertEqual(f.read(), b"replaced\n")
        self.assertEqual(os.readlink(os.path.join(self.root, "put-link")), "f0.txt")
        self.assertEqual(os.lstat(os.path.join(self.root, "put-link")).st_mtime_ns, 10 ** 18)
        self.assertEqual(os.readlink(os.path.join(self.root, "link-outside")), "elsewhere")
        self.assertTrue(os.path.isdir("/etc"))

        outside = os.path.join(self.tmp, "outside")
        os.makedirs(outside)
        os.symlink(outside, os.path.join(self.root, "escape"))
        for bad in ["/etc/evil", "../outside/evil", "a/../../outside/evil", "escape/evil", "",
                    "."]:
            before = snapshot(self.tmp)
            for check in (True, False):
                with self.assertRaises(AgentError, msg=bad):
                    self.fs("sync_put", check=check, root=self.root,
                            files=[{"path": "ok-first", "data": b"x"}, {"path": bad, "data": b"x"}])
            self.assertEqual(snapshot(self.tmp), before, "refused put of %r acted" % bad)
        # A missing folder or a directory in the way: an error, and no temp file left behind.
        for rel in ["no/such/dir/file", dirs[0] if dirs else "escape"]:
            with self.assertRaises(AgentError, msg=rel):
                self.fs("sync_put", root=self.root, files=[{"path": rel, "data": b"x"}])
        with self.assertRaises(AgentError):
            self.fs("sync_put", root=self.root, files=[{"path": "both", "data": b"x", "target": "y"}])
        leftovers = [os.path.join(d, n) for d, _, names in os.walk(self.tmp) for n in names
                     if n.endswith(".hostdeck-tmp")]
        self.assertEqual(leftovers, [])

    def test_no_change_resync_of_10000_files_is_under_a_second(self) -> None:
        root = os.path.join(self.tmp, "big")
        os.makedirs(root)
        for d in range(100):
            os.makedirs(os.path.join(root, "d%03d" % d))
            for i in range(100):
                with open(os.path.join(root, "d%03d" % d, "f%03d" % i), "wb") as f:
                    f.write(b"%d/%d\n" % (d, i) * 20)
        first = self.fs("sync_manifest", root=root, hash="none")["entries"]
        known = {e["path"]: [e["size"], e["mtime_ns"]] for e in first if e["type"] == "file"}
        self.assertEqual(len(known), 10000)
        started = time.monotonic()
        again = self.fs("sync_manifest", root=root, known=known)
        seconds = time.monotonic() - started
        self.assertEqual(again["hashed"], 0)
        self.assertEqual(len(again["entries"]), 10100)
        print("\nmanifest of 10,100 entries with a known manifest: %.3f s" % seconds)
        self.assertLess(seconds, 1.0)


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""FileSystem through the real agent on the local host (temp dirs only)."""
import hashlib
import os
import stat
import sys
import time
import unittest

import harness
from agent_client import AgentError


def sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class FileSystemTest(harness.LocalAgentTestCase):

    def setUp(self) -> None:
        self.tmp = self.make_tmp("hostdeck-fs-")

    def path(self, name: str) -> str:
        return os.path.join(self.tmp, name)

    def put(self, name: str, text: str, mode: int = 0o644) -> str:
        p = self.path(name)
        with open(p, "w", newline="") as f:
            f.write(text)
        os.chmod(p, mode)
        return p

    def read(self, p: str) -> str:
        with open(p, newline="") as f:
            return f.read()

    def fs(self, method: str, **args):
        return self.agent.tool("FileSystem", method, **args)

    def snapshot(self):
        """Every file under tmp with content and mode: what 'nothing modified' compares."""
        out = {}
        for dirpath, dirs, files in os.walk(self.tmp):
            for name in dirs + files:
                p = os.path.join(dirpath, name)
                st = os.lstat(p)
                body = self.read(p) if stat.S_ISREG(st.st_mode) else os.readlink(p) if stat.S_ISLNK(
                    st.st_mode) else None
                out[p] = (stat.S_IMODE(st.st_mode), st.st_uid, body)
        return out

    # --- reading ---------------------------------------------------------------------------
    def test_read_stat_exists_glob(self) -> None:
        p = self.put("b.txt", "héllo\r\nx")
        self.put("a.txt", "")
        os.symlink("b.txt", self.path("link"))
        self.assertEqual(self.fs("read_text", path=p), "héllo\r\nx")
        self.assertEqual(self.fs("read_bytes", path=p, offset=1, size=2), "héllo".encode()[1:3])
        st = self.fs("stat", path=p)
        self.assertEqual((st["type"], st["mode"], st["size"], st["owner"]), ("file", "0644", 9, "root"))
        self.assertEqual(self.fs("stat", path=self.path("link"))["target"], "b.txt")
        self.assertEqual(self.fs("stat", path=self.path("nope")), {"path": self.path("nope"), "exists": False})
        self.assertTrue(self.fs("exists", path=self.path("link")))
        self.assertFalse(self.fs("exists", path=self.path("nope")))
        for i in (3, 1, 2):
            self.put("g%d.conf" % i, "")
        self.assertEqual(self.fs("glob", pattern=self.path("g*.conf")),
                         [self.path("g1.conf"), self.path("g2.conf"), self.path("g3.conf")])
        with self.assertRaises(AgentError) as caught:
            self.fs("read_text", path=self.path("nope"))
        self.assertIn(self.path("nope"), caught.exception.message)

    # --- write -----------------------------------------------------------------------------
    def test_write_is_idempotent_with_check_mode(self) -> None:
        p = self.path("new.conf")
        real = self.assertIdempotent(self.agent, "FileSystem", "write", self.snapshot, path=p,
                                     content="a=1\n", mode="0640")
        self.assertEqual(self.read(p), "a=1\n")
        self.assertEqual(stat.S_IMODE(os.stat(p).st_mode), 0o640)
        self.assertEqual(harness.apply_patch("", real["diff"]), "a=1\n")

    def test_write_bytes_and_checksum(self) -> None:
        target = self.path("blob.bin")
        data = bytes(range(256)) * 3 + b"\x00\xff" + os.urandom(1000)

        def state():
            if not os.path.exists(target):
                return None
            with open(target, "rb") as f:
                return f.read(), stat.S_IMODE(os.stat(target).st_mode)

        self.assertIdempotent(self.agent, "FileSystem", "write_bytes", state, path=target, data=data,
                              mode="0600")
        self.assertEqual(state(), (data, 0o600))
        # checksum against hashlib over the bytes written, not over the tool's own reading.
        self.assertEqual(self.fs("checksum", path=target),
                         {"path": target, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
        changed = self.fs("write_bytes", path=target, data=data[:-1] + b"!")
        self.assertTrue(changed["changed"])
        self.assertEqual(state(), (data[:-1] + b"!", 0o600))
        with self.assertRaises(AgentError) as caught:
            self.fs("checksum", path=self.path("missing"))
        self.assertIn("no such file", caught.exception.message)

    def test_write_keeps_mode_and_owner_and_makes_backup(self) -> None:
        p = self.put("keep.conf", "old\n", 0o600)
        os.chown(p, 4242, 4343)
        r = self.fs("write", path=p, content="new\n", backup=True)
        self.assertTrue(r["changed"])
        st = os.stat(p)
        self.assertEqual((stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid), (0o600, 4242, 4343))
        self.assertEqual(self.read(r["backup"]), "old\n")
        self.assertEqual(self.read(p), "new\n")
        leftovers = [n for n in os.listdir(self.tmp) if "hostdeck-tmp" in n]
        self.assertEqual(leftovers, [])

    def test_write_mode_only_change_is_reported(self) -> None:
        p = self.put("m.conf", "same\n", 0o644)
        r = self.fs("write", path=p, content="same\n", mode="0600")
        self.assertTrue(r["changed"])
        self.assertEqual(r["attributes"]["mode"], {"from": "0644", "to": "0600"})
        self.assertEqual(r["diff"], "")
        self.assertEqual(stat.S_IMODE(os.stat(p).st_mode), 0o600)

    def test_write_through_symlink_keeps_link(self) -> None:
        target = self.put("real.conf", "1\n")
        os.symlink("real.conf", self.path("alias.conf"))
        self.fs("write", path=self.path("alias.conf"), content="2\n")
        self.assertTrue(os.path.islink(self.path("alias.conf")))
        self.assertEqual(self.read(target), "2\n")

    def test_write_into_missing_directory_fails_clearly(self) -> None:
        with self.assertRaises(AgentError) as caught:
            self.fs("write", path=self.path("no/such/dir/f"), content="x")
        self.assertIn("does not exist", caught.exception.message)

    # --- line_in_file ----------------------------------------------------------------------
    def line_case(self, before: str, after: str, **args) -> None:
        p = self.put("lines.conf", before)
        dry = self.agent.tool("FileSystem", "line_in_file", check_mode=True, path=p, **args)
        self.assertEqual(self.read(p), before, "check mode modified the file")
        real = self.fs("line_in_file", path=p, **args)
        self.assertEqual(self.read(p), after)
        self.assertEqual(real["changed"], before != after)
        self.assertEqual(dry["changed"], real["changed"])
        self.assertEqual(dry["diff"], real["diff"])
        if before != after:
            self.assertEqual(harness.apply_patch(before, real["diff"]), after)
        again = self.fs("line_in_file", path=p, **args)
        self.assertFalse(again["changed"], "second run changed %r" % args)

    def test_line_in_file_cases(self) -> None:
        self.line_case("a\nb\n", "a\nb\nc\n", line="c")
        self.line_case("a\nb", "a\nb\nc\n", line="c")  # no final newline: never glued onto b
        self.line_case("a\nb\n", "a\nb\n", line="b")
        self.line_case("port=1\nx\nport=2\n", "port=9\nx\nport=2\n", line="port=9", regexp=r"^port=")
        self.line_case("port=1\nx\nport=2", "port=9\nx\nport=9", line="port=9", regexp=r"^port=",
                       match="all")
        self.line_case("a\nbad\nc", "a\nc", line="bad", state="absent")
        self.line_case("[s]\nk=1\n[t]\n", "[s]\nk=1\nnew=2\n[t]\n", line="new=2",
                       insert_after=r"^k=")

    def test_line_in_file_create(self) -> None:
        p = self.path("created.conf")
        with self.assertRaises(AgentError):
            self.fs("line_in_file", path=p, line="x")
        self.assertIdempotent(self.agent, "FileSystem", "line_in_file", self.snapshot, path=p,
                              line="x", create=True)
        self.assertEqual(self.read(p), "x\n")

    # --- block_in_file and replace -----------------------------------------------------------
    def test_block_in_file(self) -> None:
        p = self.put("block.conf", "head\ntail")
        r = self.assertIdempotent(self.agent, "FileSystem", "block_in_file", self.snapshot, path=p,
                                  block="one\ntwo")
        want = "head\ntail\n# BEGIN HOSTDECK MANAGED BLOCK\none\ntwo\n# END HOSTDECK MANAGED BLOCK\n"
        self.assertEqual(self.read(p), want)
        self.assertEqual(harness.apply_patch("head\ntail", r["diff"]), want)
        self.fs("block_in_file", path=p, block="three\n")
        self.assertEqual(self.read(p), "head\ntail\n# BEGIN HOSTDECK MANAGED BLOCK\nthree\n"
                         "# END HOSTDECK MANAGED BLOCK\n")
        self.assertTrue(self.fs("block_in_file", path=p, block="", state="absent")["changed"])
        self.assertEqual(self.read(p), "head\ntail\n")

    def test_replace(self) -> None:
        p = self.put("r.conf", "a=1\nb=1\n")
        r = self.assertIdempotent(self.agent, "FileSystem", "replace", self.snapshot, path=p,
                                  regexp=r"^(\w)=1$", replacement=r"\1=2")
        self.assertEqual(self.read(p), "a=2\nb=2\n")
        self.assertEqual(harness.apply_patch("a=1\nb=1\n", r["diff"]), "a=2\nb=2\n")
        with self.assertRaises(AgentError) as caught:
            self.fs("replace", path=p, regexp="(", replacement="x")
        self.assertIn("invalid regular expression", caught.exception.message)

    # --- directories, links, modes ----------------------------------------------------------
    def test_mkdir_remove_chmod_chown_symlink(self) -> None:
        d = self.path("x/y/z")
        self.assertIdempotent(self.agent, "FileSystem", "mkdir", self.snapshot, path=d, mode="0750")
        self.assertEqual(stat.S_IMODE(os.stat(d).st_mode), 0o750)
        self.assertIdempotent(self.agent, "FileSystem", "chmod", self.snapshot, path=d, mode="0700")
        self.assertEqual(stat.S_IMODE(os.stat(d).st_mode), 0o700)
        self.assertIdempotent(self.agent, "FileSystem", "chown", self.snapshot, path=d, owner="1234",
                              group="daemon")
        self.assertEqual((os.stat(d).st_uid, os.stat(d).st_gid), (1234, 1))
        link = self.path("ln")
        self.assertIdempotent(self.agent, "FileSystem", "symlink", self.snapshot, target="x/y",
                              link=link)
        self.assertEqual(os.readlink(link), "x/y")
        with self.assertRaises(AgentError):
            self.fs("symlink", target="elsewhere", link=link)
        self.assertTrue(self.fs("symlink", target="elsewhere", link=link, force=True)["changed"])
        with self.assertRaises(AgentError) as caught:
            self.fs("remove", path=self.path("x"))
        self.assertIn("not empty", caught.exception.message)
        self.assertIdempotent(self.agent, "FileSystem", "remove", self.snapshot, path=self.path("x"),
                              recursive=True)
        self.assertFalse(os.path.exists(self.path("x")))

    # --- transfer ---------------------------------------------------------------------------
    def test_upload_and_download_200mb_with_checksums(self) -> None:
        src = self.path("big.bin")
        size = 200 * 1024 * 1024
        with open(src, "wb") as f:
            block = os.urandom(1 << 20)
            for i in range(size >> 20):
                f.write(block[i:] + block[:i])
        want = sha256_file(src)
        dest = self.path("uploaded.bin")
        rss_before = harness.self_peak_rss_kb()
        started = time.monotonic()
        up = harness.upload(self.agent, src, dest, mode="0600")
        up_seconds = time.monotonic() - started
        self.assertTrue(up["changed"])
        self.assertEqual((up["size"], up["sha256"]), (size, want))
        self.assertEqual(sha256_file(dest), want)
        self.assertEqual(stat.S_IMODE(os.stat(dest).st_mode), 0o600)
        agent_peak = harness.peak_rss_kb(self.agent.proc.pid)

        again = harness.upload(self.agent, src, dest, mode="0600")
        self.assertEqual((again["skip"], again["changed"]), (True, False))

        out = self.path("downloaded.bin")
        digest = hashlib.sha256()
        with open(out, "wb") as f:
            def sink(chunk) -> None:
                f.write(chunk["data"])
                digest.update(chunk["data"])
            started = time.monotonic()
            down = self.agent.tool("FileSystem", "download", path=dest, call_timeout=600,
                                   on_chunk=sink)
            down_seconds = time.monotonic() - started
        self.assertEqual((down["size"], down["sha256"]), (size, want))
        self.assertEqual(digest.hexdigest(), want)
        client_growth = harness.self_peak_rss_kb() - rss_before
        agent_peak = max(agent_peak, harness.peak_rss_kb(self.agent.proc.pid))
        print("\n200 MB upload %.1f s (%.0f MB/s), download %.1f s (%.0f MB/s); agent peak RSS %d MB,"
              " client RSS growth %d MB" % (up_seconds, size / up_seconds / 1e6, down_seconds,
                                            size / down_seconds / 1e6, agent_peak // 1024,
                                            client_growth // 1024), file=sys.stderr)
        self.assertLess(agent_peak, 96 * 1024)
        self.assertLess(client_growth, 96 * 1024)

    def test_upload_checksum_mismatch_leaves_target_alone(self) -> None:
        dest = self.put("target.bin", "original")
        begin = self.fs("upload_begin", dest=dest, size=4, sha256="0" * 64)
        self.fs("upload_chunk", token=begin["token"], offset=0, data=b"evil")
        with self.assertRaises(AgentError) as caught:
            self.fs("upload_end", token=begin["token"])
        self.assertIn("checksum mismatch", caught.exception.message)
        self.assertEqual(self.read(dest), "original")
        self.assertEqual(sorted(os.listdir(self.tmp)), ["target.bin"])

    def test_upload_with_the_checksum_at_the_end(self) -> None:
        # The controller hashes while it sends: upload_begin without sha256, upload_end with it.
        dest = self.path("streamed.bin")
        data = os.urandom(300000)
        begin = self.fs("upload_begin", dest=dest, size=len(data))
        self.assertFalse(begin["skip"])
        for offset in range(0, len(data), 100000):
            self.fs("upload_chunk", token=begin["token"], offset=offset, data=data[offset:offset + 100000])
        done = self.fs("upload_end", token=begin["token"], sha256=hashlib.sha256(data).hexdigest())
        self.assertTrue(done["changed"])
        with open(dest, "rb") as f:
            self.assertEqual(f.read(), data)
        # Now dest has that size: without a checksum the agent asks for one instead of starting.
        again = self.fs("upload_begin", dest=dest, size=len(data))
        self.assertEqual((again["need_sha256"], again["token"]), (True, None))
        # And an upload_end without any checksum is refused, leaving dest alone.
        other = self.path("nosum.bin")
        begin = self.fs("upload_begin", dest=other, size=3)
        self.fs("upload_chunk", token=begin["token"], offset=0, data=b"abc")
        with self.assertRaises(AgentError) as caught:
            self.fs("upload_end", token=begin["token"])
        self.assertIn("no sha256 to verify against", caught.exception.message)
        self.assertFalse(os.path.exists(other))
        self.assertEqual(sorted(os.listdir(self.tmp)), ["streamed.bin"])

    def test_upload_in_check_mode_writes_nothing(self) -> None:
        dest = self.path("never.bin")
        r = self.agent.tool("FileSystem", "upload_begin", check_mode=True, dest=dest, size=3,
                            sha256=hashlib.sha256(b"abc").hexdigest())
        self.assertEqual((r["changed"], r["skip"], r["token"]), (True, True, None))
        self.assertEqual(os.listdir(self.tmp), [])
        # A token from a real upload_begin does not let a check-mode chunk or end write.
        begin = self.fs("upload_begin", dest=dest, size=3, sha256=hashlib.sha256(b"abc").hexdigest())
        temp = os.listdir(self.tmp)
        for method, args in (("upload_chunk", dict(offset=0, data=b"abc")), ("upload_end", {})):
            with self.assertRaises(AgentError) as caught:
                self.agent.tool("FileSystem", method, check_mode=True, token=begin["token"], **args)
            self.assertIn("refused in check mode", caught.exception.message)
        self.assertEqual(os.listdir(self.tmp), temp)
        self.assertEqual(os.path.getsize(os.path.join(self.tmp, temp[0])), 0)
        self.assertEqual(self.fs("upload_abort", token=begin["token"]), {"aborted": True})
        self.assertEqual(os.listdir(self.tmp), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)

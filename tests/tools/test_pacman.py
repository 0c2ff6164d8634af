"""Pacman and PacmanRepository through the real agent, with Debian's pacman against a root dir.

The test builds its own packages (a .PKGINFO plus files, packed with bsdtar --zstd), indexes
them with repo-add into a local file:// repository, and points pacman at a temp root.
"""
import os
import subprocess
import unittest

import harness
from agent_client import AgentError

PKGINFO = """pkgname = {name}
pkgbase = {name}
pkgver = {version}
pkgdesc = Hostdeck test package
url = https://example.invalid
builddate = 1700000000
packager = Hostdeck tests
size = 64
arch = any
license = MIT
{depends}"""


class PacmanTest(harness.LocalAgentTestCase):

    def setUp(self) -> None:
        self.tmp = self.make_tmp("hostdeck-pacman-")
        self.repo = os.path.join(self.tmp, "repo")
        self.root = os.path.join(self.tmp, "root")
        os.makedirs(self.repo)
        os.makedirs(os.path.join(self.root, "var/lib/pacman"))
        self.conf = os.path.join(self.tmp, "pacman.conf")
        with open(self.conf, "w") as f:
            f.write("[options]\nArchitecture = auto\nSigLevel = Never\n")

    def build(self, name: str, version: str, text: str, depends: tuple = ()) -> None:
        work = os.path.join(self.tmp, "build-%s-%s" % (name, version))
        os.makedirs(os.path.join(work, "usr/share", name))
        with open(os.path.join(work, "usr/share", name, "data.txt"), "w") as f:
            f.write(text)
        with open(os.path.join(work, ".PKGINFO"), "w") as f:
            f.write(PKGINFO.format(name=name, version=version,
                                   depends="".join("depend = %s\n" % d for d in depends)))
        pkg = os.path.join(self.repo, "%s-%s-any.pkg.tar.zst" % (name, version))
        subprocess.run(["bsdtar", "--zstd", "-cf", pkg, ".PKGINFO", "usr"], cwd=work, check=True)
        subprocess.run(["repo-add", "-q", os.path.join(self.repo, "hostdeck.db.tar.gz"), pkg],
                       check=True, capture_output=True)

    def query(self) -> str:
        done = subprocess.run(["pacman", "--root", self.root, "--dbpath",
                               os.path.join(self.root, "var/lib/pacman"), "-Q"],
                              capture_output=True, text=True)
        return done.stdout

    def data(self) -> str:
        try:
            with open(os.path.join(self.root, "usr/share/hd-hello/data.txt")) as f:
                return f.read()
        except FileNotFoundError:
            return None

    def state(self):
        return (self.query(), self.data())

    def full_state(self):
        """state() and every file below the temp dir: check mode must not touch any of them."""
        return (self.state(), harness.tree_snapshot(self.tmp))

    def pac(self, method: str, **args):
        return self.agent.tool("Pacman", method, root=self.root, config=self.conf, call_timeout=300,
                               **args)

    def test_repository_section_in_pacman_conf(self) -> None:
        def conf():
            with open(self.conf) as f:
                return f.read()

        args = dict(name="hostdeck", servers=["file://" + self.repo], siglevel="Never", config=self.conf)
        r = self.assertIdempotent(self.agent, "PacmanRepository", "present", conf, **args)
        self.assertEqual(conf(), "[options]\nArchitecture = auto\nSigLevel = Never\n\n[hostdeck]\n"
                         "SigLevel = Never\nServer = file://%s\n" % self.repo)
        self.assertEqual(harness.apply_patch("[options]\nArchitecture = auto\nSigLevel = Never\n",
                                             r["diff"]), conf())
        moved = dict(args, servers=["file:///elsewhere"])
        self.agent.tool("PacmanRepository", "present", **moved)
        self.assertIn("Server = file:///elsewhere\n", conf())
        self.assertNotIn(self.repo, conf())
        self.assertIdempotent(self.agent, "PacmanRepository", "absent", conf, name="hostdeck",
                              config=self.conf)
        self.assertNotIn("[hostdeck]", conf())
        self.assertIn("[options]", conf())

    def test_install_latest_remove_against_a_root_dir(self) -> None:
        self.build("hd-dep", "2.0-1", "dep\n")
        self.build("hd-hello", "1.0-1", "one\n", depends=("hd-dep",))
        self.agent.tool("PacmanRepository", "present", name="hostdeck", servers=["file://" + self.repo],
                        config=self.conf)
        self.assertTrue(self.pac("update")["changed"])
        self.assertFalse(self.pac("update", cache_valid_time=3600)["changed"])
        r = self.assertIdempotent(self.agent, "Pacman", "install", self.full_state, packages=["hd-hello"],
                                  root=self.root, config=self.conf)
        self.assertEqual(r["packages"]["hd-hello"], {"before": None, "after": "1.0-1"})
        self.assertEqual(r["transaction"], [
            {"name": "hd-dep", "action": "install", "before": None, "after": "2.0-1"},
            {"name": "hd-hello", "action": "install", "before": None, "after": "1.0-1"}])
        self.assertEqual(self.query(), "hd-dep 2.0-1\nhd-hello 1.0-1\n")
        self.assertEqual(self.data(), "one\n")
        self.assertEqual(self.agent.tool("Pacman", "installed", names=["hd-hello", "nope"], root=self.root),
                         {"hd-hello": "1.0-1", "nope": None})
        with self.assertRaises(AgentError) as caught:
            self.pac("install", packages=["hd-hello=9.9-1"])
        self.assertIn("repos offer 1.0-1", caught.exception.message)

        self.build("hd-hello", "1.1-1", "two\n", depends=("hd-dep",))
        self.pac("update", force=True)  # the new db may carry the same mtime second as the old
        r = self.assertIdempotent(self.agent, "Pacman", "latest", self.full_state, packages=["hd-hello"],
                                  root=self.root, config=self.conf)
        self.assertEqual(r["packages"]["hd-hello"], {"before": "1.0-1", "after": "1.1-1"})
        self.assertEqual(r["transaction"], [
            {"name": "hd-hello", "action": "upgrade", "before": "1.0-1", "after": "1.1-1"}])
        self.assertEqual(self.data(), "two\n")

        r = self.assertIdempotent(self.agent, "Pacman", "remove", self.full_state, packages=["hd-hello"],
                                  root=self.root, config=self.conf, recursive=True, purge=True)
        self.assertEqual([(t["name"], t["action"]) for t in r["transaction"]],
                         [("hd-dep", "remove"), ("hd-hello", "remove")])
        self.assertEqual(self.query(), "")
        self.assertIsNone(self.data())

    def test_unknown_package_is_a_clear_error(self) -> None:
        self.build("hd-hello", "1.0-1", "one\n")
        self.agent.tool("PacmanRepository", "present", name="hostdeck", servers=["file://" + self.repo],
                        config=self.conf)
        self.pac("update")
        with self.assertRaises(AgentError) as caught:
            self.pac("install", packages=["hd-missing"])
        self.assertIn("pacman", caught.exception.message)
        self.assertIn("hd-missing", caught.exception.message)


if __name__ == "__main__":
    unittest.main(verbosity=2)

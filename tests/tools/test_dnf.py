"""Dnf through the real agent: Debian's dnf/rpm against an --installroot and a local repository.

The test builds noarch rpms with rpmbuild and indexes them with createrepo_c; skipped when those
programs are not installed (apt packages dnf, rpm, createrepo-c).
"""
import os
import shutil
import sqlite3
import subprocess
import unittest

import harness
from agent_client import AgentError

# What every dnf call writes, queries included: its logs and metadata cache in the install root,
# and librepo's checksum cache (extended attributes) on the files of a file:// repository.
# dnf's history database is rewritten by sqlite checkpoints even when a dry run leaves its content
# alone: its content is compared instead of its file.
DNF_VOLATILE = ("root/var/log", "root/var/cache/dnf", "repo", "root/var/lib/dnf/history.sqlite")

SPEC = """Name: {name}
Version: {version}
Release: 1
Summary: Hostdeck test package
License: MIT
BuildArch: noarch
{requires}
%description
Hostdeck test package.
%install
mkdir -p %{{buildroot}}/usr/share/{name}
echo {text} > %{{buildroot}}/usr/share/{name}/data.txt
%files
/usr/share/{name}/data.txt
"""


@unittest.skipUnless(all(shutil.which(p) for p in ("dnf", "rpmbuild", "createrepo_c")),
                     "dnf, rpmbuild or createrepo_c missing")
class DnfTest(harness.LocalAgentTestCase):

    def setUp(self) -> None:
        self.tmp = self.make_tmp("hostdeck-dnf-")
        self.repo = os.path.join(self.tmp, "repo")
        self.root = os.path.join(self.tmp, "root")
        os.makedirs(self.repo)
        os.makedirs(self.root)
        self.conf = os.path.join(self.tmp, "dnf.conf")
        with open(self.conf, "w") as f:
            f.write("[main]\nreposdir=\ngpgcheck=0\n[hostdeck]\nname=hostdeck\nbaseurl=file://%s\n"
                    "enabled=1\ngpgcheck=0\nmetadata_expire=0\n" % self.repo)

    def build(self, version: str, text: str, name: str = "hd-hello",
              requires: str = "Requires: hd-dep") -> None:
        spec = os.path.join(self.tmp, "%s-%s.spec" % (name, version))
        with open(spec, "w") as f:
            f.write(SPEC.format(name=name, version=version, text=text, requires=requires))
        # HOME in the temp dir: Debian's rpm keeps its database in ~/.rpmdb.
        env = dict(os.environ, HOME=self.tmp)
        subprocess.run(["rpmbuild", "--define", "_topdir %s/rpmbuild" % self.tmp, "--define",
                        "_rpmdir %s" % self.repo, "-bb", spec], check=True, capture_output=True, env=env)
        subprocess.run(["createrepo_c", "-q", "--update", self.repo], check=True, capture_output=True)

    def state(self):
        done = subprocess.run(["rpm", "--root", self.root, "-qa", "--qf", "%{NAME} %{VERSION}-%{RELEASE}\n"],
                              capture_output=True, text=True)
        try:
            with open(os.path.join(self.root, "usr/share/hd-hello/data.txt")) as f:
                data = f.read()
        except FileNotFoundError:
            data = None
        return ("".join(sorted(done.stdout.splitlines(True))), data)

    def full_state(self):
        """state() and every file below the temp dir except what any dnf or rpm query writes
        (dnf's logs and metadata cache, the sqlite journal files of rpm's database): check mode
        must not touch anything else."""
        return (self.state(), harness.tree_snapshot(self.tmp, DNF_VOLATILE, ("sqlite-shm",
                                                                             "sqlite-wal")),
                self.history())

    def history(self) -> list:
        """The content of dnf's history database (transactions), read-only."""
        path = os.path.join(self.root, "var/lib/dnf/history.sqlite")
        if not os.path.exists(path):
            return []
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        try:
            return list(db.iterdump())
        finally:
            db.close()

    def test_install_latest_remove_in_an_installroot(self) -> None:
        self.build("2.0", "dep", name="hd-dep", requires="")
        self.build("1.0", "one")
        common = dict(root=self.root, config=self.conf)
        # A host that uses dnf has its bookkeeping (history database, cache dirs) already.
        subprocess.run(["dnf", "-q", "-c", self.conf, "--installroot", self.root, "--releasever", "1",
                        "history", "list"], check=True, capture_output=True, env=dict(os.environ, HOME=self.tmp))
        r = self.assertIdempotent(self.agent, "Dnf", "install", self.full_state, packages=["hd-hello"],
                                  **common)
        self.assertEqual(r["packages"]["hd-hello"], {"before": None, "after": "1.0-1"})
        self.assertEqual(r["transaction"], [
            {"name": "hd-dep", "action": "install", "before": None, "after": "2.0-1"},
            {"name": "hd-hello", "action": "install", "before": None, "after": "1.0-1"}])
        self.assertEqual(self.state(), ("hd-dep 2.0-1\nhd-hello 1.0-1\n", "one\n"))
        self.assertFalse(self.agent.tool("Dnf", "install", packages=["hd-hello=1.0"], **common)["changed"])
        self.build("1.1", "two")
        r = self.assertIdempotent(self.agent, "Dnf", "latest", self.full_state, packages=["hd-hello"],
                                  refresh=True, **common)
        self.assertEqual(r["packages"]["hd-hello"], {"before": "1.0-1", "after": "1.1-1"})
        self.assertEqual(r["transaction"], [
            {"name": "hd-hello", "action": "upgrade", "before": "1.0-1", "after": "1.1-1"}])
        self.assertEqual(self.state(), ("hd-dep 2.0-1\nhd-hello 1.1-1\n", "two\n"))
        r = self.assertIdempotent(self.agent, "Dnf", "remove", self.full_state, packages=["hd-dep"],
                                  **common)
        self.assertEqual([(t["name"], t["action"]) for t in r["transaction"]],
                         [("hd-dep", "remove"), ("hd-hello", "remove")])
        self.assertEqual(self.state(), ("", None))
        with self.assertRaises(AgentError) as caught:
            self.agent.tool("Dnf", "install", packages=["hd-missing"], **common)
        self.assertIn("exit code", caught.exception.message)
        self.assertIn("hd-missing", caught.exception.message)


if __name__ == "__main__":
    unittest.main(verbosity=2)

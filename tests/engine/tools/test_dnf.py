"""Dnf through the real agent: Debian's dnf/rpm against an --installroot and a local repository.

The test builds noarch rpms with rpmbuild and indexes them with createrepo_c; skipped when those
programs are not installed (apt packages dnf, rpm, createrepo-c).
"""
import os
import shutil
import subprocess
import unittest

import harness
from agent_client import AgentError

SPEC = """Name: hd-hello
Version: {version}
Release: 1
Summary: Hostdeck test package
License: MIT
BuildArch: noarch
%description
Hostdeck test package.
%install
mkdir -p %{{buildroot}}/usr/share/hd-hello
echo {text} > %{{buildroot}}/usr/share/hd-hello/data.txt
%files
/usr/share/hd-hello/data.txt
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

    def build(self, version: str, text: str) -> None:
        spec = os.path.join(self.tmp, "hd-%s.spec" % version)
        with open(spec, "w") as f:
            f.write(SPEC.format(version=version, text=text))
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
        return (done.stdout, data)

    def test_install_latest_remove_in_an_installroot(self) -> None:
        self.build("1.0", "one")
        common = dict(root=self.root, config=self.conf)
        r = self.assertIdempotent(self.agent, "Dnf", "install", self.state, packages=["hd-hello"],
                                  **common)
        self.assertEqual(r["packages"]["hd-hello"], {"before": None, "after": "1.0-1"})
        self.assertEqual(self.state(), ("hd-hello 1.0-1\n", "one\n"))
        self.assertFalse(self.agent.tool("Dnf", "install", packages=["hd-hello=1.0"], **common)["changed"])
        self.build("1.1", "two")
        r = self.assertIdempotent(self.agent, "Dnf", "latest", self.state, packages=["hd-hello"],
                                  refresh=True, **common)
        self.assertEqual(r["packages"]["hd-hello"], {"before": "1.0-1", "after": "1.1-1"})
        self.assertEqual(self.state(), ("hd-hello 1.1-1\n", "two\n"))
        self.assertIdempotent(self.agent, "Dnf", "remove", self.state, packages=["hd-hello"], **common)
        self.assertEqual(self.state(), ("", None))
        with self.assertRaises(AgentError) as caught:
            self.agent.tool("Dnf", "install", packages=["hd-missing"], **common)
        self.assertIn("exit code", caught.exception.message)
        self.assertIn("hd-missing", caught.exception.message)


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""Who runs what in the installer scripts (installer/lib.sh, setup.sh).

Only apt-get needs root: run directly by root, through sudo by anyone else, and a clear message
when there is no sudo. Builds run as the owner of the checkout, also when root starts them.
A copy of the scripts in a temp "checkout" runs as root and as the unprivileged user nobody;
apt-get and sudo are stand-ins on PATH that only record how they were called.
"""
import os
import shutil
import subprocess
import tempfile
import unittest
from typing import Dict, List

SOURCE = os.environ["HOSTDECK_SOURCE_DIR"]
USER = "nobody"
RECORDER = """#!/bin/sh
echo "$(id -un) %s $*" >> "$HOSTDECK_RECORD"
"""


class InstallerScriptsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        # Every program but sudo and apt-get, for a PATH on which sudo can be missing.
        cls.world = tempfile.mkdtemp(prefix="hostdeck-installer-path-")
        os.chmod(cls.world, 0o755)
        for directory in ("/usr/sbin", "/usr/bin", "/sbin", "/bin"):
            for name in os.listdir(directory):
                link = os.path.join(cls.world, name)
                if name not in ("sudo", "apt-get") and not os.path.lexists(link):
                    os.symlink(os.path.join(directory, name), link)

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(cls.world, ignore_errors=True)

    def setUp(self) -> None:
        self.assertEqual(os.geteuid(), 0, "this test switches users: run it as root, like the suite")
        self.tmp = tempfile.mkdtemp(prefix="hostdeck-installer-")
        os.chmod(self.tmp, 0o755)
        self.checkout = os.path.join(self.tmp, "checkout")
        os.makedirs(os.path.join(self.checkout, "installer"))
        for name in ("lib.sh", "setup.sh"):
            shutil.copy2(os.path.join(SOURCE, "installer", name),
                         os.path.join(self.checkout, "installer", name))
        self.record = os.path.join(self.tmp, "record")
        open(self.record, "w").close()
        os.chmod(self.record, 0o666)
        # PATH: recorders for apt-get (and sudo where wanted), then every other program.
        self.fake = os.path.join(self.tmp, "fake")
        os.makedirs(self.fake)
        self.write_recorder("apt-get")

    def tearDown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write_recorder(self, name: str) -> None:
        path = os.path.join(self.fake, name)
        with open(path, "w") as f:
            f.write(RECORDER % name)
        os.chmod(path, 0o755)

    def packages(self, *names: str) -> None:
        with open(os.path.join(self.checkout, "installer", "packages.txt"), "w") as f:
            f.write("# test\n" + "\n".join(names) + "\n")

    def run_as(self, user: str, argv: List[str]) -> subprocess.CompletedProcess:
        env: Dict[str, str] = {"PATH": self.fake + ":" + self.world, "LANG": "C.UTF-8",
                               "HOSTDECK_RECORD": self.record, "HOME": self.tmp}
        prefix = [] if user == "root" else ["runuser", "-u", user, "--"]
        return subprocess.run(prefix + argv, capture_output=True, text=True, env=env,
                              cwd=self.tmp, stdin=subprocess.DEVNULL, timeout=60)

    def recorded(self) -> List[str]:
        with open(self.record) as f:
            return f.read().splitlines()

    def setup_sh(self) -> List[str]:
        return [os.path.join(self.checkout, "installer", "setup.sh")]

    def test_nothing_missing_needs_no_root(self) -> None:
        self.packages("bash", "coreutils")
        done = self.run_as(USER, self.setup_sh())
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("all 2 packages present", done.stdout)
        self.assertEqual(self.recorded(), [])

    def test_root_runs_apt_get_itself(self) -> None:
        self.packages("bash", "hostdeck-no-such-package")
        done = self.run_as("root", self.setup_sh())
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(self.recorded(), [
            "root apt-get update -q",
            "root apt-get install -y -q --no-install-recommends hostdeck-no-such-package"])

    def test_a_user_goes_through_sudo_for_apt_get_only(self) -> None:
        self.packages("hostdeck-no-such-package")
        self.write_recorder("sudo")
        done = self.run_as(USER, self.setup_sh())
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(self.recorded(), [
            "%s sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q" % USER,
            "%s sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "
            "--no-install-recommends hostdeck-no-such-package" % USER])

    def test_a_user_without_sudo_is_told_what_to_do(self) -> None:
        self.packages("hostdeck-no-such-package")
        done = self.run_as(USER, self.setup_sh())
        self.assertEqual(done.returncode, 1)
        self.assertIn("needs root, and sudo is not installed", done.stderr)
        self.assertIn("run this script as root", done.stderr)
        self.assertEqual(self.recorded(), [])

    def test_builds_run_as_the_checkout_owner(self) -> None:
        lib = os.path.join(self.checkout, "installer", "lib.sh")
        script = '. "%s"; as_owner sh -c \'echo "$(id -un) $HOME"\'' % lib
        done = self.run_as("root", ["bash", "-c", script])
        self.assertEqual(done.stdout.split()[0], "root", done.stderr)
        shutil.chown(self.checkout, user=USER)
        done = self.run_as("root", ["bash", "-c", script])
        self.assertEqual(done.returncode, 0, done.stderr)
        user_home = subprocess.run(["getent", "passwd", USER], capture_output=True, text=True,
                                   check=True).stdout.split(":")[5]
        self.assertEqual(done.stdout.split(), [USER, user_home])
        # A user never switches: as_owner just runs the command.
        done = self.run_as(USER, ["bash", "-c", script])
        self.assertEqual(done.stdout.split()[0], USER, done.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)

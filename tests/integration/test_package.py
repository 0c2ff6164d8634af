"""The .deb as a user gets it, installed with apt into a fresh Debian 12 tree.

installer/package.sh builds the package as a user would (build/package). A private copy of the
debootstrap tree that the tools tests cache (tests/tools/harness.py) gets it installed with
`apt install --no-install-recommends ./hostdeck_*.deb`, its dependencies downloaded from Debian
(not taken from this machine; without recommends, so the Depends alone must be enough). Inside
the tree (chroot) both programs run; lintian checks the .deb, desktop-file-validate and
appstreamcli the installed desktop entry and metainfo; apt purge leaves nothing behind.
Downloaded .debs are kept next to the cached tree, so later runs download little.
"""
import fcntl
import glob
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from typing import Dict, List

SOURCE = os.environ["HOSTDECK_SOURCE_DIR"]
VERSION = os.environ["HOSTDECK_VERSION"]
sys.path.insert(0, os.path.join(SOURCE, "tests", "tools"))

import harness  # noqa: E402  (the cached debootstrap tree)

CHROOT_ENV = {"PATH": harness.CHROOT_PATH, "LANG": "C.UTF-8", "HOME": "/root", "TERM": "dumb",
              "DEBIAN_FRONTEND": "noninteractive"}
APT_KEEP = ["-o", "APT::Keep-Downloaded-Packages=true"]


def timed(figures: Dict[str, float], name: str, argv: List[str], **kwargs) -> subprocess.CompletedProcess:
    started = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    figures[name] = time.monotonic() - started
    if done.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s\n%s" % (" ".join(argv), done.returncode,
                                                        done.stdout[-4000:], done.stderr[-4000:]))
    return done


def installed_packages(root: str) -> Dict[str, str]:
    done = subprocess.run(["dpkg-query", "--admindir", os.path.join(root, "var/lib/dpkg"), "-W",
                           "-f", "${Package} ${db:Status-Abbrev}\n"], capture_output=True,
                          text=True, check=True)
    return {p: s.strip() for p, s in (line.split(" ", 1) for line in done.stdout.splitlines())}


class PackageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.figures: Dict[str, float] = {}
        done = timed(cls.figures, "build the .deb",
                     [os.path.join(SOURCE, "installer", "package.sh"), "--no-setup"])
        cls.deb = done.stdout.strip().splitlines()[-1]
        assert os.path.basename(cls.deb) == "hostdeck_%s_amd64.deb" % VERSION, cls.deb
        pristine = harness.ensure_debian_chroot()
        cls.cache = harness.chroot_cache_dir()
        cls.before = installed_packages(pristine)
        cls.tmp = tempfile.mkdtemp(prefix="hostdeck-package-")
        cls.root = os.path.join(cls.tmp, "root")
        timed(cls.figures, "copy the Debian tree", ["cp", "-a", "--reflink=auto", pristine, cls.root])
        archives = os.path.join(cls.root, "var/cache/apt/archives")
        cls.apt_cache = os.path.join(cls.cache, "apt-archives")
        os.makedirs(cls.apt_cache, exist_ok=True)
        for deb in glob.glob(os.path.join(cls.apt_cache, "*.deb")):
            shutil.copy2(deb, archives)
        shutil.copy2(cls.deb, os.path.join(cls.root, "tmp"))
        inside = "/tmp/" + os.path.basename(cls.deb)
        timed(cls.figures, "apt update", cls.chroot_argv("apt-get", "update"), env=CHROOT_ENV)
        cls.install = timed(cls.figures, "apt install",
                            cls.chroot_argv("apt", *APT_KEEP, "install", "-y",
                                            "--no-install-recommends", inside), env=CHROOT_ENV)
        with open(os.path.join(cls.cache, "lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            for deb in glob.glob(os.path.join(archives, "*.deb")):
                if not os.path.exists(os.path.join(cls.apt_cache, os.path.basename(deb))):
                    shutil.copy2(deb, cls.apt_cache)
        cls.after = installed_packages(cls.root)

    @classmethod
    def tearDownClass(cls) -> None:
        print("\n" + ", ".join("%s %.1f s" % kv for kv in cls.figures.items()), file=sys.stderr)
        fetched = [line for line in cls.install.stdout.splitlines() if line.startswith("Need to get")]
        print("apt: %s" % (fetched[0] if fetched else "nothing to download"), file=sys.stderr)
        subprocess.run(["rm", "-rf", "--one-file-system", cls.tmp], check=False)

    @classmethod
    def chroot_argv(cls, *argv: str) -> List[str]:
        return ["chroot", cls.root, *argv]

    def inside(self, *argv: str, env: Dict[str, str] = CHROOT_ENV,
               timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(self.chroot_argv(*argv), capture_output=True, text=True, env=env,
                              timeout=timeout, stdin=subprocess.DEVNULL)

    def path(self, inside: str) -> str:
        return os.path.join(self.root, inside.lstrip("/"))

    # --- the package and its dependencies ---------------------------------------------

    def test_dependencies_come_from_debian(self) -> None:
        self.assertEqual(self.after.get("hostdeck"), "ii")
        control = subprocess.run(["dpkg-deb", "-f", self.deb, "Depends", "Recommends"],
                                 capture_output=True, text=True, check=True).stdout
        for needed in ("python3", "openssh-client", "libqt6widgets6", "libqt6sql6-sqlite",
                       "libqt6svg6", "libssh-4", "libqt6keychain1"):
            self.assertIn(needed, control)
            self.assertEqual(self.after.get(needed), "ii", needed)
        # apt fetched what the fresh tree lacked: it had none of it before.
        fetched = [p for p in ("openssh-client", "libqt6widgets6", "libssh-4")
                   if p not in self.before]
        self.assertEqual(len(fetched), 3, "the base tree already had %s" % self.before)
        self.assertIn("Get:", self.install.stdout + self.install.stderr)
        # Every Recommends alternative is a real Debian package.
        recommends = control.split("Recommends:")[1] if "Recommends:" in control else ""
        for alternative in recommends.replace("|", ",").split(","):
            name = alternative.strip().split(" ")[0]
            if name:
                policy = self.inside("apt-cache", "policy", name).stdout
                self.assertIn("Candidate:", policy, name)
                self.assertNotIn("Candidate: (none)", policy, name)

    def test_cli_runs_inside(self) -> None:
        done = self.inside("hostdeck-cli", "--version")
        self.assertEqual((done.returncode, done.stdout), (0, "hostdeck-cli %s\n" % VERSION),
                         done.stderr)
        done = self.inside("hostdeck-cli", "call", "--local", "Facts.os")
        self.assertEqual(done.returncode, 0, done.stderr)
        facts = json.loads(done.stdout)
        with open(self.path("/etc/os-release")) as f:
            release = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
        self.assertEqual(facts["id"], release["ID"].strip('"'))
        self.assertEqual(str(facts["version"]), release["VERSION_ID"].strip('"'))

    def test_gui_runs_inside(self) -> None:
        env = dict(CHROOT_ENV, QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR="/tmp/runtime")
        os.makedirs(self.path("/tmp/runtime"), mode=0o700, exist_ok=True)
        done = self.inside("hostdeck", "--version", env=env)
        self.assertEqual((done.returncode, done.stdout), (0, "hostdeck %s\n" % VERSION),
                         done.stderr)
        # The window really comes up from the installed files (libraries, Qt plugins): it is
        # still running after three seconds and has written its run history database.
        proc = subprocess.Popen(self.chroot_argv("hostdeck"), env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(3)
            alive = proc.poll() is None
        finally:
            proc.terminate()
            try:
                _, err = proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
        self.assertTrue(alive, "hostdeck exited at once: %s" % err)
        self.assertNotIn("Could not load the Qt platform plugin", err)
        self.assertTrue(os.path.exists(self.path("/root/.local/share/hostdeck/history.sqlite")))

    # --- the installed files --------------------------------------------------------

    def test_desktop_entry_icon_and_metainfo(self) -> None:
        desktop = self.path("/usr/share/applications/io.hostdeck.Hostdeck.desktop")
        metainfo = self.path("/usr/share/metainfo/io.hostdeck.Hostdeck.metainfo.xml")
        done = subprocess.run(["desktop-file-validate", desktop], capture_output=True, text=True)
        self.assertEqual((done.returncode, done.stdout), (0, ""), done.stderr)
        done = subprocess.run(["appstreamcli", "validate", "--no-net", "--explain", metainfo],
                              capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        with open(desktop) as f:
            entry = dict(line.strip().split("=", 1) for line in f if "=" in line)
        self.assertTrue(os.path.exists(self.path(
            "/usr/share/icons/hicolor/scalable/apps/%s.svg" % entry["Icon"])))
        self.assertTrue(os.access(self.path("/usr/bin/" + entry["Exec"].split()[0]), os.X_OK))
        with open(metainfo) as f:
            self.assertIn("<launchable type=\"desktop-id\">%s</launchable>"
                          % os.path.basename(desktop), f.read())

    def test_man_pages_and_completion(self) -> None:
        for page in ("hostdeck", "hostdeck-cli"):
            with gzip.open(self.path("/usr/share/man/man1/%s.1.gz" % page), "rt") as f:
                self.assertIn('.TH "%s" 1' % page.upper().replace("-", "\\-"), f.read())
        bash = self.path("/usr/share/bash-completion/completions/hostdeck-cli")
        done = subprocess.run(["bash", "-n", bash], capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stderr)
        with open(self.path("/usr/share/zsh/vendor-completions/_hostdeck-cli")) as f:
            self.assertTrue(f.read().startswith("#compdef hostdeck-cli"))

    def test_lintian_finds_no_error(self) -> None:
        done = subprocess.run(["lintian", "--no-tag-display-limit", self.deb], capture_output=True,
                              text=True, env=dict(os.environ, LANG="C.UTF-8"))
        errors = [line for line in done.stdout.splitlines() if line.startswith("E:")]
        self.assertEqual(errors, [], done.stdout)
        print("\nlintian: %s" % (done.stdout.strip() or "clean"), file=sys.stderr)

    def test_purge_leaves_nothing(self) -> None:
        listed = self.inside("dpkg", "-L", "hostdeck").stdout.split()
        files = [p for p in listed if os.path.isfile(self.path(p))]
        self.assertIn("/usr/bin/hostdeck-cli", files)
        # Runs last (unittest sorts by name); the other tests have seen the installed files.
        done = self.inside("apt-get", "purge", "-y", "hostdeck")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual([p for p in files if os.path.lexists(self.path(p))], [])
        self.assertNotIn("hostdeck", installed_packages(self.root))


if __name__ == "__main__":
    unittest.main(verbosity=2)

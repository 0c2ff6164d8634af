"""The recipes in examples/ run for real by `hostdeck-cli run` on a booted Debian container.

The Debian test tree of the tools tests is booted with its own systemd (harness.ContainerHost,
systemd-nspawn with a throw-away overlay) and OpenSSH's server is installed in it, so sshd,
journald, users and sudo are the real ones. Each example runs as a recipe of the run service on
the container (the agent is `nsenter -t PID -a python3`, a local target with that interpreter):
in check mode first (it reports changes and nothing on the container's disk or services moves),
then for real (changes, verified from outside the agent), then again (no change, no restart).
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("HOSTDECK_SOURCE_DIR") or os.path.abspath(os.path.join(HERE, "../../.."))
sys.path.insert(0, os.path.join(SOURCE, "tests", "tools"))
sys.path.insert(0, os.path.join(SOURCE, "tests", "support"))

import harness  # noqa: E402

EXAMPLES = os.path.join(SOURCE, "examples")
CLI = os.path.join(os.environ.get("HOSTDECK_BINARY_DIR", ""), "app", "hostdeck-cli")
SSHD_PACKAGES = ["openssh-server"]


class RecipeExamplesTest(unittest.TestCase):
    host: harness.ContainerHost

    @classmethod
    def setUpClass(cls) -> None:
        cls.host = harness.ContainerHost("hostdeck-recipes")
        cls.tmp = tempfile.mkdtemp(prefix="hostdeck-recipe-examples-")
        try:
            cls._install_sshd()
        except BaseException:
            cls.host.close()
            raise

    @classmethod
    def tearDownClass(cls) -> None:
        cls.host.close()
        subprocess.run(["rm", "-rf", cls.tmp], check=False)

    @classmethod
    def _install_sshd(cls) -> None:
        """openssh-server in the container's overlay: the host's cached .debs when it has them
        (no download), else from the Debian mirror the tree was built from."""
        cache = "/var/cache/apt/archives"
        inside = cls.host.path(cache)
        for name in os.listdir(cache) if os.path.isdir(cache) else []:
            if name.endswith(".deb") and name.split("_")[0] in (
                    "openssh-server", "openssh-sftp-server", "openssh-client", "libwrap0",
                    "runit-helper", "ucf", "procps", "libproc2-0"):
                subprocess.run(["cp", os.path.join(cache, name), inside], check=True)
        env = {"DEBIAN_FRONTEND": "noninteractive"}
        install = cls.host.run("env", *["%s=%s" % kv for kv in env.items()], "apt-get",
                               "install", "-y", "-q", "--no-install-recommends", *SSHD_PACKAGES)
        if install.returncode != 0:
            update = cls.host.run("apt-get", "update", "-q")
            install = cls.host.run("env", *["%s=%s" % kv for kv in env.items()], "apt-get",
                                   "install", "-y", "-q", "--no-install-recommends",
                                   *SSHD_PACKAGES)
            if install.returncode != 0:
                raise RuntimeError("cannot install openssh-server in the container: %s %s" % (
                    update.stderr[-800:], install.stderr[-1500:]))
        cls.host.run("systemctl", "start", "ssh")
        state = cls.host.run("systemctl", "is-active", "ssh").stdout.strip()
        if state != "active":
            raise RuntimeError("ssh.service is %r in the container" % state)

    # --- helpers -----------------------------------------------------------------------------

    def run_recipe(self, name: str, check: bool = False, extra: dict = None) -> dict:
        """Runs examples/NAME on the container; the host record."""
        argv = [CLI, "run", "--local", "--python", " ".join(self.host.enter() + ["python3"]),
                "--no-history", "--json", os.path.join(EXAMPLES, name)]
        for key, value in (extra or {}).items():
            argv += ["-e", "%s=%s" % (key, json.dumps(value))]
        if check:
            argv.append("--check")
        env = {"PATH": harness.CHROOT_PATH, "LANG": "C.UTF-8", "HOME": self.tmp,
               "XDG_CONFIG_HOME": os.path.join(self.tmp, "config"),
               "XDG_CACHE_HOME": os.path.join(self.tmp, "cache"),
               "XDG_DATA_HOME": os.path.join(self.tmp, "data")}
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
        records = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
        hosts = [r for r in records if "host" in r]
        self.assertEqual(len(hosts), 1, "%s: %s\n%s" % (name, done.stdout, done.stderr))
        record = hosts[0]
        self.assertTrue(record["ok"], "%s%s: %s" % (name, " --check" if check else "",
                                                     json.dumps(record, indent=1)[:4000]))
        self.assertEqual(done.returncode, 0, done.stderr)
        return record

    @staticmethod
    def step(record: dict, name: str) -> dict:
        for step in record["steps"]:
            if step.get("step") == name or step.get("host") and step.get("name") == name:
                return step
        raise AssertionError("no step %r in %s" % (name, [s.get("step") for s in record["steps"]]))

    def invocation(self, unit: str) -> str:
        """systemd's id of the unit's current run: a restart gives a new one."""
        out = self.host.run("systemctl", "show", unit, "-p", "InvocationID", "--value")
        self.assertTrue(out.stdout.strip(), out.stderr)
        return out.stdout.strip()

    def snapshot(self):
        """Everything of the container's /etc and /home (metadata incl. ctime) and the units."""
        return (harness.tree_snapshot(self.host.path("/etc"), volatile_suffixes=("ld.so.cache",)),
                harness.tree_snapshot(self.host.path("/home")),
                self.invocation("ssh"), self.invocation("systemd-journald"))

    def read(self, path: str) -> str:
        try:
            with open(self.host.path(path)) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def check_then_twice(self, name: str, extra: dict = None):
        """Check mode reports changes and changes nothing; the first run changes; the second
        run changes nothing. Returns the three records."""
        before = self.snapshot()
        checked = self.run_recipe(name, check=True, extra=extra)
        self.assertTrue(checked["changed"], json.dumps(checked, indent=1)[:3000])
        after = self.snapshot()
        self.assertEqual(before, after, "check mode changed %s" % harness._what_changed(before, after))
        first = self.run_recipe(name, extra=extra)
        self.assertTrue(first["changed"])
        second = self.run_recipe(name, extra=extra)
        self.assertFalse(second["changed"], json.dumps(second, indent=1)[:3000])
        self.assertEqual(self.snapshot(), self.snapshot())
        return checked, first, second

    # --- the examples ------------------------------------------------------------------------

    def test_harden_sshd(self) -> None:
        config = "/etc/ssh/sshd_config"
        self.assertIn("#PermitRootLogin", self.read(config))
        sshd = self.invocation("ssh")
        checked, first, second = self.check_then_twice("harden-sshd.yml")
        text = self.read(config)
        for line in ("PermitRootLogin no", "PasswordAuthentication no",
                     "KbdInteractiveAuthentication no", "MaxAuthTries 3", "X11Forwarding no"):
            self.assertEqual(text.splitlines().count(line), 1, "%r in\n%s" % (line, text))
        self.assertNotIn("#PermitRootLogin", text)
        # Validated by the real sshd, restarted once (by the first run only).
        self.assertEqual(self.host.run("/usr/sbin/sshd", "-t").returncode, 0)
        self.assertEqual(self.step(first, "restart sshd")["status"], "changed")
        restarted = self.invocation("ssh")
        self.assertNotEqual(restarted, sshd)
        self.assertEqual(self.host.run("systemctl", "is-active", "ssh").stdout.strip(), "active")
        self.assertEqual(self.step(second, "restart sshd")["status"], "skipped")
        self.assertEqual(self.step(second, "validate")["status"], "skipped")
        self.assertEqual(self.invocation("ssh"), restarted)
        # The running server has the new settings.
        effective = self.host.run("/usr/sbin/sshd", "-T").stdout
        self.assertIn("permitrootlogin no", effective)
        self.assertIn("maxauthtries 3", effective)

    def test_add_admin_user(self) -> None:
        keygen = subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ann@test",
                                 "-f", os.path.join(self.tmp, "ann")], capture_output=True)
        self.assertEqual(keygen.returncode, 0, keygen.stderr)
        with open(os.path.join(self.tmp, "ann.pub")) as f:
            key = f.read().strip()
        extra = {"user": "ann", "key": key, "nopasswd": True}
        self.assertNotIn("\nann:", "\n" + self.read("/etc/passwd"))
        self.check_then_twice("add-admin-user.yml", extra)
        passwd = [l for l in self.read("/etc/passwd").splitlines() if l.startswith("ann:")]
        self.assertEqual(len(passwd), 1)
        self.assertTrue(passwd[0].endswith(":/bin/bash"), passwd[0])
        self.assertIn(key, self.read("/home/ann/.ssh/authorized_keys"))
        st = os.stat(self.host.path("/home/ann/.ssh/authorized_keys"))
        self.assertEqual(oct(st.st_mode & 0o777), oct(0o600))
        # sudo itself says what ann may do.
        rights = self.host.run("sudo", "-l", "-U", "ann").stdout
        self.assertIn("NOPASSWD: ALL", rights)

    def test_journald_limits(self) -> None:
        dropin = "/etc/systemd/journald.conf.d/50-hostdeck.conf"
        journald = self.invocation("systemd-journald")
        extra = {"max_use": "64M"}
        checked, first, second = self.check_then_twice("journald-limits.yml", extra)
        text = self.read(dropin)
        self.assertIn("SystemMaxUse=64M\n", text)
        self.assertIn("Compress=yes\n", text)
        self.assertNotIn("ForwardToSyslog", text)
        self.assertNotIn("##", text)
        self.assertNotEqual(self.invocation("systemd-journald"), journald)
        self.assertEqual(self.step(second, "restart journald")["status"], "skipped")
        # journald reads the drop-in: its effective setting, as systemd-analyze shows it.
        shown = self.host.run("systemd-analyze", "cat-config", "systemd/journald.conf").stdout
        self.assertIn("SystemMaxUse=64M", shown)
        # A changed variable changes the file and restarts journald again.
        now = self.invocation("systemd-journald")
        third = self.run_recipe("journald-limits.yml", extra={"max_use": "80M"})
        self.assertTrue(third["changed"])
        self.assertIn("SystemMaxUse=80M\n", self.read(dropin))
        self.assertNotEqual(self.invocation("systemd-journald"), now)


if __name__ == "__main__":
    started = time.monotonic()
    try:
        unittest.main(verbosity=2)
    finally:
        print("recipe examples took %.1f s" % (time.monotonic() - started), file=sys.stderr)

"""The tools on a real Debian host: a debootstrap chroot with the agent running as `chroot DIR python3`.

Each state-changing call is run in check mode (nothing may change), for real, and again (no
change); the state is read independently afterwards (files from outside, dpkg-query/getent/
systemctl inside the chroot).
"""
import os
import stat
import subprocess
import sys
import tempfile
import unittest

import harness
from agent_client import AgentError

UNIT = """[Unit]
Description=Hostdeck test unit

[Service]
ExecStart=/bin/sleep infinity

[Install]
WantedBy=multi-user.target
"""


def armored_debian_key() -> str:
    """The Debian archive signing keys, ASCII-armored (the chroot verifies apt lists with it)."""
    with tempfile.TemporaryDirectory() as home:
        done = subprocess.run(["gpg", "--homedir", home, "--batch", "--no-default-keyring", "--keyring",
                               "/usr/share/keyrings/debian-archive-keyring.gpg", "--export",
                               "--armor"], capture_output=True, text=True, check=True)
    return done.stdout


class DebianChrootTest(harness.ToolTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.host = harness.ChrootHost()
        cls.agent = cls.host.agent
        print("\nchroot copy took %.1f s" % cls.host.copy_seconds, file=sys.stderr)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.host.close()

    def inside(self, *argv: str) -> str:
        done = self.host.run(*argv)
        return done.stdout

    def read(self, inside_path: str):
        try:
            with open(self.host.path(inside_path), newline="") as f:
                return f.read()
        except FileNotFoundError:
            return None

    def test_agent_runs_inside_the_chroot(self) -> None:
        facts = self.agent.tool("Facts", "all")
        self.assertEqual((facts["os"]["id"], facts["os"]["version"]), ("debian", "12"))
        self.assertEqual(facts["package_manager"], "apt")
        self.assertEqual(self.agent.tool("FileSystem", "exists", path="/debootstrap"), False)
        self.assertTrue(self.agent.tool("FileSystem", "exists", path="/var/lib/dpkg/status"))

    def test_apt_install_and_remove_a_real_package(self) -> None:
        def state():
            return self.inside("dpkg-query", "-W", "-f=${Status} ${Version}", "hello")

        self.assertNotIn("install ok installed", state())
        r = self.assertIdempotent(self.agent, "Apt", "install", state, packages=["hello"])
        self.assertTrue(state().startswith("install ok installed"))
        self.assertEqual(r["packages"]["hello"]["before"], None)
        self.assertEqual(r["packages"]["hello"]["after"], state().split()[-1])
        self.assertEqual(self.inside("hello", "-g", "hi").strip(), "hi")
        version = r["packages"]["hello"]["after"]
        self.assertEqual(r["transaction"], [{"name": "hello", "action": "install", "before": None,
                                             "after": version}])
        pinned = self.agent.tool("Apt", "install", packages=["hello=" + version])
        self.assertFalse(pinned["changed"])
        self.assertFalse(self.agent.tool("Apt", "latest", packages=["hello"])["changed"])
        removed = self.assertIdempotent(self.agent, "Apt", "remove", state, packages=["hello"],
                                        purge=True)
        self.assertEqual(removed["packages"]["hello"]["after"], None)
        self.assertEqual(removed["transaction"], [{"name": "hello", "action": "purge",
                                                   "before": version, "after": None}])
        self.assertNotIn("install ok installed", state())
        with self.assertRaises(AgentError) as caught:
            self.agent.tool("Apt", "install", packages=["hostdeck-no-such-package"], call_timeout=300)
        self.assertIn("apt-get", caught.exception.message)
        self.assertIn("exit code 100", caught.exception.message)

    def test_apt_installed_matches_dpkg(self) -> None:
        # dpkg-query inside the chroot, not the status file the tool parses.
        listed = self.inside("dpkg-query", "-W", "-f=${Package} ${Version} ${db:Status-Status}\n")
        expected = {}
        for line in listed.splitlines():
            name, version, status = line.split(" ")
            if status == "installed":
                expected[name] = version
        self.assertIn("dpkg", expected)
        have = self.agent.tool("Apt", "installed")
        self.assertEqual({n.split(":")[0]: v for n, v in have.items()}, expected)
        self.assertEqual(self.agent.tool("Apt", "installed", names=["dpkg", "hostdeck-no-such"]),
                         {"dpkg": expected["dpkg"], "hostdeck-no-such": None})

    def test_apt_converge_installs_and_removes_in_one_call(self) -> None:
        def state():
            return (self.inside("dpkg-query", "-W", "-f=${db:Status-Status}", "hello"),
                    self.inside("dpkg-query", "-W", "-f=${db:Status-Status}", "figlet"))

        self.assertIdempotent(self.agent, "Apt", "converge", state, present=["hello", "figlet"],
                              call_timeout=900)
        self.assertEqual(state(), ("installed", "installed"))
        r = self.assertIdempotent(self.agent, "Apt", "converge", state, present=["hello"],
                                  absent=["figlet"], call_timeout=900)
        self.assertEqual(state()[0], "installed")
        self.assertNotEqual(state()[1], "installed")
        self.assertFalse(r["steps"]["install"]["changed"])
        self.assertTrue(r["steps"]["remove"]["changed"])
        self.agent.tool("Apt", "remove", packages=["hello"], purge=True, call_timeout=600)

    def test_apt_update_honours_cache_age(self) -> None:
        self.assertTrue(self.agent.tool("Apt", "update", call_timeout=600)["changed"])
        self.assertFalse(self.agent.tool("Apt", "update", cache_valid_time=3600)["changed"])

    def test_apt_repository_deb822_with_signed_by(self) -> None:
        key = armored_debian_key()
        args = dict(name="hostdeck-updates", uris=["http://deb.debian.org/debian"],
                    suites=["bookworm-updates"], components=["main"], key=key)
        sources = "/etc/apt/sources.list.d/hostdeck-updates.sources"

        def state():
            return (self.read(sources), self.read("/etc/apt/keyrings/hostdeck-updates.asc"))

        r = self.assertIdempotent(self.agent, "AptRepository", "present", state, **args)
        self.assertIn("+Signed-By: /etc/apt/keyrings/hostdeck-updates.asc", r["diff"])
        self.assertIn("Suites: bookworm-updates\n", self.read(sources))
        self.assertEqual(stat.S_IMODE(os.stat(self.host.path(sources)).st_mode), 0o644)
        # apt itself must accept the file and verify the suite with the key.
        self.agent.tool("Apt", "update", call_timeout=600)
        lists = os.listdir(self.host.path("/var/lib/apt/lists"))
        self.assertTrue(any("bookworm-updates_InRelease" in n for n in lists), lists)
        self.assertIn("bookworm-updates", self.inside("apt-cache", "policy"))
        self.assertIdempotent(self.agent, "AptRepository", "absent", state, name="hostdeck-updates")
        self.assertEqual(state(), (None, None))

    def test_user_and_group_lifecycle(self) -> None:
        def state():
            return (self.inside("getent", "passwd", "deploy"), self.inside("getent", "group", "ops"),
                    self.inside("id", "deploy"))

        self.assertIdempotent(self.agent, "User", "group_present", state, name="ops", gid=2345)
        self.assertEqual(self.inside("getent", "group", "ops").strip(), "ops:x:2345:")
        args = dict(name="deploy", uid=2001, comment="Deploy User", shell="/bin/bash", groups=["ops"])
        self.assertIdempotent(self.agent, "User", "present", state, **args)
        self.assertEqual(self.inside("getent", "passwd", "deploy").strip(),
                         "deploy:x:2001:2001:Deploy User:/home/deploy:/bin/bash")
        self.assertTrue(os.path.isdir(self.host.path("/home/deploy")))
        self.assertIn("2345(ops)", self.inside("id", "deploy"))
        # User.info against getent and id inside the chroot.
        info = self.agent.tool("User", "info", name="deploy")
        passwd = self.inside("getent", "passwd", "deploy").strip().split(":")
        self.assertEqual((info["name"], info["uid"], info["gid"], info["comment"], info["home"],
                          info["shell"]),
                         (passwd[0], int(passwd[2]), int(passwd[3]), passwd[4], passwd[5], passwd[6]))
        self.assertEqual(info["group"], self.inside("id", "-gn", "deploy").strip())
        self.assertEqual(sorted(info["groups"]),
                         sorted(set(self.inside("id", "-Gn", "deploy").split()) - {info["group"]}))
        self.assertIsNone(self.agent.tool("User", "info", name="hostdeck-nobody-here"))
        drift = self.agent.tool("User", "present", check_mode=True, name="deploy", shell="/bin/sh",
                                groups=["users"], append=True)
        self.assertEqual(drift["drift"], {"shell": {"from": "/bin/bash", "to": "/bin/sh"},
                                          "groups": {"from": ["ops"], "to": ["ops", "users"]}})
        self.assertIn("/bin/bash", self.inside("getent", "passwd", "deploy"))
        self.agent.tool("User", "present", name="deploy", shell="/bin/sh", groups=["users"], append=True)
        self.assertIn("(ops)", self.inside("id", "deploy"))
        self.assertIn("(users)", self.inside("id", "deploy"))
        exact = self.agent.tool("User", "present", name="deploy", groups=["users"])
        self.assertEqual(exact["drift"]["groups"], {"from": ["ops", "users"], "to": ["users"]})
        self.assertNotIn("(ops)", self.inside("id", "deploy"))
        with self.assertRaises(AgentError) as caught:
            self.agent.tool("User", "present", name="deploy", groups=["no-such-group"])
        self.assertIn("no-such-group", caught.exception.message)
        self.assertIdempotent(self.agent, "User", "absent", state, name="deploy", remove_home=True)
        self.assertEqual(self.inside("getent", "passwd", "deploy"), "")
        self.assertIdempotent(self.agent, "User", "group_absent", state, name="ops")

    def test_authorized_key(self) -> None:
        self.agent.tool("User", "present", name="keyed", shell="/bin/sh")
        path = "/home/keyed/.ssh/authorized_keys"
        key1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey1Key1Key1Key1Key1Key1Key1Key1Key1Key1 one@x"
        key2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey2Key2Key2Key2Key2Key2Key2Key2Key2Key2 two@x"

        def state():
            return self.read(path)

        self.assertIdempotent(self.agent, "User", "authorized_key", state, user="keyed", key=key1)
        st = os.stat(self.host.path(path))
        uid = int(self.inside("id", "-u", "keyed"))
        self.assertEqual((stat.S_IMODE(st.st_mode), st.st_uid), (0o600, uid))
        ssh_dir = os.stat(self.host.path("/home/keyed/.ssh"))
        self.assertEqual((stat.S_IMODE(ssh_dir.st_mode), ssh_dir.st_uid), (0o700, uid))
        # A last line without newline must not get the new key glued onto it.
        with open(self.host.path(path), "w") as f:
            f.write(key1)
        self.agent.tool("User", "authorized_key", user="keyed", key=key2)
        self.assertEqual(self.read(path), key1 + "\n" + key2 + "\n")
        self.assertIdempotent(self.agent, "User", "authorized_key", state, user="keyed", key=key2,
                              exclusive=True)
        self.assertEqual(self.read(path), key2 + "\n")
        self.assertIdempotent(self.agent, "User", "authorized_key", state, user="keyed", key=key2,
                              state="absent")
        self.assertEqual(self.read(path), "")

    def test_sudoer_is_validated_with_visudo(self) -> None:
        path = "/etc/sudoers.d/hostdeck-ops"

        def state():
            return self.read(path)

        r = self.assertIdempotent(self.agent, "User", "sudoer", state, name="hostdeck-ops",
                                  user="%sudo", nopasswd=True, commands="/usr/bin/apt-get")
        self.assertEqual(self.read(path), "%sudo ALL=(ALL:ALL) NOPASSWD: /usr/bin/apt-get\n")
        self.assertIn("+%sudo ALL", r["diff"])
        st = os.stat(self.host.path(path))
        self.assertEqual((stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid), (0o440, 0, 0))
        self.assertEqual(self.host.run("visudo", "-c").returncode, 0)
        with self.assertRaises(AgentError) as caught:
            self.agent.tool("User", "sudoer", name="hostdeck-ops", content="this is not sudoers\n")
        self.assertIn("visudo", caught.exception.message)
        self.assertEqual(self.read(path), "%sudo ALL=(ALL:ALL) NOPASSWD: /usr/bin/apt-get\n")
        leftovers = [n for n in os.listdir(self.host.path("/etc/sudoers.d")) if n.startswith(".")]
        self.assertEqual(leftovers, [])
        with self.assertRaises(AgentError):
            self.agent.tool("User", "sudoer", name="bad.name", user="root")
        self.assertIdempotent(self.agent, "User", "sudoer", state, name="hostdeck-ops", state="absent")

    def test_service_enable_disable_mask_offline(self) -> None:
        unit = "/usr/lib/systemd/system/hostdeck-test.service"
        with open(self.host.path(unit), "w") as f:
            f.write(UNIT)
        wants = "/etc/systemd/system/multi-user.target.wants/hostdeck-test.service"

        def state():
            return (os.path.islink(self.host.path(wants)),
                    os.path.islink(self.host.path("/etc/systemd/system/hostdeck-test.service")),
                    self.inside("systemctl", "is-enabled", "hostdeck-test").strip())

        st = self.agent.tool("Service", "status", name="hostdeck-test")
        self.assertEqual((st["unit_file_state"], st["systemd_running"], st["started"]),
                         ("disabled", False, None))
        self.assertIdempotent(self.agent, "Service", "enable", state, name="hostdeck-test")
        self.assertEqual(state(), (True, False, "enabled"))
        self.assertIdempotent(self.agent, "Service", "disable", state, name="hostdeck-test")
        self.assertEqual(state(), (False, False, "disabled"))
        self.assertIdempotent(self.agent, "Service", "mask", state, name="hostdeck-test")
        self.assertEqual(state(), (False, True, "masked"))
        self.assertEqual(os.readlink(self.host.path("/etc/systemd/system/hostdeck-test.service")),
                         "/dev/null")
        self.assertIdempotent(self.agent, "Service", "unmask", state, name="hostdeck-test")
        self.assertIdempotent(self.agent, "Service", "converge", state, name="hostdeck-test",
                              enabled=True)
        self.assertEqual(state()[2], "enabled")
        with self.assertRaises(AgentError) as caught:
            self.agent.tool("Service", "start", name="hostdeck-test")
        self.assertIn("systemd is not running", caught.exception.message)
        with self.assertRaises(AgentError) as caught:
            self.agent.tool("Service", "converge", name="hostdeck-test", started=True)
        self.assertIn("systemd is not running", caught.exception.message)

    def test_filesystem_owner_names_resolve_inside_the_chroot(self) -> None:
        path = "/etc/hostdeck-test.conf"

        def state():
            return self.read(path)

        # _apt exists in the chroot's /etc/passwd, not necessarily with the same uid outside.
        self.assertIdempotent(self.agent, "FileSystem", "write", state, path=path,
                              content="x=1\n", owner="_apt", mode="0640")
        want_uid = int(self.inside("id", "-u", "_apt"))
        self.assertEqual(os.stat(self.host.path(path)).st_uid, want_uid)
        self.assertIdempotent(self.agent, "FileSystem", "line_in_file", state, path=path,
                              line="x=2", regexp="^x=")
        self.assertEqual(self.read(path), "x=2\n")
        self.assertEqual(os.stat(self.host.path(path)).st_uid, want_uid)

    def test_template_deploy(self) -> None:
        path = "/etc/motd.d-hostdeck"
        template = "Welcome to ${host}\n% for p in ports:\nport ${p}\n% endfor\n"

        def state():
            return self.read(path)

        r = self.assertIdempotent(self.agent, "Template", "deploy", state, template=template,
                                  dest=path, vars={"host": "web1", "ports": [80, 443]}, mode="0600")
        self.assertEqual(self.read(path), "Welcome to web1\nport 80\nport 443\n")
        self.assertEqual(stat.S_IMODE(os.stat(self.host.path(path)).st_mode), 0o600)
        self.assertIn("+port 443", r["diff"])
        changed = self.agent.tool("Template", "deploy", template=template, dest=path,
                                  vars={"host": "web2", "ports": [80]}, backup=True)
        self.assertEqual(harness.apply_patch("Welcome to web1\nport 80\nport 443\n", changed["diff"]),
                         "Welcome to web2\nport 80\n")
        self.assertEqual(self.read(changed["backup"]), "Welcome to web1\nport 80\nport 443\n")
        self.assertEqual(stat.S_IMODE(os.stat(self.host.path(path)).st_mode), 0o600)


if __name__ == "__main__":
    unittest.main(verbosity=2)

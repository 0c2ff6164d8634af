"""Service against a running systemd: the Debian test tree booted with systemd-nspawn (overlay).

The agent runs inside the container (`nsenter -t PID -a python3`). A real unit records what
systemd did to it in a file (start with its PID, reload, stop); the test reads that file, the
unit's state and its properties from outside the agent, around every call: check mode first
(nothing may happen, the result predicts the state), then for real (the prediction must come
true), then again (no change, except for restart and reload, which are actions).
"""
import sys
import time
import unittest

import harness
from agent_client import AgentError

UNIT_PATH = "/usr/lib/systemd/system/hostdeck-svc.service"
EVENTS = "/var/lib/hostdeck-svc/events"
UNIT = """[Unit]
Description={description}

[Service]
StateDirectory=hostdeck-svc
ExecStart=/bin/sh -c 'echo "start $$$$" >> {events}; exec sleep infinity'
ExecReload=/bin/sh -c 'echo reload >> {events}'
ExecStopPost=/bin/sh -c 'echo stop >> {events}'

[Install]
WantedBy=multi-user.target
"""


class ServiceSystemdTest(unittest.TestCase):
    host: harness.ContainerHost

    @classmethod
    def setUpClass(cls) -> None:
        started = time.monotonic()
        cls.host = harness.ContainerHost("hostdeck-svc")
        cls.agent = cls.host.agent
        print("\ncontainer: boot %.1f s" % cls.host.boot_seconds, file=sys.stderr)
        cls.started = started

    @classmethod
    def tearDownClass(cls) -> None:
        cls.host.close()
        print("container test class took %.1f s" % (time.monotonic() - cls.started), file=sys.stderr)

    def setUp(self) -> None:
        self.write_unit("Hostdeck test service")
        self.host.run("systemctl", "daemon-reload")
        self.host.run("systemctl", "stop", "hostdeck-svc")
        self.host.run("systemctl", "disable", "hostdeck-svc")
        self.host.run("rm", "-f", EVENTS)

    def write_unit(self, description: str) -> None:
        with open(self.host.path(UNIT_PATH), "w") as f:
            f.write(UNIT.format(description=description, events=EVENTS))

    def events(self) -> list:
        try:
            with open(self.host.path(EVENTS)) as f:
                return f.read().split("\n")[:-1]
        except FileNotFoundError:
            return []

    def state(self):
        """What systemd says, read without the agent."""
        active = self.host.run("systemctl", "is-active", "hostdeck-svc").stdout.strip()
        enabled = self.host.run("systemctl", "is-enabled", "hostdeck-svc").stdout.strip()
        return {"active": active, "enabled": enabled in ("enabled", "static"),
                "masked": enabled == "masked"}

    def observed(self):
        return (self.state(), self.events())

    def call(self, method: str, check: bool = False, **args):
        return self.agent.tool("Service", method, check_mode=check, call_timeout=120, **args)

    def check_then_real(self, method: str, **args):
        """Check mode changes nothing and predicts; the real run makes the prediction true."""
        before = self.observed()
        dry = self.call(method, check=True, **args)
        self.assertTrue(dry["changed"], dry)
        self.assertEqual(self.observed(), before, "check mode of %s acted" % method)
        self.assertEqual(dry["before"], before[0])
        real = self.call(method, **args)
        self.assertTrue(real["changed"], real)
        self.assertEqual(real["before"], before[0])
        self.assertEqual(real["after"], self.state(), "%s: after is not what systemd says" % method)
        self.assertEqual(dry["after"], real["after"], "%s: check mode predicted otherwise" % method)
        status = ("active", "started", "enabled", "masked")
        self.assertEqual({k: dry[k] for k in status}, {k: real[k] for k in status})
        self.assertTrue(dry["check"])
        return dry, real

    def test_start_stop_restart_reload(self) -> None:
        self.assertEqual(self.state(), {"active": "inactive", "enabled": False, "masked": False})
        self.check_then_real("start", name="hostdeck-svc")
        self.assertEqual(len(self.events()), 1)
        self.assertRegex(self.events()[0], r"^start \d+$")
        main_pid = self.host.run("systemctl", "show", "-p", "MainPID", "--value",
                                 "hostdeck-svc").stdout.strip()
        self.assertEqual(self.events()[0], "start " + main_pid)
        again = self.call("start", name="hostdeck-svc")
        self.assertFalse(again["changed"], again)
        self.assertEqual(again["before"], again["after"])
        self.assertEqual(len(self.events()), 1)

        # reload and restart are actions: every real run acts (and says so), check mode never.
        for n in (1, 2):
            dry = self.call("reload", check=True, name="hostdeck-svc")
            self.assertTrue(dry["changed"])
            self.assertEqual(self.events().count("reload"), n - 1)
            self.assertTrue(self.call("reload", name="hostdeck-svc")["changed"])
            self.assertEqual(self.events().count("reload"), n)
        pids = set()
        for n in (1, 2):
            self.check_then_real("restart", name="hostdeck-svc")
            starts = [e for e in self.events() if e.startswith("start ")]
            self.assertEqual(len(starts), n + 1)
            pids.add(starts[-1])
        self.assertEqual(len(pids | {self.events()[0]}), 3, "restart did not start new processes")

        self.check_then_real("stop", name="hostdeck-svc")
        self.assertEqual(self.events()[-1], "stop")
        count = len(self.events())
        self.assertFalse(self.call("stop", name="hostdeck-svc")["changed"])
        self.assertFalse(self.call("stop", check=True, name="hostdeck-svc")["changed"])
        self.assertEqual(len(self.events()), count)

        # A stopped unit cannot be reloaded: check mode says so as the real call does.
        for check in (True, False):
            with self.assertRaises(AgentError) as caught:
                self.call("reload", check=check, name="hostdeck-svc")
            self.assertIn("not running", caught.exception.message)
        self.assertEqual(len(self.events()), count)
        # restart of a stopped unit starts it.
        self.check_then_real("restart", name="hostdeck-svc")
        self.assertEqual(self.state()["active"], "active")

    def test_enable_disable_mask_unmask_with_systemd_running(self) -> None:
        dry, real = self.check_then_real("enable", name="hostdeck-svc")
        self.assertEqual((dry["before"]["enabled"], dry["after"]["enabled"]), (False, True))
        self.assertFalse(self.call("enable", name="hostdeck-svc")["changed"])
        self.assertEqual(self.state()["active"], "inactive", "enable must not start the unit")
        self.check_then_real("disable", name="hostdeck-svc")
        self.assertFalse(self.call("disable", name="hostdeck-svc")["changed"])
        self.check_then_real("mask", name="hostdeck-svc")
        self.assertFalse(self.call("mask", name="hostdeck-svc")["changed"])
        for check in (True, False):
            with self.assertRaises(AgentError) as caught:
                self.call("start", check=check, name="hostdeck-svc")
            self.assertIn("masked", caught.exception.message)
        self.assertEqual(self.events(), [])
        self.check_then_real("unmask", name="hostdeck-svc")
        self.assertFalse(self.call("unmask", name="hostdeck-svc")["changed"])
        self.assertEqual(self.state(), {"active": "inactive", "enabled": False, "masked": False})
        # systemctl cannot mask a unit whose own file is in /etc/systemd/system.
        with open(self.host.path("/etc/systemd/system/hostdeck-etc.service"), "w") as f:
            f.write(UNIT.format(description="in /etc", events="/dev/null"))
        for check in (True, False):
            with self.assertRaises(AgentError) as caught:
                self.call("mask", check=check, name="hostdeck-etc")
            self.assertIn("unit's own file", caught.exception.message)
        self.assertEqual(self.host.run("systemctl", "is-enabled", "hostdeck-etc").stdout.strip(),
                         "disabled")

    def test_converge_started_and_enabled(self) -> None:
        dry, real = self.check_then_real("converge", name="hostdeck-svc", started=True, enabled=True)
        self.assertEqual(dry["actions"], ["enable", "start"])
        self.assertEqual(real["after"], {"active": "active", "enabled": True, "masked": False})
        again = self.call("converge", name="hostdeck-svc", started=True, enabled=True)
        self.assertEqual((again["changed"], again["actions"]), (False, []))
        self.check_then_real("converge", name="hostdeck-svc", started=False)
        self.assertEqual(self.state(), {"active": "inactive", "enabled": True, "masked": False})

    def test_daemon_reload_only_when_unit_files_changed(self) -> None:
        def description():
            return self.host.run("systemctl", "show", "-p", "Description", "--value",
                                 "hostdeck-svc").stdout.strip()

        # Only loaded units can be stale: systemd forgets a stopped, unreferenced unit and reads
        # its file afresh next time.
        self.call("start", name="hostdeck-svc")
        self.assertEqual(description(), "Hostdeck test service")
        self.assertFalse(self.call("daemon_reload")["changed"])
        self.write_unit("Hostdeck test service, edited")
        dry = self.call("daemon_reload", check=True)
        self.assertEqual((dry["changed"], dry["units"]), (True, ["hostdeck-svc.service"]))
        self.assertEqual(description(), "Hostdeck test service", "check mode reloaded systemd")
        real = self.call("daemon_reload")
        self.assertEqual((real["changed"], real["units"]), (True, ["hostdeck-svc.service"]))
        self.assertEqual(description(), "Hostdeck test service, edited")
        self.assertEqual(self.call("daemon_reload"), {"changed": False, "units": []})
        self.assertTrue(self.call("daemon_reload", force=True)["changed"])

    def test_status_and_missing_units(self) -> None:
        st = self.call("status", name="hostdeck-svc")
        self.assertEqual((st["systemd_running"], st["active"], st["unit_file_state"], st["exists"]),
                         (True, "inactive", "disabled", True))
        self.assertIn("hostdeck-svc.service",
                      [u["name"] for u in self.call("list_units", pattern="hostdeck-*")])
        for method in ("start", "restart", "enable"):
            for check in (True, False):
                with self.assertRaises(AgentError) as caught:
                    self.call(method, check=check, name="hostdeck-no-such-unit")
                self.assertIn("no such unit", caught.exception.message)
        self.assertFalse(self.call("stop", name="hostdeck-no-such-unit")["changed"])


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""Check mode never changes anything, for every method the tool descriptions mark as changing.

The method list comes from the agent's describe output, not from this file: a new method is
swept as soon as it exists (and fails here until its parameters can be generated). The host is
the Debian test tree booted as a container with systemd under a throw-away overlay
(harness.ContainerHost), so services, users, apt and files are all real. For every described
method, in turn:

1. the tree is snapshotted (every path's type, mode, owner, size, mtime, ctime and inode: ctime
   moves on any write, chmod, chown or rename and cannot be set back), the method is called in
   check mode, and the tree must be exactly as before; a changing method must answer with a
   `changed` flag (or a clear error, the same one a real call gives);
2. the method is called for real on the same tree (which step 1 just proved untouched), and the
   tree is compared again: a method that changed the tree without being marked as changing, or
   without saying changed, is reported; check mode must have predicted `changed` the same way.

Excluded from the snapshot: /proc, /sys, /dev, /run, /tmp (kernel or tmpfs inside the container),
and VOLATILE, which the container's own services write on their own. Finally the cached tree
under the overlay must be untouched.
"""
import hashlib
import os
import sys
import time
import unittest

import harness
from agent_client import AgentError

EXCLUDED_TOPS = {"proc", "sys", "dev", "run", "tmp"}
# Written by the container's own services whatever the agent does: journald flushes what the
# units logged to its persistent journal when it pleases (seen during a check-mode call).
VOLATILE = ("var/log/journal",)
SWEEP = "/srv/sweep"
# Result fields that describe a change: what check mode says must be what the real call reports.
PLAN_KEYS = ("diff", "before", "after", "packages", "transaction", "created", "removed",
             "missing", "attributes", "drift", "actions", "units", "path", "target", "argv")
UNIT = """[Unit]
Description=Hostdeck sweep unit {name}
[Service]
ExecStart=/bin/sleep infinity
ExecReload=/bin/true
[Install]
WantedBy=multi-user.target
"""
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISweepSweepSweepSweepSweepSweepSweepSweep sweep@test"


def snapshot(root: str) -> dict:
    return harness.tree_snapshot(root, tuple(sorted(EXCLUDED_TOPS)) + VOLATILE)


changed_paths = harness.changed_paths


class ArgumentRules:
    """Plausible arguments for a described method, from the tool, the method and each parameter's
    name and type; a required parameter without a rule is an error naming it."""

    UNIT_FOR = {"start": "hostdeck-off", "enable": "hostdeck-off", "mask": "hostdeck-off",
                "unmask": "hostdeck-masked"}

    def __init__(self) -> None:
        self.missing = []

    def fixture(self, tool: str, method: str) -> str:
        return "%s/%s.%s" % (SWEEP, tool, method)

    def value(self, tool: str, method: str, p: dict):
        name, kind = p["name"], p["type"] or ""
        fixture = self.fixture(tool, method)
        by_tool = {
            "Service": {"name": self.UNIT_FOR.get(method, "hostdeck-on"), "started": True,
                        "enabled": True},
            "User": {"name": {"present": "sweepnew", "absent": "sweepold", "info": "sweepold",
                              "group_present": "sweepgrp", "group_absent": "sweepoldgrp",
                              "sudoer": "sweep"}.get(method, "sweepold"),
                     "user": "sweepnew" if method == "authorized_key" else "root", "key": KEY,
                     "content": None},
            "AptRepository": {"name": "sweep", "uris": ["http://deb.debian.org/debian"],
                              "suites": ["bookworm-updates"], "components": ["main"]},
            "PacmanRepository": {"name": "sweep", "servers": ["file:///srv/none"]},
            "Apt": {"packages": ["hello"], "cache_valid_time": 10 ** 9},
            "Dnf": {"packages": ["hello"]}, "Pacman": {"packages": ["hello"]},
            "Exec": {"argv": ["touch", fixture + ".ran"], "script": "touch %s.ran" % fixture,
                     "program": "sh"},
            "Logger": {"level": "debug", "message": "sweep"},
            "Quit": {"code": 3},
            "Template": {"template": "value=${v}\n", "vars": {"v": 42}, "dest": fixture},
        }.get(tool, {})
        if name in by_tool:
            return by_tool[name]
        sync = {"root": SWEEP + "/syncroot", "paths": ["a"],
                "dirs": ["new/x", {"path": "b", "mode": "0700"}],
                "items": [{"path": "b/c", "mode": "0600", "mtime_ns": 10 ** 18}],
                "files": [{"path": "put.txt", "data": b"abc", "mode": "0640"},
                          {"path": "put-link", "target": "put.txt"}]}
        if tool == "FileSystem" and method.startswith("sync_") and name in sync:
            return sync[name]
        generic = {
            "path": fixture if method not in ("mkdir",) else fixture + ".d",
            "dest": fixture + ".new", "link": fixture + ".link", "target": "somewhere",
            "content": "written by the sweep\n", "data": b"abc", "line": "sweep=1",
            "regexp": "^line1$", "replacement": "line1 changed", "block": "sweep block\n",
            "mode": "0600", "size": 3, "sha256": hashlib.sha256(b"abc").hexdigest(),
            "token": "0" * 32, "offset": 0, "pattern": "*", "template": "${1 + 1}",
            "owner": "sweepold",
        }
        if name in generic:
            return generic[name]
        if not p["required"]:
            return p.get("default")
        if kind in ("bool", "Optional[bool]"):
            return True
        if kind in ("int", "Optional[int]"):
            return 1
        self.missing.append("%s.%s(%s: %s)" % (tool, method, name, kind))
        return None

    def args(self, tool: str, method: str, params: list) -> dict:
        out = {}
        for p in params:
            value = self.value(tool, method, p)
            if p["required"] or value != p.get("default"):
                out[p["name"]] = value
        return out


class CheckSweepTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls) -> None:
        cls.started = time.monotonic()
        cls.pristine = harness.tree_snapshot(harness.ensure_debian_chroot())
        cls.host = harness.ContainerHost("hostdeck-sweep")
        try:
            cls.prepare()
            print("\ncontainer: boot %.1f s, ready after %.1f s" % (
                cls.host.boot_seconds, time.monotonic() - cls.started),
                file=sys.stderr)
        except BaseException:
            cls.host.close()
            raise

    @classmethod
    def tearDownClass(cls) -> None:
        cls.host.close()
        print("sweep class took %.1f s" % (time.monotonic() - cls.started), file=sys.stderr)

    @classmethod
    def prepare(cls) -> None:
        """What the generated arguments act on: files, units in three states, users."""
        host = cls.host
        os.makedirs(host.path(SWEEP + "/syncroot/b"))
        for rel in ("syncroot/a", "syncroot/b/c"):
            with open(host.path(SWEEP + "/" + rel), "w") as f:
                f.write("sync fixture\n")
        tools = host.agent.tool("_agent", "describe", modules=harness.TOOL_MODULES)
        for tool in tools:
            for m in tool["methods"]:
                with open(host.path("%s/%s.%s" % (SWEEP, tool["tool"], m["name"])), "w") as f:
                    f.write("line1\nline2\n")
        for name in ("hostdeck-on", "hostdeck-off", "hostdeck-masked"):
            with open(host.path("/usr/lib/systemd/system/%s.service" % name), "w") as f:
                f.write(UNIT.format(name=name))
        for argv in (["systemctl", "daemon-reload"], ["systemctl", "enable", "--now", "hostdeck-on"],
                     ["systemctl", "mask", "hostdeck-masked"], ["useradd", "-m", "sweepold"],
                     ["groupadd", "sweepoldgrp"]):
            done = host.run(*argv)
            if done.returncode != 0:
                raise RuntimeError("%s: %s" % (argv, done.stderr))
        time.sleep(1)  # let systemd settle the unit states before the first snapshot

    def call(self, tool: str, method: str, check: bool, args: dict):
        try:
            return self.host.agent.tool(tool, method, check_mode=check, call_timeout=600, **args), None
        except AgentError as err:
            return None, err.message

    def test_every_method_in_check_mode_then_for_real(self) -> None:
        host = self.host
        tools = host.agent.tool("_agent", "describe", modules=harness.TOOL_MODULES)
        rules = ArgumentRules()
        plan = []
        for tool in sorted(tools, key=lambda t: t["tool"]):
            for m in tool["methods"]:
                plan.append((tool["tool"], m, rules.args(tool["tool"], m["name"], m["params"])))
        self.assertEqual(rules.missing, [], "no argument rule for these required parameters")
        changing = [(t, m["name"]) for t, m, _ in plan if m["changes"]]
        self.assertGreater(len(changing), 40)
        # Quit.exit ends the agent: sweep it last.
        plan.sort(key=lambda item: item[0] == "Quit")

        sweep_started = time.monotonic()
        # The snapshot sees a change made behind the agent's back (the check can fail).
        before = snapshot(host.root)
        self.assertGreater(len(before), 5000)
        self.assertEqual(host.run("touch", SWEEP + "/syncroot/a").returncode, 0)
        self.assertEqual(changed_paths(before, snapshot(host.root)), [b"srv/sweep/syncroot/a"])

        problems, report = [], []
        after_real = snapshot(host.root)
        for tool, m, args in plan:
            where = "%s.%s" % (tool, m["name"])
            started = time.monotonic()
            before = after_real
            dry, dry_error = self.call(tool, m["name"], True, args)
            # A reading method is snapshotted once after both calls: a change by either shows.
            after_dry = snapshot(host.root) if m["changes"] else before
            touched = changed_paths(before, after_dry)
            if touched:
                problems.append("%s in check mode changed %s" % (where, touched[:10]))
            if m["changes"] and dry is not None and not isinstance(dry.get("changed"), bool):
                problems.append("%s in check mode does not say whether it would change: %r"
                                % (where, dry))
            real, real_error = self.call(tool, m["name"], False, args)
            if tool == "Quit" and real_error is None:
                host.agent.proc.wait(10)
                host.agent.close()
                host.agent = harness.start_agent(host.enter(), harness.CONTAINER_ENV)
            after_real = snapshot(host.root)
            moved = changed_paths(after_dry, after_real)
            if moved and not m["changes"]:
                problems.append("%s is not marked as changing but changed %s (in check mode or "
                                "for real)" % (where, moved[:10]))
            if moved and real is not None and real.get("changed") is False:
                problems.append("%s said changed=false but changed %s" % (where, moved[:10]))
            if m["changes"] and dry is not None and real is not None and \
                    dry.get("changed") != real.get("changed"):
                problems.append("%s: check mode said changed=%r, the real call %r" % (
                    where, dry.get("changed"), real.get("changed")))
            if m["changes"] and isinstance(dry, dict) and isinstance(real, dict):
                for key in PLAN_KEYS:
                    if key in dry and key in real and dry[key] != real[key]:
                        problems.append("%s: check mode said %s=%r, the real call %r" % (
                            where, key, dry[key], real[key]))
            if (dry_error is None) != (real_error is None):
                problems.append("%s: check mode %s, the real call %s" % (
                    where, "failed: " + dry_error if dry_error else "succeeded",
                    "failed: " + real_error if real_error else "succeeded"))
            report.append("%-34s %-8s check:%-26s real:%-26s tree:%4d paths  %.2f s" % (
                where, "changes" if m["changes"] else "reads",
                self.outcome(dry, dry_error), self.outcome(real, real_error), len(moved),
                time.monotonic() - started))
        print("\n" + "\n".join(report), file=sys.stderr)
        print("sweep of %d methods (%d changing) took %.1f s" % (
            len(plan), len(changing), time.monotonic() - sweep_started), file=sys.stderr)
        self.assertEqual(problems, [])
        # The container wrote into its overlay only: the cached tree under it is untouched.
        self.assertEqual(changed_paths(self.pristine, harness.tree_snapshot(host.pristine)), [])

    @staticmethod
    def outcome(result, error) -> str:
        if error is not None:
            return "error " + error.split(":")[0][:20]
        if isinstance(result, dict) and "changed" in result:
            return "changed=%s" % result["changed"]
        return "ok"


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""Facts, Logger, Quit, tool descriptions and the oldest Python, through the real agent."""
import ast
import glob
import os
import platform
import shutil
import socket
import stat
import subprocess
import tempfile
import time
import unittest

import harness
from agent_client import AgentError

PY38_CANDIDATES = [os.environ.get("HOSTDECK_PY38", ""), "/usr/bin/python3.8",
                   os.path.expanduser("~/.pyenv/versions/3.8.18/bin/python3.8")]


# Agent-side pieces of the controller's sync command (internal as well).
SYNC_PRIMITIVES = ["sync_attrs", "sync_delete", "sync_manifest", "sync_mkdir", "sync_put"]


class MiscTest(harness.LocalAgentTestCase):

    def test_facts_match_the_host(self) -> None:
        facts = self.agent.tool("Facts", "all")
        release = {}
        with open("/etc/os-release") as f:
            for line in f:
                key, _, value = line.strip().partition("=")
                release[key] = value.strip('"')
        self.assertEqual(facts["os"]["id"], release["ID"])
        self.assertEqual(facts["os"]["version"], release.get("VERSION_ID", ""))
        self.assertEqual(facts["kernel"]["release"], platform.release())
        self.assertEqual(facts["arch"], platform.machine())
        self.assertEqual(facts["hostname"], socket.gethostname().split(".")[0])
        self.assertEqual(facts["cpus"]["count"], os.cpu_count())
        with open("/proc/meminfo") as f:
            total_kb = int(f.readline().split()[1])
        self.assertEqual(facts["memory"]["total"], total_kb * 1024)
        self.assertRegex(facts["python"]["version"], r"^3\.\d+\.\d+$")
        self.assertEqual(facts["package_manager"], "apt")
        self.assertGreater(facts["uptime"], 0)
        addresses = {(a["interface"], a["address"]) for a in facts["addresses"]}
        self.assertIn(("lo", "127.0.0.1"), addresses)

    def test_disks_match_findmnt(self) -> None:
        # util-linux's findmnt, not /proc/mounts parsing: every mounted block device, its file
        # system and size (statvfs blocks), with the first mount of a mount point winning.
        listed = subprocess.run(["findmnt", "-rn", "-b", "-o", "SOURCE,TARGET,FSTYPE,SIZE"],
                                capture_output=True, text=True, check=True).stdout
        expected = {}
        for line in listed.splitlines():
            source, target, fstype, size = [f.replace("\\x20", " ") for f in line.split()]
            try:
                block = stat.S_ISBLK(os.stat(source).st_mode)
            except OSError:
                block = False
            if block and target not in expected:
                expected[target] = (source, fstype, int(size))
        if not expected:
            self.skipTest("no block device is mounted here")
        disks = self.agent.tool("Facts", "disks")
        self.assertEqual({d["mount"]: (d["device"], d["fstype"], d["size"]) for d in disks}, expected)
        for d in disks:
            self.assertLessEqual(d["free"], d["size"], d)

    def test_init_system_is_pid_1(self) -> None:
        # In a PID namespace of its own the agent knows what PID 1 is: a shell here, and systemd
        # once /run/systemd/system exists (how sd_booted() tells, in a private /run).
        for setup, expected in (("", "sh"), ("mount -t tmpfs none /run && mkdir -p /run/systemd/system && ",
                                             "systemd")):
            with self.subTest(expected=expected):
                prefix = ["unshare", "--pid", "--fork", "--mount", "--mount-proc", "sh", "-c",
                          setup + '"$@"; exit $?', "init"]
                agent = harness.start_agent(prefix, dict(os.environ, LANG="C.UTF-8"))
                try:
                    self.assertEqual(agent.tool("Facts", "init_system"), expected)
                finally:
                    agent.close()

    def test_logger_forwards_records(self) -> None:
        self.agent.tool("Logger", "log", message="below the level", level="debug")
        self.agent.tool("Logger", "log", message="hostdeck marker 42", level="warning")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any("marker 42" in r["message"] for r in self.agent.logs):
            time.sleep(0.05)
        record = [r for r in self.agent.logs if "marker 42" in r["message"]]
        self.assertEqual(len(record), 1)
        self.assertEqual((record[0]["level"], record[0]["logger"]), (30, "hostdeck.remote"))
        self.assertFalse(any("below the level" in r["message"] for r in self.agent.logs))
        dry = self.agent.tool("Logger", "set_level", check_mode=True, level="error",
                              logger="hostdeck.remote")
        self.assertEqual((dry["level"], dry["changed"], dry["check"]), (40, True, True))
        self.assertTrue(self.agent.tool("Logger", "log", message="kept", level="warning")["logged"])
        r = self.agent.tool("Logger", "set_level", level="error", logger="hostdeck.remote")
        self.assertEqual((r["level"], r["before"], r["changed"]), (40, dry["before"], True))
        self.assertFalse(self.agent.tool("Logger", "set_level", level="error",
                                         logger="hostdeck.remote")["changed"])
        self.assertFalse(self.agent.tool("Logger", "log", message="dropped", level="warning")["logged"])
        with self.assertRaises(AgentError):
            self.agent.tool("Logger", "set_level", level="loud")
        self.agent.tool("Logger", "set_level", level="0", logger="hostdeck.remote")

    def test_quit_ends_the_agent_with_the_code(self) -> None:
        agent = harness.start_agent()
        try:
            dry = agent.tool("Quit", "exit", check_mode=True, code=7)
            self.assertEqual((dry["exiting"], dry["changed"]), (False, True))
            self.assertEqual(agent.tool("_agent", "echo", value="still here"), "still here")
            self.assertIsNone(agent.proc.poll())
            self.assertEqual(agent.tool("Quit", "exit", code=7),
                             {"exiting": True, "code": 7, "changed": True})
            self.assertEqual(agent.proc.wait(10), 7)
        finally:
            agent.close()

    def test_every_tool_is_described_with_types_and_docs(self) -> None:
        tools = self.agent.tool("_agent", "describe", modules=harness.TOOL_MODULES)
        names = {t["tool"] for t in tools}
        for wanted in ("Exec", "FileSystem", "Service", "User", "Apt", "AptRepository", "Pacman",
                       "PacmanRepository", "Dnf", "Facts", "Logger", "Quit", "Template"):
            self.assertIn(wanted, names)
        for tool in tools:
            self.assertTrue(tool["doc"], tool["tool"])
            self.assertTrue(tool["methods"], tool["tool"])
            for m in tool["methods"]:
                where = "%s.%s" % (tool["tool"], m["name"])
                self.assertTrue(m["doc"], where + " has no docstring")
                self.assertTrue(m["returns"], where + " has no return annotation")
                for p in m["params"]:
                    self.assertTrue(p["type"], "%s(%s) is not annotated" % (where, p["name"]))
        by_name = {(t["tool"], m["name"]): m for t in tools for m in t["methods"]}
        for key in [("FileSystem", "write"), ("FileSystem", "line_in_file"), ("Exec", "run"),
                    ("Apt", "install"), ("User", "present"), ("Service", "enable"),
                    ("Template", "deploy"), ("Pacman", "remove")]:
            self.assertTrue(by_name[key]["changes"], key)
        for key in [("FileSystem", "read_text"), ("Facts", "all"), ("Service", "status")]:
            self.assertFalse(by_name[key]["changes"], key)
        self.assertTrue(by_name[("FileSystem", "upload_chunk")]["inline"])
        # Protocol pieces the transfer engine calls are internal; palettes and users skip them.
        internal = sorted("%s.%s" % key for key, m in by_name.items() if m["internal"])
        self.assertEqual(internal, sorted(["FileSystem.download", "FileSystem.upload_abort",
                                           "FileSystem.upload_begin", "FileSystem.upload_chunk",
                                           "FileSystem.upload_end"] +
                                          ["FileSystem." + n for n in SYNC_PRIMITIVES]))
        for key in [("Logger", "set_level"), ("Quit", "exit")]:
            self.assertTrue(by_name[key]["changes"], key)
        write = {p["name"]: p for p in by_name[("FileSystem", "write")]["params"]}
        self.assertEqual(write["path"], {"name": "path", "type": "Path", "required": True})
        self.assertEqual(write["mode"]["default"], None)

    def test_sources_parse_as_python_38(self) -> None:
        for path in glob.glob(os.path.join(harness.TOOLS_DIR, "*.py")):
            with open(path) as f:
                ast.parse(f.read(), path, feature_version=(3, 8))

    def test_tools_run_on_the_oldest_python(self) -> None:
        # 3.8 (the oldest the agent claims) where this machine has it, else the oldest python3 a
        # fresh Debian machine can get: bullseye's 3.9 from CTest's fixture (HOSTDECK_OLDEST_PYTHON).
        python = next((p for p in PY38_CANDIDATES if p and os.access(p, os.X_OK)), None)
        python = python or os.environ.get("HOSTDECK_OLDEST_PYTHON")
        if not python:
            self.skipTest("no Python 3.8 here and HOSTDECK_OLDEST_PYTHON is not set (run through ctest)")
        version = subprocess.run([python, "-c", "import platform;print(platform.python_version())"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        self.assertLess(tuple(int(x) for x in version.split(".")[:2]), (3, 10), version)
        old = os.environ.get("HOSTDECK_TEST_PYTHON")
        os.environ["HOSTDECK_TEST_PYTHON"] = python
        try:
            agent = harness.start_agent()
        finally:
            if old is None:
                os.environ.pop("HOSTDECK_TEST_PYTHON")
            else:
                os.environ["HOSTDECK_TEST_PYTHON"] = old
        tmp = tempfile.mkdtemp(prefix="hostdeck-oldpy-")
        try:
            self.assertEqual(agent.ready.split()[2], version)
            self.assertEqual(agent.tool("Facts", "python")["version"], version)
            target = os.path.join(tmp, "f")
            self.assertTrue(agent.tool("FileSystem", "write", path=target, content="a")["changed"])
            self.assertTrue(agent.tool("FileSystem", "line_in_file", path=target, line="b")["changed"])
            with open(target) as f:
                self.assertEqual(f.read(), "a\nb\n")
            self.assertEqual(agent.tool("Exec", "run", argv=["echo", "hi"])["stdout"], "hi\n")
            self.assertEqual(len(agent.tool("_agent", "describe", modules=harness.TOOL_MODULES)),
                             len(self.agent.tool("_agent", "describe", modules=harness.TOOL_MODULES)))
            self.assertEqual(agent.tool("Template", "render", template="${1+1}"), "2")
        finally:
            agent.close()
            shutil.rmtree(tmp)


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""Facts, Logger, Quit, tool descriptions and Python 3.8 compatibility, through the real agent."""
import ast
import glob
import os
import platform
import shutil
import socket
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
        self.assertTrue(any(d["mount"] == "/" for d in facts["disks"]) or facts["disks"] == [])
        self.assertRegex(facts["python"]["version"], r"^3\.\d+\.\d+$")
        self.assertEqual(facts["package_manager"], "apt")
        self.assertGreater(facts["uptime"], 0)
        addresses = {(a["interface"], a["address"]) for a in facts["addresses"]}
        self.assertIn(("lo", "127.0.0.1"), addresses)
        with open("/proc/1/comm") as f:
            init = "systemd" if os.path.isdir("/run/systemd/system") else f.read().strip()
        self.assertEqual(facts["init_system"], init)

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

    def test_tools_run_on_python_38(self) -> None:
        python = next((p for p in PY38_CANDIDATES if p and os.access(p, os.X_OK)), None)
        if python is None:
            self.skipTest("no Python 3.8 interpreter here (set HOSTDECK_PY38)")
        old = os.environ.get("HOSTDECK_TEST_PYTHON")
        os.environ["HOSTDECK_TEST_PYTHON"] = python
        try:
            agent = harness.start_agent()
        finally:
            if old is None:
                os.environ.pop("HOSTDECK_TEST_PYTHON")
            else:
                os.environ["HOSTDECK_TEST_PYTHON"] = old
        tmp = tempfile.mkdtemp(prefix="hostdeck-py38-")
        try:
            self.assertTrue(agent.ready.split()[2].startswith("3.8."), agent.ready)
            self.assertEqual(agent.tool("Facts", "python")["version"][:4], "3.8.")
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

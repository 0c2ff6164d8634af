"""The porting guide's snippets run as written: docs/PORTING.md's custom tool, its CLI lines and
its recipe, with the real hostdeck-cli on this machine (--local). A snippet that stops working
fails here, not in a reader's hands."""
import json
import os
import re
import shlex
import subprocess
import tempfile
import unittest

CLI = os.environ["HOSTDECK_CLI"]
SOURCE = os.environ["HOSTDECK_SOURCE_DIR"]


def blocks(path: str, language: str):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return re.findall(r"```%s\n(.*?)```" % language, text, flags=re.S)


class PortingGuideTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.doc = os.path.join(SOURCE, "docs", "PORTING.md")
        cls.tmp = tempfile.TemporaryDirectory()
        cls.env = dict(os.environ, XDG_DATA_HOME=cls.tmp.name, HOME=cls.tmp.name)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.tmp.cleanup()

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([CLI, *args], capture_output=True, text=True, env=self.env,
                              timeout=120)

    def test_the_custom_tool_loads_and_answers(self) -> None:
        tools = [b for b in blocks(self.doc, "python") if "import hostdeck" in b
                 and "class " in b]
        self.assertEqual(len(tools), 1, "the guide shows one Hostdeck tool module")
        folder = os.path.join(self.tmp.name, "hostdeck", "tools")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "system_tool.py"), "w") as f:
            f.write(tools[0])
        described = self.cli("tools")
        self.assertEqual(described.returncode, 0, described.stderr)
        names = {f"{t['tool']}.{m['name']}" for t in json.loads(described.stdout)
                 for m in t.get("methods", [])}
        self.assertLessEqual({"SystemTool.disk_free", "SystemTool.apt_update"}, names)
        def free() -> int:
            st = os.statvfs("/")
            return st.f_bavail * st.f_frsize

        before = free()
        done = self.cli("call", "--local", "SystemTool.disk_free", "--arg", "path=/")
        after = free()
        self.assertEqual(done.returncode, 0, done.stderr)
        value = json.loads(done.stdout)
        self.assertEqual(value["path"], "/")
        # Other tests write to the same disk meanwhile: the tool's figure lies between the two
        # readings around the call, give or take what they wrote.
        slack = 256 * 1024 ** 2
        self.assertGreaterEqual(value["free"], min(before, after) - slack)
        self.assertLessEqual(value["free"], max(before, after) + slack)

    def test_the_shell_line_and_the_recipe(self) -> None:
        lines = [l for b in blocks(self.doc, "sh") for l in b.splitlines()
                 if l.startswith("hostdeck-cli call") and "Exec.shell" in l]
        self.assertEqual(len(lines), 1)
        argv = shlex.split(lines[0])[1:]
        at = argv.index("-i")
        argv[at:at + 4] = ["--local"]  # -i hosts.yml -l all: this machine instead
        done = self.cli(*argv)
        self.assertEqual(done.returncode, 0, done.stderr)
        record = json.loads(done.stdout.splitlines()[0])
        self.assertEqual(record["value"]["stdout"], "Hello World!\n")
        recipes = [b for b in blocks(self.doc, "yaml") if "steps:" in b]
        self.assertEqual(len(recipes), 1)
        path = os.path.join(self.tmp.name, "hello.yml")
        with open(path, "w") as f:
            f.write(recipes[0])
        ran = self.cli("run", "--local", "--json", "--no-history", path)
        self.assertEqual(ran.returncode, 0, ran.stderr)
        host = json.loads(ran.stdout.splitlines()[0])
        self.assertEqual(host["value"], "Hello World!")
        self.assertEqual([s["step"] for s in host["steps"]], ["hello", "world"])


if __name__ == "__main__":
    unittest.main(verbosity=2)

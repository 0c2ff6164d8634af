"""The help table (app/cli/CliHelp.cpp) against what the built programs really accept.

The table is the one source of `--help`, `COMMAND --help`, the man pages and the shell completion,
so it must name every command main.cpp dispatches and every option a command's parser takes,
and nothing more. Both are checked by asking the real hostdeck-cli:

* commands: every word-like string literal of app/cli/*.cpp that is not a command of the table
  must get "unknown command" from `hostdeck-cli WORD`, and `hostdeck-cli GROUP WORD` the same
  answer as a word that is surely not a subcommand;
* options: for every command and every candidate option name (those of the table, and those
  found in QCommandLineOption declarations and "--name" literals of app/cli), the answer to
  `hostdeck-cli COMMAND --NAME x ARG...` is compared with the answer for a name that surely does
  not exist. The same answer (with the one name put for the other) means "unknown option"; a
  different one means the parser took it. Taken but not in the table, or in the table but not
  taken, fails.
"""
import concurrent.futures
import gzip
import json
import os
import re
import signal
import subprocess
import tempfile
import unittest
from typing import Dict, List, Optional, Sequence, Set, Tuple

CLI = os.environ["HOSTDECK_CLI"]
GUI = os.environ.get("HOSTDECK_GUI", "")
SOURCE = os.environ["HOSTDECK_SOURCE_DIR"]
DOCS = os.environ["HOSTDECK_DOCS_DIR"]
VERSION = os.environ["HOSTDECK_VERSION"]
CLI_DIR = os.path.join(SOURCE, "app", "cli")
HELP_SOURCES = {"CliHelp.cpp", "HelpRender.cpp", "HelpRequest.cpp"}
BOGUS_LONG, BOGUS_SHORT = "zq-no-such-option", "Z"
BOGUS_WORD = "zq-no-such-command"


class Probe:
    """Runs hostdeck-cli in a scratch HOME and working directory, never for long."""

    def __init__(self, program: str) -> None:
        self.program = program
        self.tmp = tempfile.TemporaryDirectory(prefix="hostdeck-help-")
        home = self.tmp.name
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
                    "HOME": home, "XDG_DATA_HOME": os.path.join(home, "data"),
                    "XDG_CONFIG_HOME": os.path.join(home, "config"),
                    "XDG_CACHE_HOME": os.path.join(home, "cache")}

    def run(self, args: Sequence[str], env: Optional[Dict[str, str]] = None,
            timeout: float = 30) -> Tuple[int, str, str]:
        proc = subprocess.Popen([self.program, *args], cwd=self.tmp.name, env=env or self.env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            return -1, out, err + "\n(timed out)"
        return proc.returncode, out, err

    def close(self) -> None:
        self.tmp.cleanup()


def renamed(text: str, old: str, new: str) -> str:
    """`text` with the option or word `old` (bare or dashed, a whole word) renamed to `new`."""
    return re.sub(r"(?<![\w-])(-{0,2})%s(?![\w-])" % re.escape(old),
                  lambda m: m.group(1) + new, text)


def as_if(answer: Tuple[int, str, str], bogus: str, name: str) -> Tuple[int, str, str]:
    """The answer to the bogus name, as it would read for `name` if `name` were as unknown."""
    return answer[0], renamed(answer[1], bogus, name), renamed(answer[2], bogus, name)


def source_texts() -> Dict[str, str]:
    texts = {}
    for name in sorted(os.listdir(CLI_DIR)):
        if name.endswith((".cpp", ".h")) and name not in HELP_SOURCES:
            with open(os.path.join(CLI_DIR, name)) as f:
                texts[name] = f.read()
    return texts


def word_literals(texts: Dict[str, str]) -> Set[str]:
    return {w for t in texts.values() for w in re.findall(r'"([a-z][a-z0-9-]{1,30})"', t)}


def option_literals(texts: Dict[str, str]) -> Set[str]:
    """Option names declared with QCommandLineOption, or compared as "--name" / "-x" literals."""
    names: Set[str] = set()
    decl = re.compile(r"QCommandLineOption\s*\w*\s*[({]\s*(QStringList\s*\{[^}]*\}|[^,)]*)"
                      r"|\boption\(\s*(\{[^}]*\})")
    for text in texts.values():
        for m in decl.finditer(text):
            names.update(re.findall(r'"([A-Za-z][\w-]*)"', m.group(1) or m.group(2)))
        names.update(re.findall(r'"--?([A-Za-z][\w-]*)"', text))
    return names


def dashed(name: str) -> str:
    return ("-" if len(name) == 1 else "--") + name


class CliHelpTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.probe = Probe(CLI)
        code, out, err = cls.probe.run(["--help-format=json"])
        assert code == 0, err
        cls.table = json.loads(out)
        cls.commands = {c["name"]: c for c in cls.table["commands"]}
        cls.sources = source_texts()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.probe.close()

    def run_all(self, jobs: List[Sequence[str]]) -> List[Tuple[int, str, str]]:
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            return list(pool.map(self.probe.run, jobs))

    # --- the table itself ---------------------------------------------------------------

    def test_every_entry_is_documented(self) -> None:
        self.assertTrue(self.commands)
        for c in self.table["commands"]:
            self.assertTrue(c["summary"] and c["synopsis"], c["name"])
            for o in c["options"]:
                self.assertTrue(o["description"], (c["name"], o["names"]))
                self.assertEqual(bool(o["value"]), o["kind"] != "none", (c["name"], o["names"]))
                if o["kind"] == "choice":
                    self.assertTrue(o["choices"], (c["name"], o["names"]))
            for a in c["arguments"]:
                self.assertTrue(a["description"], (c["name"], a["name"]))

    # --- commands -----------------------------------------------------------------------

    def test_every_dispatched_command_has_a_help_entry(self) -> None:
        first_words = {name.split()[0] for name in self.commands}
        groups = {name.split()[0] for name in self.commands if " " in name}
        candidates = sorted(word_literals(self.sources) - first_words)
        self.assertGreater(len(candidates), 10, "the source scan found almost nothing")
        results = self.run_all([[w] for w in candidates])
        for word, (code, _, err) in zip(candidates, results):
            self.assertTrue(code == 2 and "unknown command '%s'" % word in err,
                            "hostdeck-cli %s is accepted (exit %d: %s) but the help table has no "
                            "command '%s'" % (word, code, err.strip()[:200], word))
        for group in sorted(groups):
            subs = {name.split()[1] for name in self.commands if name.startswith(group + " ")}
            words = [w for w in candidates + sorted(first_words) if w not in subs]
            base = self.probe.run([group, BOGUS_WORD])
            for word, answer in zip(words, self.run_all([[group, w] for w in words])):
                self.assertEqual(answer, as_if(base, BOGUS_WORD, word),
                                 "hostdeck-cli %s %s answers unlike an unknown subcommand, but "
                                 "the help table has no '%s %s'" % (group, word, group, word))

    def test_help_of_every_command_and_group(self) -> None:
        for name, command in self.commands.items():
            for args in (name.split() + ["--help"], ["help"] + name.split()):
                code, out, err = self.probe.run(args)
                self.assertEqual(code, 0, (args, err))
                for line in command["synopsis"]:
                    self.assertIn("hostdeck-cli %s %s" % (name, line), out, args)
                for o in command["options"]:
                    if not o["hidden"]:
                        self.assertIn(", ".join(o["flags"]), out, (args, o["flags"]))
        for group in {n.split()[0] for n in self.commands if " " in n}:
            code, out, _ = self.probe.run([group, "--help"])
            self.assertEqual(code, 0)
            for name in self.commands:
                if name.startswith(group + " "):
                    self.assertIn(name, out)
        code, out, _ = self.probe.run(["--help"])
        self.assertEqual(code, 0)
        for name, command in self.commands.items():
            self.assertIn(command["summary"], " ".join(out.split()), name)
        code, _, err = self.probe.run([BOGUS_WORD, "--help"])
        self.assertEqual(code, 2)
        self.assertIn("unknown command '%s'" % BOGUS_WORD, err)
        # An option value that happens to read --help is a value, not a help request.
        code, out, err = self.probe.run(["call", "--local", "--arg", "--help", "Facts.os"])
        self.assertNotIn("usage:", out)

    def test_version(self) -> None:
        self.assertEqual(self.probe.run(["--version"])[:2], (0, "hostdeck-cli %s\n" % VERSION))
        code, out, err = self.probe.run([])
        self.assertEqual((code, out), (2, ""))
        self.assertIn("usage: hostdeck-cli call", err)

    # --- options ------------------------------------------------------------------------

    def mode_prefixes(self, command: dict) -> List[List[str]]:
        """[] and the leading flags of each synopsis line ("--local"): a parser per mode."""
        flags = {f for o in command["options"] if not o["value"] for f in o["flags"]}
        prefixes: List[List[str]] = [[]]
        for line in command["synopsis"]:
            lead = []
            for token in line.split():
                if token not in flags:
                    break
                lead.append(token)
            if lead and lead not in prefixes:
                prefixes.append(lead)
        return prefixes

    def accepted(self, command: dict, candidates: Sequence[str]) -> Set[str]:
        """The option names among `candidates` that some mode of `command` takes."""
        fillers = ["p%d" % i for i in range(len(command["arguments"]))]
        taken: Set[str] = set()
        for prefix in self.mode_prefixes(command):
            base = command["name"].split() + prefix

            def line(name: str) -> List[str]:
                return base + [dashed(name), "x"] + fillers

            baselines = {len(b) == 1: (b, self.probe.run(line(b))) for b in (BOGUS_LONG, BOGUS_SHORT)}
            names = [n for n in candidates if dashed(n) not in prefix]
            for name, answer in zip(names, self.run_all([line(n) for n in names])):
                bogus, base = baselines[len(name) == 1]
                if answer != as_if(base, bogus, name):
                    taken.add(name)
        return taken

    def test_options_match_the_parsers(self) -> None:
        table_names = {n for c in self.commands.values() for o in c["options"] for n in o["names"]}
        scanned = option_literals(self.sources)
        self.assertTrue({"forks", "local", "from"} <= scanned, "the source scan missed options")
        candidates = sorted(table_names | scanned)
        for name, command in sorted(self.commands.items()):
            with self.subTest(command=name):
                documented = {n for o in command["options"] for n in o["names"]}
                taken = self.accepted(command, candidates)
                self.assertEqual(sorted(taken - documented), [],
                                 "options that 'hostdeck-cli %s' takes but its help lacks" % name)
                self.assertEqual(sorted(documented - taken), [],
                                 "options in the help of '%s' that its parser refuses" % name)

    # --- man pages and the GUI ----------------------------------------------------------

    def man_text(self, page: str) -> str:
        path = os.path.join(DOCS, page + ".1.gz")
        with gzip.open(path, "rt") as f:
            source = f.read()
        done = subprocess.run(["man", "--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-"],
                              input=source, capture_output=True, text=True,
                              env={"PATH": os.environ["PATH"], "LANG": "C.UTF-8", "MANWIDTH": "200",
                                   "MAN_KEEP_FORMATTING": ""})
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stderr.strip(), "", "groff warnings in %s(1)" % page)
        return re.sub(r".\x08", "", done.stdout)

    def test_man_page_has_every_command_and_option(self) -> None:
        text = self.man_text("hostdeck-cli")
        self.assertIn("Hostdeck %s" % VERSION, text)
        for name, command in self.commands.items():
            self.assertIn(name, text)
            for o in command["options"]:
                if not o["hidden"]:
                    for flag in o["flags"]:
                        self.assertRegex(text, r"(?<![\w-])%s(?![\w-])" % re.escape(flag),
                                         (name, flag))
        self.assertNotIn("help-format", text)

    @unittest.skipUnless(GUI, "built without the GUI")
    def test_gui_help_and_version_need_no_display(self) -> None:
        env = {k: v for k, v in self.probe.env.items()}  # no DISPLAY, no QT_QPA_PLATFORM
        gui = Probe(GUI)
        try:
            self.assertEqual(gui.run(["--version"], env=env)[:2], (0, "hostdeck %s\n" % VERSION))
            code, out, err = gui.run(["--help"], env=env)
            self.assertEqual(code, 0, err)
            code, table, _ = gui.run(["--help-format=json"], env=env)
            for o in json.loads(table)["options"]:
                if not o["hidden"]:
                    self.assertIn(", ".join(o["flags"]), out)
        finally:
            gui.close()
        text = self.man_text("hostdeck")
        self.assertIn("--tools-dir", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)

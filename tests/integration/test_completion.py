"""The generated bash completion of hostdeck-cli, run for real.

bash sources the completion script (with bash-completion loaded, as on a desktop, and once
without), gets COMP_WORDS/COMP_CWORD/COMP_LINE as readline would set them, calls the completion
function and prints COMPREPLY. Expected words come from elsewhere: the help table as JSON, the
tool descriptions printed by `hostdeck-cli tools`, an inventory generated here with random names.
The zsh script runs in an interactive zsh driven through zsh/zpty: a line is typed, then TAB.
"""
import json
import os
import random
import re
import shutil
import string
import subprocess
import tempfile
import time
import unittest
from typing import Dict, List, Optional

CLI = os.environ["HOSTDECK_CLI"]
DOCS = os.environ["HOSTDECK_DOCS_DIR"]
BASH_SCRIPT = os.path.join(DOCS, "completion", "hostdeck-cli")
ZSH_SCRIPT = os.path.join(DOCS, "completion", "_hostdeck-cli")
BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"

RUNNER = r"""
[[ $USE_BASH_COMPLETION == 1 ]] && . "$BASH_COMPLETION"
. "$SCRIPT"
COMP_LINE=$LINE
COMP_POINT=${#LINE}
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
_hostdeck_cli hostdeck-cli "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"""


def comp_words(line: str) -> List[str]:
    """COMP_WORDS as readline splits `line` (unquoted words; '=' and ':' are words of their own)."""
    words: List[str] = []
    for token in line.split():
        words += [w for w in re.split(r"([=:])", token) if w]
    if not line or line[-1].isspace():
        words.append("")
    return words


def shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def random_name(prefix: str) -> str:
    return prefix + "".join(random.choice(string.ascii_lowercase) for _ in range(6))


class CompletionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.mkdtemp(prefix="hostdeck-completion-")
        cls.home = os.path.join(cls.tmp, "home")
        cls.work = os.path.join(cls.tmp, "work")
        os.makedirs(cls.home)
        os.makedirs(cls.work)
        cls.env = {"PATH": os.path.dirname(CLI) + ":" + os.environ.get("PATH", "/usr/bin:/bin"),
                   "LANG": "C.UTF-8", "HOME": cls.home, "TERM": "dumb",
                   "XDG_CACHE_HOME": os.path.join(cls.home, "cache"),
                   "XDG_DATA_HOME": os.path.join(cls.home, "data"),
                   "BASH_COMPLETION": BASH_COMPLETION, "SCRIPT": BASH_SCRIPT}
        done = subprocess.run([CLI, "--help-format=json"], capture_output=True, text=True,
                              check=True, env=cls.env)
        cls.table = json.loads(done.stdout)
        cls.commands = {c["name"]: c for c in cls.table["commands"]}
        # An inventory with random names, so no expected list can be written down in advance.
        cls.web = sorted({random_name("web-") for _ in range(3)})
        cls.db = sorted({random_name("db-") for _ in range(2)})
        cls.groups = [random_name("webgroup-"), random_name("dbgroup-")]
        cls.inventory = os.path.join(cls.work, "hosts.yml")
        with open(cls.inventory, "w") as f:
            f.write("all:\n  children:\n")
            for group, hosts in zip(cls.groups, (cls.web, cls.db)):
                f.write("    %s:\n      hosts:\n" % group)
                f.writelines("        %s:\n" % h for h in hosts)

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def complete(self, line: str, bash_completion: bool = True,
                 env: Optional[Dict[str, str]] = None) -> List[str]:
        run_env = dict(env or self.env, LINE=line, USE_BASH_COMPLETION="1" if bash_completion else "0")
        done = subprocess.run(["bash", "--norc", "--noprofile", "-c", RUNNER, "bash",
                               *comp_words(line)], capture_output=True, text=True, cwd=self.work,
                              env=run_env, timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stderr, "", line)
        return sorted(w for w in done.stdout.split("\n") if w)

    def flags(self, command: str) -> List[str]:
        options = self.commands[command]["options"] if command else self.table["options"]
        return sorted(f for o in options if not o["hidden"] for f in o["flags"])

    def tools(self, *args: str) -> List[str]:
        done = subprocess.run([CLI, "tools", *args], capture_output=True, text=True, check=True,
                              env=self.env)
        return sorted(t["tool"] + "." + m["name"] for t in json.loads(done.stdout)
                      for m in t["methods"])

    # --- commands and options ---------------------------------------------------------

    def test_commands_and_subcommands(self) -> None:
        words = sorted({name.split()[0] for name in self.commands})
        for bc in (True, False):
            self.assertEqual(self.complete("hostdeck-cli ", bc), words)
            self.assertEqual(self.complete("hostdeck-cli in", bc), ["inventory"])
        subs = sorted(n.split()[1] for n in self.commands if n.startswith("inventory "))
        self.assertEqual(self.complete("hostdeck-cli inventory "), subs)
        self.assertEqual(self.complete("hostdeck-cli secret s"), ["set"])
        self.assertEqual(self.complete("hostdeck-cli help "), words)

    def test_options_of_each_command(self) -> None:
        self.assertEqual(self.complete("hostdeck-cli -"), self.flags(""))
        for name in self.commands:
            with self.subTest(command=name):
                self.assertEqual(self.complete("hostdeck-cli %s -" % name), self.flags(name))
        self.assertEqual(self.complete("hostdeck-cli call --fo"), ["--forks"])
        self.assertNotIn("--help-format", self.complete("hostdeck-cli --"))

    def test_choices_of_option_values_and_arguments(self) -> None:
        choices = next(o["choices"] for o in self.commands["call"]["options"]
                       if "host-keys" in o["names"])
        self.assertEqual(self.complete("hostdeck-cli call --host-keys "), sorted(choices))
        self.assertEqual(self.complete("hostdeck-cli call --host-keys=acc"),
                         [c for c in choices if c.startswith("acc")])
        kinds = self.commands["secret set"]["arguments"][1]["choices"]
        line = "hostdeck-cli secret set -i %s %s " % (self.inventory, self.web[0])
        self.assertEqual(self.complete(line), sorted(kinds))
        # An option value is not taken for the command's argument.
        self.assertEqual(self.complete("hostdeck-cli call --forks 5 --check Fo"), [])

    def test_files(self) -> None:
        for name in ("tmpl-one.conf", "tmpl-two.conf"):
            open(os.path.join(self.work, name), "w").close()
        os.mkdir(os.path.join(self.work, "tmpl-dir"))
        self.assertEqual(self.complete("hostdeck-cli render tmpl-"),
                         ["tmpl-dir", "tmpl-one.conf", "tmpl-two.conf"])
        self.assertEqual(self.complete("hostdeck-cli tools --tools-dir tmpl-"), ["tmpl-dir"])

    # --- tool methods ------------------------------------------------------------------

    def test_tool_methods_from_the_descriptions_cached(self) -> None:
        env = dict(self.env, XDG_CACHE_HOME=os.path.join(self.tmp, "cache-tools"),
                   XDG_DATA_HOME=os.path.join(self.tmp, "data-tools"))
        user_tools = os.path.join(env["XDG_DATA_HOME"], "hostdeck", "tools")
        os.makedirs(user_tools)
        methods = self.tools()
        facts = [m for m in methods if m.startswith("Facts.")]
        self.assertGreater(len(facts), 3)
        started = time.monotonic()
        self.assertEqual(self.complete("hostdeck-cli call --local Facts.", env=env), facts)
        first = time.monotonic() - started
        cache = os.path.join(env["XDG_CACHE_HOME"], "hostdeck", "completion-tools-default")
        with open(cache) as f:
            self.assertEqual(sorted(f.read().split()), methods)
        # The cache answers as long as nothing changed: a line added to it shows up.
        with open(cache, "a") as f:
            f.write("Zzcached.method\n")
        started = time.monotonic()
        self.assertEqual(self.complete("hostdeck-cli call -H h1 Zz", env=env), ["Zzcached.method"])
        print("\ntool methods: %.0f ms without the cache, %.0f ms with it"
              % (first * 1000, (time.monotonic() - started) * 1000))
        # A new user tool makes it stale: the descriptions are read again.
        time.sleep(0.01)
        tool = random_name("Motd").capitalize()
        with open(os.path.join(user_tools, tool.lower() + ".py"), "w") as f:
            f.write("class %s:\n    @staticmethod\n    def show() -> str:\n"
                    "        \"\"\"Show it.\"\"\"\n        return ''\n" % tool)
        self.assertEqual(self.complete("hostdeck-cli call -i x -l all %s" % tool[:6], env=env),
                         [tool + ".show"])
        self.assertEqual(self.complete("hostdeck-cli call --local Zz", env=env), [])

    def test_tool_methods_of_a_tools_dir_on_the_line(self) -> None:
        extra = os.path.join(self.tmp, "extra-tools")
        os.makedirs(extra, exist_ok=True)
        tool = random_name("Extra").capitalize()
        with open(os.path.join(extra, tool.lower() + ".py"), "w") as f:
            f.write("class %s:\n    @staticmethod\n    def ping() -> str:\n"
                    "        \"\"\"Ping.\"\"\"\n        return 'pong'\n" % tool)
        self.assertIn(tool + ".ping", self.tools("--tools-dir", extra))
        line = "hostdeck-cli call --local --tools-dir %s %s" % (extra, tool[:7])
        self.assertEqual(self.complete(line), [tool + ".ping"])
        self.assertEqual(self.complete(line, bash_completion=False), [tool + ".ping"])
        self.assertEqual(self.complete("hostdeck-cli call --local %s" % tool[:7]), [])

    # --- inventory names --------------------------------------------------------------

    def test_hosts_and_groups_of_the_inventory(self) -> None:
        names = sorted(self.web + self.db + self.groups + ["all", "ungrouped"])
        inv = self.inventory
        self.assertEqual(self.complete("hostdeck-cli call -i %s -l " % inv), names)
        self.assertEqual(self.complete("hostdeck-cli call --inventory=%s --limit w" % inv),
                         [n for n in names if n.startswith("w")])
        self.assertEqual(self.complete("hostdeck-cli secret set -i %s d" % inv),
                         [n for n in names if n.startswith("d")])
        self.assertEqual(self.complete("hostdeck-cli inventory hosts %s " % inv), names)
        # The last name of a pattern: after ',' the whole word, after ':' what follows it.
        self.assertEqual(self.complete("hostdeck-cli call -i %s -l %s,d" % (inv, self.web[0])),
                         ["%s,%s" % (self.web[0], n) for n in names if n.startswith("d")])
        self.assertEqual(self.complete("hostdeck-cli call -i %s -l %s:d" % (inv, self.groups[0])),
                         [n for n in names if n.startswith("d")])
        # Without an inventory there is nothing to offer.
        self.assertEqual(self.complete("hostdeck-cli call -l w"), [])

    # --- zsh ---------------------------------------------------------------------------

    def zsh_complete(self, lines: List[str]) -> List[str]:
        """The command line after typing each of `lines` and TAB into an interactive zsh."""
        fpath = os.path.join(self.tmp, "zsh-functions")
        os.makedirs(fpath, exist_ok=True)
        shutil.copy(ZSH_SCRIPT, fpath)
        driver = ["zmodload zsh/zpty",
                  "zpty z 'zsh -f -i'",
                  "zpty -w z %s" % shell_quote(
                      "fpath=(%s $fpath); autoload -U compinit; compinit -u -d %s/dump; PS1='>'; "
                      "bindkey '^I' complete-word; setopt nobeep" % (fpath, self.tmp)),
                  "sleep 1"]
        for line in lines:
            # Type the line and TAB; then wrap what the line became in [ ] and echo it.
            driver += ["zpty -w -n z %s$'\\t'" % shell_quote(line), "sleep 2",
                       "zpty -w -n z $'\\x01echo \"[\\x05]\"\\n'", "sleep 0.5"]
        driver += ["while zpty -r -t z out 2>/dev/null; do print -rn -- \"$out\"; done",
                   "zpty -d z"]
        done = subprocess.run(["zsh", "-f", "-c", "\n".join(driver)], capture_output=True,
                              text=True, env=self.env, cwd=self.work, timeout=120)
        return re.findall(r"^\[(.*)\]\r?$", done.stdout.replace("\r", ""), re.M)

    @unittest.skipUnless(shutil.which("zsh"), "zsh is not installed")
    def test_zsh_completion(self) -> None:
        done = subprocess.run(["zsh", "-n", ZSH_SCRIPT], capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stderr)
        host = self.web[0]
        lines = ["hostdeck-cli inv", "hostdeck-cli inventory sh",
                 "hostdeck-cli call --host-keys acc", "hostdeck-cli call --local Facts.hostn",
                 "hostdeck-cli call -i %s -l %s" % (self.inventory, host[:-1]),
                 "hostdeck-cli secret set -i %s %s sudo" % (self.inventory, host)]
        self.assertIn("Facts.hostname", self.tools())
        self.assertEqual([line.rstrip() for line in self.zsh_complete(lines)], [
            "hostdeck-cli inventory", "hostdeck-cli inventory show",
            "hostdeck-cli call --host-keys accept-new", "hostdeck-cli call --local Facts.hostname",
            "hostdeck-cli call -i %s -l %s" % (self.inventory, host),
            "hostdeck-cli secret set -i %s %s sudo-password" % (self.inventory, host)])

if __name__ == "__main__":
    unittest.main(verbosity=2)

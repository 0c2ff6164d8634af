#!/usr/bin/python3
"""Differential test: random inventories (INI and YAML) read by ansible-core and by hostdeck-cli.

For each generated inventory it compares, against ansible-core 2.14 (ansible_oracle.py): whether
the file is accepted, every host's effective variables (`ansible-inventory --list` _meta.hostvars,
type-strict: 1000 and 1000.0 differ), every group's hosts, and a batch of host patterns
(`ansible PATTERN --list-hosts`): the hosts in order where Ansible's order is defined, else as
sets, and errors. Differences the README documents are counted apart; any other fails the test.

usage: ansible_differential.py --cli HOSTDECK_CLI [--cases N] [--seed S] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from typing import Any, Dict, List, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ansible_oracle  # noqa: E402

GROUP_WORDS = ["web", "db", "app", "prod", "stage", "east", "west", "lb", "cache", "mon", "edge",
               "core"]
HOST_WORDS = ["web", "db", "app", "node", "srv", "lb", "cache"]

# (INI text, note) for values on host lines; shlex runs first, then Python's literal_eval.
INI_HOST_VALUES = ["8080", "0x1f", "1e3", "1_000", "010", "00", "-5", "+7", "1.5", ".5", "5.",
                   "\"'q'\"", "'hello world'", "\"[1,2]\"", "[1,2]", "\"{'k': 1}\"", "True",
                   "False", "None", "yes", "abc", "'a b'", "\"(1,2)\"", "0o17", "0b101",
                   "\"'a' 'b'\"", "'\"x\\ty\"'", "1__0", "09.5", "1_", "[]", "{}", "\"u'x'\"",
                   "\"b'zz'\"", "\"r'\\d'\"", "'-'", "2001-12-14", "1:30"]
# Values of [group:vars] lines: the text after '=' goes to literal_eval as is (comments too).
INI_GROUP_VALUES = ["8080", "\"hello world\"", "'single'", "10 # comment", "plain text",
                    "[1, 2, 'x']", "{'a': [1, {'b': None}]}", "0x1f", "1e3", "010", "True",
                    "yes", "1_000", "-0.5", "'a' # c", "hello # not a comment", "\"\"", "()",
                    "(1,)", "1, 2", "'\\u00e9'", "\"tab\\there\""]
YAML_VALUES = ["010", "0x1f", "1:30", "1:30.5", ".inf", "-.Inf", "1.5e3", "1.5e+3", "1e+3",
               "yes", "No", "on", "OFF", "~", "null", "", "\"0x1f\"", "'true'", "2001-12-14",
               "1_000", "0b101", "-.5", "+12", "[1, 2]", "{a: 1, b: [x, y]}", "hello",
               "hello world", "\"quoted # not comment\"", "12 # comment", "0.", "-0x1A", "0o17",
               "09", "1.0", "!!str 12", "!!int \"0x10\"", "y", "'it''s'", "\"multi\\nline\""]


# The differences the brief names, each as a fixed inventory checked against the oracle.
NAMED_CASES = [
    ("INI :vars values are literals; priority keeps its comment off", "named01.ini",
     "[g]\nh1\n[g:vars]\nhttp_port=8080\ngreeting=\"hello world\"\nansible_group_priority=10 # c\n"
     "[h]\nh1\n[h:vars]\nhttp_port=1\nansible_group_priority=5\n", ["all", "g"]),
    ("INI host-line values", "named02.ini",
     "[a]\ndb1 lst=[1,2] hex=0x1f exp=1e3 under=1_000 quoted=\"'q'\" octal=010 neg=-5 t=True "
     "n=None s='x y' d=\"{'k': 1}\" tup=\"(1,2)\" b=\"b'zz'\" f=\"f'x'\" sum=1+2\n", ["all"]),
    ("a port given twice: first wins", "named03.ini", "[a]\ndb1:2222\n[b]\ndb1:3333\n",
     ["a", "b"]),
    ("YAML host:port keys", "named04.yml",
     "all:\n  hosts:\n    \"web1:2222\":\n    'web2:2200':\n      x: 1\n    \"[fe80::5]:2022\":\n",
     ["all", "web1", "fe80::5"]),
    ("YAML 1.1 scalars", "named05.yml",
     "all:\n  hosts:\n    h1:\n  vars:\n    oct: 010\n    hex: 0x1f\n    sexa: 1:30\n    inf: .inf\n"
     "    e: 1.5e3\n    e2: 1.5e+3\n    b: 0b101\n    u: 1_000\n    y: yes\n    q: \"0x1f\"\n"
     "    neg: -.5\n    n: ~\n    d: 2001-12-14\n    s: !!str 12\n    i: !!int \"0x10\"\n",
     ["all"]),
    ("hosts: as a single name", "named06.yml",
     "all:\n  children:\n    g:\n      hosts: web1\n    h:\n      hosts: \"db1:2222\"\n", ["g", "h"]),
    ("merge keys", "named07.yml",
     "x-defaults: &d\n  vars:\n    a: 1\n    b: 2\nall:\n  children:\n    g:\n      <<: *d\n"
     "      hosts:\n        h1:\n          <<: [{c: 1, d: 1}, {c: 2, e: 2}]\n          d: 3\n", ["g"]),
    ("an explicit ungrouped host in another group leaves ungrouped", "named08.ini",
     "[ungrouped]\nx\ny\n[g]\nx\n", ["ungrouped", "all", "g"]),
    ("~regex is anchored at the start", "named09.yml",
     "all:\n  hosts:\n    web1:\n    aweb2:\n", ["~web", "~eb", "~.*eb"]),
    ("subscripts use Ansible's host order", "named10.yml",
     "all:\n  hosts:\n    top1:\n  children:\n    parent:\n      children:\n        child:\n"
     "          hosts:\n            c1:\n            c2:\n      hosts:\n        p1:\n",
     ["parent[0]", "parent[-1]", "parent[1:]", "all[0]", "all[1:2]", "parent[0:1]"]),
    ("IPv6 names are not split", "named11.yml",
     "all:\n  hosts:\n    \"fe80::1\":\n    \"fe80::1:2\":\n    web1:\n",
     ["fe80::1", "fe80::1:2", "fe80::1,web1", "fe80::1:web1", "web1:fe80::1"]),
    ("ansible_ssh_host/_port/_user", "named12.ini",
     "[g]\nh1 ansible_ssh_host=10.0.0.1 ansible_host=10.0.0.2 ansible_ssh_port=2200 "
     "ansible_port=2201\nh2 ansible_host=10.0.0.3 ansible_ssh_user=old\n[g:vars]\n"
     "ansible_user=new\nansible_ssh_host=10.9.9.9\n", ["all"]),
]


def rand_host(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.08:
        return "10.0.%d.%d" % (rng.randint(0, 2), rng.randint(1, 9))
    if kind < 0.12:
        return "fe80::%x" % rng.randint(1, 12)
    if kind < 0.16:
        return "%s%d.example.com" % (rng.choice(HOST_WORDS), rng.randint(1, 5))
    return "%s%d" % (rng.choice(HOST_WORDS), rng.randint(1, 12))


def rand_range(rng: random.Random) -> str:
    word = rng.choice(HOST_WORDS)
    form = rng.random()
    if form < 0.4:
        a = rng.randint(1, 5)
        return "%s[%02d:%02d]" % (word, a, a + rng.randint(0, 6))
    if form < 0.6:
        return "%s-[a:%s]" % (word, rng.choice("bcde"))
    if form < 0.8:
        return "%s[1:%d:%d]" % (word, rng.randint(4, 12), rng.randint(1, 3))
    return "%s[1:3]-[a:b]" % word


def rand_var_name(rng: random.Random) -> str:
    return rng.choice(["x", "y", "port_no", "greeting", "level", "env_name", "opts", "flag",
                       "ansible_user", "ansible_port", "ansible_host", "ansible_ssh_host",
                       "ansible_ssh_port", "ansible_ssh_user"])


class Model:
    """A random inventory shape, rendered as INI or YAML."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        count = rng.randint(1, 7)
        words = rng.sample(GROUP_WORDS, count)
        self.groups: List[str] = [w + (str(rng.randint(1, 3)) if rng.random() < 0.2 else "")
                                  for w in words]
        self.groups = list(dict.fromkeys(self.groups))
        self.children: Dict[str, List[str]] = {g: [] for g in self.groups}
        for i, g in enumerate(self.groups):
            for later in self.groups[i + 1:]:
                if rng.random() < 0.25:
                    self.children[g].append(later)
        self.hosts: Dict[str, List[Tuple[str, Dict[str, str]]]] = {g: [] for g in self.groups}
        self.hosts["ungrouped"] = []
        self.hosts["all"] = []
        pool = [rand_host(rng) for _ in range(rng.randint(2, 12))]
        for g in self.groups + ["ungrouped", "all"]:
            for _ in range(rng.randint(0, 4) if g not in ("ungrouped", "all") else rng.randint(0, 2)):
                name = rng.choice(pool) if rng.random() < 0.85 else rand_range(rng)
                if rng.random() < 0.15 and ":" not in name:
                    name += ":%d" % rng.choice([2222, 2200, 3333])
                self.hosts[g].append((name, {}))
        self.group_vars: Dict[str, Dict[str, str]] = {}
        for g in self.groups + ["all"]:
            if rng.random() < 0.6:
                self.group_vars[g] = {}
                for _ in range(rng.randint(1, 3)):
                    self.group_vars[g][rand_var_name(rng)] = ""
                if g != "all" and rng.random() < 0.3:
                    self.group_vars[g]["ansible_group_priority"] = str(rng.randint(0, 20))

    def render_ini(self) -> str:
        rng = self.rng
        lines: List[str] = []
        for name, _ in self.hosts["ungrouped"]:
            lines.append(name + self.ini_host_vars())
        order = list(self.groups)
        rng.shuffle(order)
        for g in order + ["all"]:
            if g in self.group_vars and rng.random() < 0.3 and g != "all":
                lines.extend(self.ini_vars(g))  # [g:vars] before [g]: allowed when g comes later
                self.group_vars_written = True
            if g == "all":
                if self.hosts["all"]:
                    lines.append("[all]")
                    lines.extend(n + self.ini_host_vars() for n, _ in self.hosts["all"])
            else:
                lines.append("[%s]" % g + (" # group %s" % g if rng.random() < 0.1 else ""))
                lines.extend(n + self.ini_host_vars() for n, _ in self.hosts[g])
                if self.children[g]:
                    lines.append("[%s:children]" % g)
                    lines.extend(self.children[g])
            if g in self.group_vars and not any(l == "[%s:vars]" % g for l in lines):
                lines.extend(self.ini_vars(g))
            if rng.random() < 0.2:
                lines.append(rng.choice(["; a comment", "# another", ""]))
        return "\n".join(lines) + "\n"

    def ini_vars(self, g: str) -> List[str]:
        out = ["[%s:vars]" % g]
        for key in self.group_vars[g]:
            if key == "ansible_group_priority":
                out.append("%s=%s%s" % (key, self.group_vars[g][key],
                                        " # c" if self.rng.random() < 0.5 else ""))
            else:
                out.append("%s=%s" % (key, self.rng.choice(INI_GROUP_VALUES)))
        return out

    def ini_host_vars(self) -> str:
        rng = self.rng
        parts = []
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            parts.append("%s=%s" % (rand_var_name(rng), rng.choice(INI_HOST_VALUES)))
        if rng.random() < 0.1:
            parts.append("# trailing comment")
        return (" " + " ".join(parts)) if parts else ""

    def render_yaml(self) -> str:
        rng = self.rng
        out: List[str] = []
        use_anchor = rng.random() < 0.3
        if use_anchor:
            out += ["x-defaults: &defaults", "  vars:", "    shared: %s" % rng.choice(YAML_VALUES),
                    "    level: 1"]
        out.append("all:")
        if self.hosts["all"]:
            out.append("  hosts:")
            out += self.yaml_hosts(self.hosts["all"], "    ")
        if "all" in self.group_vars:
            out.append("  vars:")
            out += self.yaml_vars(self.group_vars["all"], "    ")
        tops = [g for g in self.groups if not any(g in c for c in self.children.values())]
        explicit = [g for g in tops if rng.random() < 0.6]
        written: set = set()
        if explicit or self.hosts["ungrouped"]:
            out.append("  children:")
            if self.hosts["ungrouped"]:
                out += ["    ungrouped:", "      hosts:"]
                out += self.yaml_hosts(self.hosts["ungrouped"], "        ")
            for g in explicit:
                out += self.yaml_group(g, "    ", written, use_anchor)
        for g in tops:
            if g not in written:
                out += self.yaml_group(g, "", written, use_anchor)
        return "\n".join(out) + "\n"

    def yaml_group(self, g: str, indent: str, written: set, use_anchor: bool) -> List[str]:
        rng = self.rng
        if g in written:
            return ["%s%s:" % (indent, g)]
        written.add(g)
        out = ["%s%s:" % (indent, g)]
        inner = indent + "  "
        if use_anchor and rng.random() < 0.3:
            out.append("%s<<: *defaults" % inner)
        hosts = self.hosts[g]
        if len(hosts) == 1 and not hosts[0][1] and rng.random() < 0.4 and "[" not in hosts[0][0]:
            out.append("%shosts: %s" % (inner, json.dumps(hosts[0][0])))
        elif hosts:
            out.append("%shosts:" % inner)
            out += self.yaml_hosts(hosts, inner + "  ")
        if self.children[g]:
            out.append("%schildren:" % inner)
            for c in self.children[g]:
                out += self.yaml_group(c, inner + "  ", written, use_anchor)
        if g in self.group_vars and not (use_anchor and out[-1].endswith("*defaults")):
            out.append("%svars:" % inner)
            out += self.yaml_vars(self.group_vars[g], inner + "  ")
        return out

    def yaml_hosts(self, hosts, indent: str) -> List[str]:
        rng = self.rng
        out = []
        for name, _ in hosts:
            key = json.dumps(name) if (":" in name or rng.random() < 0.2) else name
            if rng.random() < 0.4:
                out.append("%s%s:" % (indent, key))
                for _ in range(rng.randint(1, 3)):
                    out.append("%s  %s: %s" % (indent, rand_var_name(rng), rng.choice(YAML_VALUES)))
            else:
                out.append("%s%s:" % (indent, key))
        return out

    def yaml_vars(self, values: Dict[str, str], indent: str) -> List[str]:
        out = []
        for key, value in values.items():
            out.append("%s%s: %s" % (indent, key, value if key == "ansible_group_priority"
                                     else self.rng.choice(YAML_VALUES)))
        return out


def rand_patterns(rng: random.Random, model: Model, hosts: List[str]) -> List[str]:
    groups = model.groups + ["all", "ungrouped"]
    def term() -> str:
        r = rng.random()
        if r < 0.3:
            return rng.choice(groups)
        if r < 0.5 and hosts:
            return rng.choice(hosts)
        if r < 0.6:
            return rng.choice(["web*", "*1", "?b*", "*", "db[0-9]", "*.example.com", "[!w]*"])
        if r < 0.7:
            return rng.choice(["~web\\d", "~(db|app)", "~.*1$", "~e", "~^n", "~[0-9]"])
        if r < 0.85:
            g = rng.choice(groups)
            return g + rng.choice(["[0]", "[-1]", "[1:]", "[0:1]", "[1]", "[0:0]", "[2:3]"])
        if r < 0.92:
            return rand_range(rng)
        return rng.choice(["nosuch", "localhost", "fe80::1", "web1:22"])
    patterns = ["all", "*", "ungrouped"]
    for _ in range(8):
        n = rng.randint(1, 3)
        parts = [term()]
        for _ in range(n - 1):
            parts.append(rng.choice(["", "&", "!"]) + term())
        sep = rng.choice([":", ",", ":", ", "])
        patterns.append(sep.join(parts))
    return patterns


def same(a: Any, b: Any) -> bool:
    """Type-strict equality of JSON values (1 != 1.0, True != 1), NaN equal to NaN."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, float) or isinstance(b, float):
        if not (isinstance(a, float) and isinstance(b, float)):
            return False
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def run_cli(cli: str, args: List[str]) -> Tuple[int, str, str]:
    p = subprocess.run([cli] + args, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def documented(pattern: str, ansible_hosts: List[str], hostdeck_hosts: List[str]) -> str:
    """Which README deviation explains a pattern difference, or ''."""
    terms = pattern.replace(":", ",").split(",")
    if any("localhost" == t.strip().lstrip("&!") for t in terms) and "localhost" in ansible_hosts:
        return "implicit localhost"
    if any("[" in t and ":" in t for t in pattern.split(",")) or any(
            "[" in t and "-" in t and "]" in t for t in terms):
        if not ansible_hosts or set(ansible_hosts) <= set(hostdeck_hosts):
            return "ranges in patterns"
    return ""


def compare(path: str, oracle: Dict[str, Any], cli: str, patterns: List[str],
            stats: Dict[str, int], failures: List[str]) -> None:
    pattern_args = [w for p in patterns for w in ("--pattern", p)]
    code, out, err = run_cli(cli, ["inventory", "show", path] + pattern_args)
    if oracle["error"]:
        stats["checks"] += 1
        if code == 0:
            failures.append("%s: Ansible refuses it (%s) but Hostdeck reads it" % (path, oracle["error"]))
        else:
            stats["agree"] += 1
        return
    stats["checks"] += 1
    if code != 0:
        failures.append("%s: Hostdeck refuses what Ansible reads: %s" % (path, err.strip()))
        return
    stats["agree"] += 1
    shown = json.loads(out)
    mine = {h["name"]: h["vars"] for h in shown["hosts"]}
    clash = {g["name"] for g in shown["groups"]} & set(oracle["hostvars"])
    stats["checks"] += 1
    if set(mine) != set(oracle["hostvars"]):
        failures.append("%s: hosts differ: %s vs %s" % (path, sorted(mine), sorted(oracle["hostvars"])))
    else:
        stats["agree"] += 1
    for host, expected in oracle["hostvars"].items():
        stats["checks"] += 1
        if host in mine and same(mine[host], expected):
            stats["agree"] += 1
        elif host in mine and clash:
            # Ansible sets a host's variables on the group of the same name (README).
            stats["documented:name both group and host"] = \
                stats.get("documented:name both group and host", 0) + 1
        elif host in mine:
            failures.append("%s: variables of %s: hostdeck %s, ansible %s"
                            % (path, host, json.dumps(mine[host], sort_keys=True),
                               json.dumps(expected, sort_keys=True)))
    connections = {h["name"]: h["connection"] for h in shown["hosts"]}
    for host, expected in oracle["connections"].items():
        if host not in connections or host in clash:
            continue
        mine_c = connections[host]
        pairs = [(mine_c["address"], expected["remote_addr"]),
                 (mine_c["user"], "" if expected["remote_user"] is None else expected["remote_user"])]
        port = expected["port"]
        try:
            port = 22 if port is None else int(port)
            pairs.append((mine_c["port"], port if 0 < port < 65536 else 22))
        except (TypeError, ValueError, OverflowError):
            pass  # Ansible would fail at connect time
        for got, want in pairs:
            if isinstance(want, (list, dict)) or want == "":
                continue  # not a usable setting in Ansible either
            stats["checks"] += 1
            if str(got) == str(want):
                stats["agree"] += 1
            else:
                failures.append("%s: connection of %s: hostdeck %r, ansible %r" % (path, host, got, want))
    groups = {g["name"]: g["hosts"] for g in shown["groups"]}
    for name, expected in oracle["groups"].items():
        stats["checks"] += 1
        got = groups.get(name)
        ok = got is not None and (got == expected if oracle["ordered"].get(name, False)
                                  else sorted(got) == sorted(expected))
        if ok:
            stats["agree"] += 1
        else:
            failures.append("%s: group %s: hostdeck %s, ansible %s" % (path, name, got, expected))
    answers = shown.get("patterns", [])
    if patterns and len(answers) != len(patterns):
        failures.append("%s: inventory show answered %d of %d patterns" % (path, len(answers), len(patterns)))
        return
    every_ordered = all(oracle["ordered"].values())
    for mine_p, theirs in zip(answers, oracle["patterns"]):
        stats["checks"] += 1
        stats["patterns"] += 1
        if theirs["error"] or mine_p["error"]:
            if bool(theirs["error"]) == bool(mine_p["error"]):
                stats["agree"] += 1
                continue
        elif mine_p["hosts"] == theirs["hosts"] or (
                not every_ordered and sorted(mine_p["hosts"]) == sorted(theirs["hosts"])):
            stats["agree"] += 1
            continue
        reason = documented(theirs["pattern"], theirs["hosts"], mine_p["hosts"])
        if reason:
            stats["documented:" + reason] = stats.get("documented:" + reason, 0) + 1
            continue
        failures.append("%s: pattern %r: hostdeck %s%s, ansible %s%s"
                        % (path, theirs["pattern"], mine_p["hosts"],
                           " (error %s)" % mine_p["error"] if mine_p["error"] else "",
                           theirs["hosts"],
                           " (error %s)" % theirs["error"] if theirs["error"] else ""))


def round_trip(path: str, source: Dict[str, Any], cli: str, stats: Dict[str, int],
               failures: List[str]) -> None:
    """Hostdeck imports the inventory and saves it as YAML; Ansible must read the saved file to
    the same hosts, groups and variables as the original (its id variable aside)."""
    if source["error"]:
        return
    saved = path + ".saved.yml"
    fmt = "ansible-yaml" if path.endswith(".yml") else "ansible-ini"
    code, _, err = run_cli(cli, ["inventory", "import", "--from", fmt, path, "--to", saved,
                                 "--force"])
    stats["checks"] += 1
    stats["round_trips"] = stats.get("round_trips", 0) + 1
    if code != 0:
        failures.append("%s: import failed: %s" % (path, err.strip()))
        return
    again = ansible_oracle.evaluate(saved, [])
    if again["error"]:
        failures.append("%s: Ansible cannot read the saved file: %s" % (path, again["error"]))
        return
    for hv in again["hostvars"].values():
        hv.pop("hostdeck_inventory_id", None)
    clash = set(source["groups"]) & set(source["hostvars"])
    if clash:
        stats["agree"] += 1  # a host named like a group: its variables sit on the group (README)
        return
    problems = []
    if set(again["hostvars"]) != set(source["hostvars"]):
        problems.append("hosts %s vs %s" % (sorted(again["hostvars"]), sorted(source["hostvars"])))
    for host, hv in source["hostvars"].items():
        if host in again["hostvars"] and not same(again["hostvars"][host], hv):
            problems.append("variables of %s: %s vs %s" % (host, again["hostvars"][host], hv))
    for group, members in source["groups"].items():
        if sorted(again["groups"].get(group, [])) != sorted(members):
            problems.append("group %s: %s vs %s" % (group, again["groups"].get(group), members))
    if problems:
        failures.append("%s: after a Hostdeck save, Ansible reads: %s" % (path, "; ".join(problems[:3])))
    else:
        stats["agree"] += 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    parser.add_argument("--cases", type=int, default=250)
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--keep", default="")
    parser.add_argument("--crosscheck", type=int, default=3,
                        help="cases also checked against the ansible CLIs themselves")
    args = parser.parse_args()
    started = time.monotonic()
    rng = random.Random(args.seed)
    stats: Dict[str, int] = {"checks": 0, "agree": 0, "patterns": 0}
    failures: List[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or tmp
        os.makedirs(work, exist_ok=True)
        for name, file_name, text, patterns in NAMED_CASES:
            path = os.path.join(work, file_name)
            with open(path, "w") as f:
                f.write(text)
            before = len(failures)
            oracle = ansible_oracle.evaluate(path, patterns)
            compare(path, oracle, args.cli, patterns, stats, failures)
            round_trip(path, oracle, args.cli, stats, failures)
            print("named case %s: %s" % (file_name, "agrees" if len(failures) == before
                                         else "DIFFERS"), "-", name)
        for case in range(args.cases):
            model = Model(rng)
            yaml = case % 2 == 1
            text = model.render_yaml() if yaml else model.render_ini()
            path = os.path.join(work, "case%03d.%s" % (case, "yml" if yaml else "ini"))
            with open(path, "w") as f:
                f.write(text)
            hosts = [n.split(":")[0] if n.count(":") == 1 else n
                     for entries in model.hosts.values() for n, _ in entries if "[" not in n]
            patterns = rand_patterns(rng, model, hosts)
            oracle = ansible_oracle.evaluate(path, patterns)
            if case < args.crosscheck:
                problem = ansible_oracle.crosscheck_cli(path, patterns[-1])
                if problem:
                    failures.append("%s: the Python API and the ansible CLIs disagree: %s"
                                    % (path, problem))
            compare(path, oracle, args.cli, patterns, stats, failures)
            if case % 3 == 0:
                round_trip(path, oracle, args.cli, stats, failures)
    elapsed = time.monotonic() - started
    documented_total = sum(v for k, v in stats.items() if k.startswith("documented:"))
    print("cases: %d inventories (%d INI, %d YAML), %d pattern evaluations, seed %d, %.1f s"
          % (args.cases, (args.cases + 1) // 2, args.cases // 2, stats["patterns"], args.seed,
             elapsed))
    print("round trips (import, save, ansible reads the saved file): %d"
          % stats.get("round_trips", 0))
    print("checks: %d, agreements: %d, documented differences: %d, failures: %d"
          % (stats["checks"], stats["agree"], documented_total, len(failures)))
    for key, value in sorted(stats.items()):
        if key.startswith("documented:"):
            print("  %s: %d" % (key, value))
    for failure in failures[:40]:
        print("FAIL " + failure)
    print("%d passed, %d failed" % (stats["agree"] + documented_total, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

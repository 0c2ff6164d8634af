#!/usr/bin/python3
"""Hostile and huge inventories against hostdeck-cli: each must finish fast, in bounded memory, and
either work or fail with an error naming what and where.

Every run is under `prlimit --as` (address space) and measured: wall time and the child's peak RSS
(wait4). Under AddressSanitizer (ASAN_OPTIONS set), whose shadow memory needs terabytes of address
space, the bound is ASan's own `hard_rss_limit_mb` instead, and the RSS bound allows for ASan's
overhead. The figures are printed; the bounds asserted are loose enough for a loaded CI machine and
far below what an unbounded expansion would need.

usage: inventory_limits.py --cli HOSTDECK_CLI
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from typing import List, Tuple

ADDRESS_SPACE = 2 * 1024 ** 3  # bytes a run may map
MAX_SECONDS = 30.0 if os.environ.get("ASAN_OPTIONS") else 10.0
SANITIZED = bool(os.environ.get("ASAN_OPTIONS"))
MAX_RSS_MB = 750.0 if SANITIZED else 250.0


def contains(path: str, needle: str) -> bool:
    """Searches a file in chunks, so large outputs never grow this process."""
    with open(path, errors="replace") as f:
        tail = ""
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                return False
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle):]


def run(cli: str, args: List[str], out_path: str) -> Tuple[int, str, float, float]:
    started = time.monotonic()
    with open(out_path, "w") as out:
        if SANITIZED:
            env = dict(os.environ)
            env["ASAN_OPTIONS"] = env["ASAN_OPTIONS"] + ":hard_rss_limit_mb=%d" % (
                ADDRESS_SPACE // 1024 ** 2)
            proc = subprocess.Popen([cli] + args, stdout=out, stderr=subprocess.PIPE, text=True,
                                    env=env)
        else:
            proc = subprocess.Popen(["prlimit", "--as=%d" % ADDRESS_SPACE, cli] + args,
                                    stdout=out, stderr=subprocess.PIPE, text=True)
        _, err = proc.communicate(timeout=120)
    elapsed = time.monotonic() - started
    # The child's peak RSS (prlimit execs the CLI in place). Linux keeps the forking process's
    # high-water mark across fork and exec, so a figure is at least this script's own size.
    usage = proc_rusage.get(proc.pid)
    rss_mb = usage / 1024.0 if usage else float("nan")
    return proc.returncode, err, elapsed, rss_mb


proc_rusage = {}
_real_wait = subprocess.Popen._try_wait


def _try_wait(self, wait_flags):
    pid, status, rusage = os.wait4(self.pid, wait_flags)
    if pid == self.pid:
        proc_rusage[pid] = rusage.ru_maxrss
    return (pid, status)


subprocess.Popen._try_wait = _try_wait  # record each child's rusage as it is reaped


def write(directory: str, name: str, text: str) -> str:
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def billion_laughs() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append("a%d: &a%d [%s]" % (i, i, ", ".join(["*a%d" % (i - 1)] * 10)))
    lines += ["all:", "  vars:", "    boom: *a9"]
    return "\n".join(lines) + "\n"


def diamond(levels: int) -> str:
    """Two groups per level, each a child of both groups of the level above: 2^levels paths."""
    lines = []
    for level in range(levels):
        for side in "ab":
            lines.append("g%d%s:" % (level, side))
            lines.append("  children: {g%da: , g%db: }" % (level + 1, level + 1))
    lines.append("g%da:\n  hosts:\n    bottom1:\ng%db:\n  hosts:\n    bottom2:" % (levels, levels))
    return "\n".join(lines) + "\n"


def chain_ini(length: int) -> str:
    lines = []
    for i in range(length - 1):
        lines += ["[g%d:children]" % i, "g%d" % (i + 1)]
    lines += ["[g%d]" % (length - 1), "leaf ansible_port=2222", "[g0:vars]", "x=1"]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    args = parser.parse_args()
    failures: List[str] = []
    figures: List[str] = []

    def check(label: str, cli_args: List[str], ok: bool, expect: List[str] = (),
              max_seconds: float = MAX_SECONDS) -> str:
        out = os.path.join(workdir, "out.txt")
        code, err, seconds, rss = run(args.cli, cli_args, out)
        figures.append("%-58s %6.2f s %7.1f MB  exit %d" % (label, seconds, rss, code))
        if ok and code != 0:
            failures.append("%s: failed: %s" % (label, err.strip()[:300]))
        if not ok and code == 0:
            failures.append("%s: accepted, should be refused" % label)
        for needle in expect:
            if needle not in err and not contains(out, needle):
                failures.append("%s: output lacks %r: %s" % (label, needle, err.strip()[:300]))
        if seconds > max_seconds:
            failures.append("%s: took %.1f s (bound %.0f s)" % (label, seconds, max_seconds))
        if rss == rss and rss > MAX_RSS_MB:
            failures.append("%s: peak RSS %.0f MB (bound %.0f MB)" % (label, rss, MAX_RSS_MB))
        return out

    with tempfile.TemporaryDirectory() as d:
        workdir = d
        laughs = write(d, "laughs.yml", billion_laughs())
        check("billion laughs (10^10 values through 10 anchors)", ["inventory", "show", laughs],
              False, ["laughs.yml:", "aliases"])
        cycle = write(d, "cycle.yml", "all: &x\n  children:\n    g: *x\n")
        check("alias inside its own anchor", ["inventory", "show", cycle], False, ["cycle"])

        product = write(d, "product.ini", "[g]\nh[0:99999][0:99999]\n")
        check("INI h[0:99999][0:99999]", ["inventory", "show", product], False,
              ["product.ini:2:", "10000000000 hosts", "at most 10000"], max_seconds=2)
        product_yml = write(d, "product.yml", "all:\n  hosts:\n    h[0:99999][0:99999]:\n")
        check("YAML h[0:99999][0:99999]", ["inventory", "show", product_yml], False,
              ["product.yml:3:", "10000000000 hosts"], max_seconds=2)
        check("pattern h[0:99999][0:99999]", ["inventory", "hosts", product_yml + ".none", "x"],
              False, ["no such inventory file"], max_seconds=2)
        huge_step = write(d, "overflow.ini", "[g]\nh[0:9999999999999999999]\n")
        check("range bound past 64 bits", ["inventory", "show", huge_step], False,
              ["overflow.ini:2:"], max_seconds=2)

        too_many = write(d, "toomany.ini", "".join(
            "[g%d]\nn%d-[00001:10000]\n" % (i, i) for i in range(11)))
        check("11 ranges of 10,000 (past 100,000 hosts)", ["inventory", "show", too_many], False,
              ["toomany.ini:22:", "more than 100000 hosts"])

        twenty = write(d, "20k.ini", "[a]\nweb[00001:10000]\n[b]\nweb[10001:20000]\n"
                       "[both:children]\na\nb\n[b:vars]\nport=1\n")
        check("20,000 hosts (INI ranges): show", ["inventory", "show", twenty], True, ['"web20000"'])
        check("20,000 hosts: pattern both:&b:!web1*", ["inventory", "hosts", twenty,
                                                        "both:&b:!web1*"], True, ["web20000"])
        listed = os.path.join(d, "20k.yml")
        with open(listed, "w") as f:  # streamed, so this process stays small (see run())
            f.write("all:\n  children:\n    fleet:\n      hosts:\n")
            for i in range(20000):
                f.write("        host%05d:\n          n: %d\n" % (i, i))
        check("20,000 hosts listed one by one (YAML): show", ["inventory", "show", listed], True,
              ['"host19999"'])

        diamond_text = diamond(30)
        dia = write(d, "diamond.yml", diamond_text)
        check("diamond of nested groups, %d bytes, 2^30 paths: show" % len(diamond_text),
              ["inventory", "show", dia], True, ['"bottom2"'])
        check("diamond: pattern g0a[1]", ["inventory", "hosts", dia, "g0a[1]"], True, ["bottom2"])

        for length in (600, 5000):
            chain = write(d, "chain%d.ini" % length, chain_ini(length))
            check("INI chain of %d groups: show" % length, ["inventory", "show", chain], True,
                  ['"leaf"'])
            check("INI chain of %d groups: pattern g0" % length,
                  ["inventory", "hosts", chain, "g0"], True, ["leaf"])
            saved = os.path.join(d, "chain%d.yml" % length)
            check("INI chain of %d groups: import to YAML" % length,
                  ["inventory", "import", "--from", "ansible-ini", chain, "--to", saved], True)
            out = check("INI chain of %d groups: show the imported YAML" % length,
                        ["inventory", "show", saved], True, ['"leaf"'])
            if not contains(out, '"depth": %d' % length):
                failures.append("chain of %d: the deepest group's depth is not %d" % (length, length))

        nested = os.path.join(d, "nested.yml")
        with open(nested, "w") as f:
            f.write("all:\n  vars:\n    deep: ")
            for _ in range(100):
                f.write("[" * 1000)
            for _ in range(100):
                f.write("]" * 1000)
            f.write("\n")
        check("YAML nested 100,000 deep", ["inventory", "show", nested], False, ["nested.yml:"])
        big = os.path.join(d, "big.yml")
        with open(big, "w") as f:
            for _ in range(17 * 1024):
                f.write("# padding\n" * 103)
        check("17 MiB file", ["inventory", "show", big], False, ["larger than 16777216 bytes"],
              max_seconds=2)

    print("address space limit per run: %d MiB (prlimit --as); RSS figures include at least "
          "this script's own %.1f MB" % (ADDRESS_SPACE // 1024 ** 2,
                                          resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    for line in figures:
        print(line)
    for failure in failures:
        print("FAIL " + failure)
    print("%d passed, %d failed" % (len(figures) - len({f.split(':')[0] for f in failures}),
                                    len({f.split(':')[0] for f in failures})))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

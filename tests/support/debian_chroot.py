#!/usr/bin/env python3
"""Cached Debian trees made with debootstrap, for tests that need a real Debian host or an older
Python than the machine's.

    python3 tests/support/debian_chroot.py --suite bullseye --packages python3,python2.7-minimal \
        --cache DIR [--print-python]

builds DIR/root when it is missing (minutes, network to the Debian mirror) and, with
--print-python, prints the path of a launcher for the tree's python3 that runs on this machine
without chroot (see python_launcher()). A lock serialises builders; the tree is built in
root.partial and renamed into place only after debootstrap succeeded, with a stamp naming suite and
packages, so a half-built tree is never reused.

Only what deb.debian.org serves can be fetched: bookworm (python3.11) and bullseye (python3.9) as of
this writing; buster (python3.7) has moved to archive.debian.org.
"""
import argparse
import fcntl
import os
import subprocess
import sys
from typing import List, Optional

MIRROR = os.environ.get("HOSTDECK_DEBIAN_MIRROR", "http://deb.debian.org/debian")


def _read(path: str) -> Optional[str]:
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def ensure(cache: str, suite: str, packages: List[str]) -> str:
    """The pristine tree CACHE/root for `suite` with `packages`, built when missing or stale."""
    os.makedirs(cache, exist_ok=True)
    root, stamp = os.path.join(cache, "root"), os.path.join(cache, "root.stamp")
    wanted = "%s minbase %s\n" % (suite, ",".join(packages))
    with open(os.path.join(cache, "lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.isdir(root) and _read(stamp) == wanted:
            return root
        partial = root + ".partial"
        for old in (partial, root):
            if os.path.lexists(old):
                subprocess.run(["rm", "-rf", "--one-file-system", old], check=True)
        log = os.path.join(cache, "debootstrap.log")
        with open(log, "w") as out:
            done = subprocess.run(["debootstrap", "--variant=minbase",
                                   "--include=" + ",".join(packages), suite, partial, MIRROR],
                                  stdout=out, stderr=subprocess.STDOUT)
        if done.returncode != 0:
            raise RuntimeError("debootstrap %s failed (%d), see %s" % (suite, done.returncode, log))
        os.rename(partial, root)
        with open(stamp, "w") as f:
            f.write(wanted)
        return root


def inside(root: str, path: str) -> str:
    """`path` of the tree as a host path, following symlinks as the tree's own `/` would (an
    absolute link such as lib64/ld-linux-x86-64.so.2 -> /lib/... stays inside the tree)."""
    parts = [p for p in path.split("/") if p]
    resolved: List[str] = []
    hops = 0
    while parts:
        part = parts.pop(0)
        if part == "..":
            if resolved:
                resolved.pop()
            continue
        here = os.path.join(root, *resolved, part)
        if os.path.islink(here):
            hops += 1
            if hops > 40:
                raise RuntimeError("symlink loop at %s" % here)
            target = os.readlink(here)
            if target.startswith("/"):
                resolved = []
            parts = [p for p in target.split("/") if p] + parts
            continue
        resolved.append(part)
    return os.path.join(root, *resolved)


def python_launcher(cache: str, root: str, program: str = "python3") -> str:
    """A script that runs the tree's `program` on this machine without chroot: through the tree's
    own dynamic loader and libraries (so the interpreter sees the C libraries it was built
    against), with the host's file system, processes and users. Nothing is inherited by the
    processes it starts (no LD_LIBRARY_PATH): they run on the host's libraries."""
    cache, root = os.path.abspath(cache), os.path.abspath(root)
    real = inside(root, "/usr/bin/" + program)
    if not os.path.isfile(real):
        raise RuntimeError("%s has no %s" % (root, program))
    loader = inside(root, "/lib64/ld-linux-x86-64.so.2")
    libs = ":".join(inside(root, d) for d in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu"))
    launcher = os.path.join(cache, program)
    text = ("#!/bin/sh\n# %s from %s, on this machine's file system (made by debian_chroot.py)\n"
            "exec '%s' --library-path '%s' '%s' \"$@\"\n" % (program, root, loader, libs, real))
    if _read(launcher) != text:
        with open(launcher + ".tmp", "w") as f:
            f.write(text)
        os.chmod(launcher + ".tmp", 0o755)
        os.replace(launcher + ".tmp", launcher)
    return launcher


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", required=True)
    parser.add_argument("--packages", required=True, help="comma-separated")
    parser.add_argument("--cache", required=True)
    parser.add_argument("--print-python", action="append", default=[], metavar="PROGRAM",
                        help="print the launcher of PROGRAM (e.g. python3) in the tree")
    args = parser.parse_args()
    root = ensure(args.cache, args.suite, args.packages.split(","))
    for program in args.print_python:
        print(python_launcher(args.cache, root, program))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Version order of tools/_pkg.py against the real programs, on generated version pairs.

debian_compare must agree with `dpkg --compare-versions` and rpm_compare with rpm's own
rpm.vercmp (through `rpm --eval` and its Lua interpreter). The pairs are random (fixed seed,
printed on failure) and often share a prefix, so that tildes, carets, leading zeros, epochs and
revisions meet each other.
"""
import os
import random
import shutil
import subprocess
import sys
import types
import unittest

import harness

PAIRS = 800


def load_pkg():
    """tools/_pkg.py with a minimal hostdeck module (the comparators are pure functions)."""
    fake = types.ModuleType("hostdeck")

    class ToolError(Exception):
        pass

    fake.ToolError = ToolError
    fake.context = lambda: None
    saved = sys.modules.get("hostdeck")
    sys.modules["hostdeck"] = fake
    try:
        module = types.ModuleType("_pkg")
        path = os.path.join(harness.TOOLS_DIR, "_pkg.py")
        with open(path) as f:
            exec(compile(f.read(), path, "exec"), module.__dict__)
        return module
    finally:
        if saved is None:
            del sys.modules["hostdeck"]
        else:
            sys.modules["hostdeck"] = saved


def mutate(rng: random.Random, version: str, alphabet: str) -> str:
    cut = rng.randrange(len(version) + 1)
    tail = "".join(rng.choice(alphabet) for _ in range(rng.randrange(4)))
    return version[:cut] + tail


def debian_version(rng: random.Random) -> str:
    upstream = rng.choice("0123456789") + "".join(rng.choice("0123456789abAB.+~")
                                                  for _ in range(rng.randrange(7)))
    out = upstream
    if rng.random() < 0.5:
        out += "-" + "".join(rng.choice("0123456789a.+~") for _ in range(1 + rng.randrange(4)))
    if rng.random() < 0.2:
        out = "%d:%s" % (rng.randrange(3), out)
    return out


def rpm_version(rng: random.Random) -> str:
    version = rng.choice("0123456789") + "".join(rng.choice("00123456789abAB._~^")
                                                 for _ in range(rng.randrange(7)))
    release = "".join(rng.choice("0123456789a.~^") for _ in range(1 + rng.randrange(3)))
    out = version + "-" + release
    if rng.random() < 0.2:
        out = "%d:%s" % (rng.randrange(3), out)
    return out


def pairs(make, alphabet: str, seed: int):
    rng = random.Random(seed)
    out = []
    for _ in range(PAIRS):
        a = make(rng)
        b = mutate(rng, a, alphabet) if rng.random() < 0.7 else make(rng)
        out.append((a, b))
    return out


class VersionOrderTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.pkg = load_pkg()

    def test_debian_order_matches_dpkg(self) -> None:
        self.assertIsNotNone(shutil.which("dpkg"))
        seed = random.randrange(1 << 30)
        checked = 0
        for a, b in pairs(debian_version, "0123456789aZ.+~-", seed):
            upstream = b.split(":")[-1]
            if b.count(":") > 1 or b.endswith("-") or not upstream[:1].isdigit() or \
                    ":" in b.split("-")[-1]:
                continue  # not a version dpkg accepts
            lt = subprocess.run(["dpkg", "--compare-versions", a, "lt", b],
                                stderr=subprocess.DEVNULL).returncode == 0
            gt = not lt and subprocess.run(["dpkg", "--compare-versions", a, "gt", b],
                                           stderr=subprocess.DEVNULL).returncode == 0
            want = -1 if lt else 1 if gt else 0
            self.assertEqual(self.pkg.debian_compare(a, b), want,
                             "dpkg orders %r %r as %d (seed %d)" % (a, b, want, seed))
            checked += 1
        self.assertGreater(checked, PAIRS // 2)

    def test_rpm_order_matches_rpm(self) -> None:
        rpm = shutil.which("rpm")
        self.assertIsNotNone(rpm, "rpm is missing (Debian package rpm)")
        seed = random.randrange(1 << 30)
        cases = [(a, b) for a, b in pairs(rpm_version, "0123456789aZ._~^", seed)
                 if "-" in b and b.count(":") <= 1 and not b.endswith("-")]
        lua = "%{lua: " + " ".join("print(rpm.vercmp('%s', '%s') .. ' ')" % c for c in cases) + "}"
        done = subprocess.run([rpm, "--eval", lua], capture_output=True, text=True, check=True)
        answers = [int(x) for x in done.stdout.split()]
        self.assertEqual(len(answers), len(cases), done.stderr[:500])
        for (a, b), want in zip(cases, answers):
            self.assertEqual(self.pkg.rpm_compare(a, b), want,
                             "rpm orders %r %r as %d (seed %d)" % (a, b, want, seed))
        self.assertGreater(len(cases), PAIRS // 2)

    def test_known_orders(self) -> None:
        # Anchors that the generated pairs may miss.
        self.assertEqual(self.pkg.debian_compare("1.0~rc1-1", "1.0-1"), -1)
        self.assertEqual(self.pkg.debian_compare("1:0.9", "2.0"), 1)
        self.assertEqual(self.pkg.debian_compare("1.0-1", "1.0-1"), 0)
        self.assertEqual(self.pkg.rpm_compare("1.0^git1-1", "1.0-1"), 1)
        self.assertEqual(self.pkg.rpm_compare("1.0~rc1-1", "1.0-1"), -1)
        self.assertEqual(self.pkg.rpm_compare("1.010-1", "1.9-1"), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)

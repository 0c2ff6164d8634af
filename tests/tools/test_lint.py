"""pyflakes over the tool modules: undefined names, unused imports, redefinitions.

Annotations are never evaluated on the host (`from __future__ import annotations`), so a name
used only in annotations that is never imported passes every run-time test; pyflakes finds it.
"""
import os
import shutil
import subprocess
import unittest

import harness

class LintTest(unittest.TestCase):
    def test_pyflakes_is_clean(self) -> None:
        pyflakes = shutil.which("pyflakes3") or shutil.which("pyflakes")
        self.assertIsNotNone(pyflakes, "pyflakes is missing (Debian package python3-pyflakes)")
        files = sorted(os.path.join(harness.TOOLS_DIR, f) for f in os.listdir(harness.TOOLS_DIR)
                       if f.endswith(".py"))
        self.assertGreater(len(files), 10)
        done = subprocess.run([pyflakes] + files, capture_output=True, text=True)
        self.assertEqual(done.stdout + done.stderr, "")
        self.assertEqual(done.returncode, 0)

    def test_pyflakes_catches_an_annotation_only_name(self) -> None:
        # The checker itself must see names that only annotations use.
        pyflakes = shutil.which("pyflakes3") or shutil.which("pyflakes")
        done = subprocess.run([pyflakes], input="from __future__ import annotations\n"
                              "def f(x: Optional[int]) -> None:\n    pass\n",
                              capture_output=True, text=True)
        self.assertIn("undefined name 'Optional'", done.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)

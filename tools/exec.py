"""Run commands on the host."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: hosts never import typing
    from typing import Optional

import hostdeck
from hostdeck import Path, Text

import _proc


def _guard(creates: Optional[str], removes: Optional[str], cwd: Optional[str]) -> Optional[str]:
    """Why the command is skipped, or None when it must run."""
    def matches(pattern: str) -> bool:
        import os  # only for guards: a plain run does without it (see _proc)

        full = pattern if os.path.isabs(pattern) or not cwd else os.path.join(cwd, pattern)
        import glob  # imports re: only for guards with wildcards

        return bool(glob.glob(full)) or os.path.lexists(full)

    if creates and matches(creates):
        return "%s exists" % creates
    if removes and not matches(removes):
        return "%s does not exist" % removes
    return None


def _execute(argv: list[str], stdin, cwd, env, timeout, creates, removes, raise_on_error,
             stream, capture, max_capture) -> dict:
    skip = _guard(creates, removes, cwd)
    if skip is not None:
        return {"argv": argv, "changed": False, "skipped": True, "reason": skip, "rc": None,
                "stdout": "", "stderr": ""}
    ctx = hostdeck.context()
    if ctx.check:
        return {"argv": argv, "changed": True, "skipped": False, "check": True, "rc": None,
                "stdout": "", "stderr": ""}
    emit = ctx.emit if stream else None
    done = _proc.run(argv, stdin=stdin, cwd=cwd, env=env, timeout=timeout, capture=capture,
                     max_capture=max_capture, emit=emit)
    if done.timed_out:
        raise hostdeck.ToolError("command timed out after %s s: %s" % (timeout, _proc.describe(argv)),
                                 command=argv, timeout=timeout, stdout=done.stdout[-4000:],
                                 stderr=done.stderr[-4000:])
    if raise_on_error and done.rc != 0:
        raise _proc.failure(done)
    result = done.as_dict()
    result.update(changed=True, skipped=False)
    return result


class Exec:
    """Run programs and shell scripts, with live output, timeouts and creates/removes guards."""

    @staticmethod
    @hostdeck.changes
    @hostdeck.timeout(param="timeout")
    def run(argv: list[str], cwd: Optional[Path] = None, env: Optional[dict[str, str]] = None,
            stdin: Optional[Text] = None, timeout: Optional[float] = None,
            creates: Optional[Path] = None, removes: Optional[Path] = None, raise_on_error: bool = True,
            stream: bool = True, capture: bool = True,
            max_capture: int = 16 * 1024 * 1024) -> dict:
        """Run a program (argv list, no shell) and return rc, stdout and stderr.

        env extends the agent's environment. Output is streamed live as CHUNKs ('stdout'/'stderr',
        whole lines) when stream is true; at most max_capture bytes per stream are kept in the
        result (truncated says so); capture=false keeps nothing. creates/removes (paths or globs)
        skip the command with changed=false when the path exists / does not exist. With
        raise_on_error, a non-zero exit code is an error naming the command, its exit code and stderr.
        """
        if isinstance(argv, str) or not argv:
            raise hostdeck.ToolError("argv must be a non-empty list of strings", argv=argv)
        return _execute([str(a) for a in argv], stdin, cwd, env, timeout, creates, removes, raise_on_error,
                        stream, capture, max_capture)

    @staticmethod
    @hostdeck.changes
    @hostdeck.timeout(param="timeout")
    def shell(script: Text, shell: str = "/bin/sh", cwd: Optional[Path] = None,
              env: Optional[dict[str, str]] = None, stdin: Optional[Text] = None,
              timeout: Optional[float] = None, creates: Optional[Path] = None,
              removes: Optional[Path] = None, raise_on_error: bool = True, stream: bool = True,
              capture: bool = True, max_capture: int = 16 * 1024 * 1024) -> dict:
        """Run a shell script with `shell -c` and return rc, stdout and stderr.

        Same options as run.
        """
        return _execute([shell, "-c", script], stdin, cwd, env, timeout, creates, removes, raise_on_error,
                        stream, capture, max_capture)

    @staticmethod
    def which(program: str) -> Optional[str]:
        """The full path of a program found on PATH, or null."""
        import shutil
        return shutil.which(program)

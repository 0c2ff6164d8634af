"""Running commands for the tools: captured or streamed, with timeout and cancellation.

The environment given to a command extends the agent's (os.environ), it never replaces it.
Output is read in chunks with a selector so that a command printing 100 MB does not make the
agent hold 100 MB: what is kept is capped by ``max_capture`` and the rest is only streamed.
"""
from __future__ import annotations

import codecs
import os
import selectors
import signal
import subprocess
import time

import hostdeck

READ_SIZE = 65536
POLL_SECONDS = 0.1


class Completed:
    """What a finished command left behind."""

    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self.rc: Optional[int] = None
        self.stdout = ""
        self.stderr = ""
        self.stdout_bytes = 0
        self.stderr_bytes = 0
        self.truncated = {"stdout": False, "stderr": False}
        self.timed_out = False
        self.cancelled = False
        self.duration = 0.0

    def as_dict(self) -> dict:
        return {
            "argv": self.argv,
            "rc": self.rc,
            "stdout": self.stdout,
            "stderr": self.stderr,
            "stdout_bytes": self.stdout_bytes,
            "stderr_bytes": self.stderr_bytes,
            "truncated": dict(self.truncated),
            "duration": round(self.duration, 3),
        }


class _Stream:
    """One output pipe: decodes incrementally, keeps a capped capture, emits whole lines."""

    def __init__(self, name: str, capture: bool, max_capture: int,
                 emit: Optional[Callable[[str, str], None]]) -> None:
        self.name = name
        self.capture = capture
        self.max_capture = max_capture
        self.emit = emit
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.kept: list[str] = []
        self.kept_size = 0
        self.total = 0
        self.truncated = False
        self.pending = ""

    def feed(self, data: bytes) -> None:
        self.total += len(data)
        self._keep(data)
        if self.emit is not None:
            self._emit_lines(self.decoder.decode(data))

    def finish(self) -> None:
        if self.emit is not None:
            self._emit_lines(self.decoder.decode(b"", final=True))
            if self.pending:
                self.emit(self.name, self.pending)
                self.pending = ""

    def text(self) -> str:
        return b"".join(self.kept).decode("utf-8", errors="replace")  # type: ignore[arg-type]

    def _keep(self, data: bytes) -> None:
        if not self.capture:
            return
        room = self.max_capture - self.kept_size
        if room <= 0:
            self.truncated = True
            return
        if len(data) > room:
            self.truncated = True
            data = data[:room]
        self.kept.append(data)  # type: ignore[arg-type]
        self.kept_size += len(data)

    def _emit_lines(self, text: str) -> None:
        # Whole lines go out as soon as they are read; several lines read together go out as one
        # chunk so that a fast writer does not cost one frame per line. A partial line waits for
        # its end unless it grows past READ_SIZE (bounded memory for output without newlines).
        text = self.pending + text
        cut = text.rfind("\n") + 1
        if cut == 0 and len(text) >= READ_SIZE:
            cut = len(text)
        if cut > 0:
            self.emit(self.name, text[:cut])  # type: ignore[misc]
        self.pending = text[cut:]


def extended_env(env: Optional[dict[str, str]]) -> dict[str, str]:
    """os.environ plus the given variables (a None value removes a variable)."""
    merged = dict(os.environ)
    for key, value in (env or {}).items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[str(key)] = str(value)
    return merged


def describe(argv: list[str]) -> str:
    import shlex  # imports re: only when a message needs it

    return " ".join(shlex.quote(a) for a in argv)


def _cancel_event():
    try:
        return hostdeck.context().cancelled
    except Exception:  # called outside a tool call (tests, helpers)
        return None


def _register(proc: subprocess.Popen) -> Optional[list]:
    """Let the agent kill the child at once on CANCEL (it kills what the call's procs list holds)."""
    procs = getattr(hostdeck.context(), "procs", None)
    if isinstance(procs, list):
        procs.append(proc)
        return procs
    return None


def _unregister(procs: Optional[list], proc: subprocess.Popen) -> None:
    # Before the child is reaped: a pid left in the list could be signalled after reuse.
    if procs is not None:
        try:
            procs.remove(proc)
        except ValueError:
            pass


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        try:
            proc.kill()
        except ProcessLookupError:
            pass


def run(argv: list[str], *, stdin: Union[str, bytes, None] = None, cwd: Optional[str] = None,
        env: Optional[dict[str, str]] = None, timeout: Optional[float] = None,
        capture: bool = True, max_capture: int = 16 * 1024 * 1024,
        emit: Optional[Callable[[str, str], None]] = None) -> Completed:
    """Run argv to completion; output is captured (capped) and/or passed to emit(stream, text)."""
    argv = [str(a) for a in argv]
    done = Completed(argv)
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd,
                                env=extended_env(env), start_new_session=True)
    except FileNotFoundError as err:
        raise hostdeck.ToolError("command not found: %s (%s)" % (argv[0], describe(argv)),
                                 command=argv, error=str(err))
    except (PermissionError, NotADirectoryError, OSError) as err:
        raise hostdeck.ToolError("cannot start %s: %s" % (describe(argv), err), command=argv,
                                 cwd=cwd, error=str(err))
    procs = _register(proc)
    streams = {proc.stdout: _Stream("stdout", capture, max_capture, emit),
               proc.stderr: _Stream("stderr", capture, max_capture, emit)}
    started = time.monotonic()
    try:
        _pump(proc, streams, stdin, timeout, started, done)
    finally:
        _unregister(procs, proc)
        if proc.poll() is None:
            _kill_group(proc)
        proc.wait()
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
    done.rc = proc.returncode
    done.duration = time.monotonic() - started
    out, err = streams[proc.stdout], streams[proc.stderr]
    done.stdout, done.stderr = out.text(), err.text()
    done.stdout_bytes, done.stderr_bytes = out.total, err.total
    done.truncated = {"stdout": out.truncated, "stderr": err.truncated}
    return done


def _pump(proc: subprocess.Popen, streams: dict, stdin: Union[str, bytes, None],
          timeout: Optional[float], started: float, done: Completed) -> None:
    sel = selectors.DefaultSelector()
    for pipe in streams:
        os.set_blocking(pipe.fileno(), False)
        sel.register(pipe, selectors.EVENT_READ)
    pending_in = b""
    if stdin is not None:
        pending_in = stdin.encode("utf-8") if isinstance(stdin, str) else bytes(stdin)
        if pending_in:
            os.set_blocking(proc.stdin.fileno(), False)
            sel.register(proc.stdin, selectors.EVENT_WRITE)
        else:
            proc.stdin.close()
    cancelled = _cancel_event()
    open_pipes = len(streams)
    while open_pipes > 0:
        if cancelled is not None and cancelled.is_set():
            done.cancelled = True
            _kill_group(proc)
            raise hostdeck.ToolError("cancelled: %s" % describe(done.argv), command=done.argv)
        if timeout is not None and time.monotonic() - started > timeout:
            done.timed_out = True
            _kill_group(proc)
            break
        for key, _ in sel.select(POLL_SECONDS):
            pipe = key.fileobj
            if pipe is proc.stdin:
                pending_in = _write_some(proc, sel, pending_in)
                continue
            try:
                data = os.read(pipe.fileno(), READ_SIZE)
            except BlockingIOError:
                continue
            if data:
                streams[pipe].feed(data)
            else:
                sel.unregister(pipe)
                open_pipes -= 1
    sel.close()
    for stream in streams.values():
        stream.finish()
    # The pipes closed but the process may still be exiting (or closed its output and goes on):
    # wait for it, still honouring the timeout and cancellation, and never kill a process that
    # is merely slow to be reaped.
    deadline = None if timeout is None else started + timeout
    while not done.timed_out and proc.poll() is None:
        if cancelled is not None and cancelled.is_set():
            done.cancelled = True
            _kill_group(proc)
            raise hostdeck.ToolError("cancelled: %s" % describe(done.argv), command=done.argv)
        left = POLL_SECONDS if deadline is None else min(POLL_SECONDS, deadline - time.monotonic())
        if left <= 0:
            done.timed_out = True
            _kill_group(proc)
            break
        try:
            proc.wait(left)
        except subprocess.TimeoutExpired:
            pass


def _write_some(proc: subprocess.Popen, sel, pending: bytes) -> bytes:
    try:
        written = os.write(proc.stdin.fileno(), pending[:READ_SIZE])
    except BlockingIOError:
        return pending
    except BrokenPipeError:
        written = len(pending)
    pending = pending[written:]
    if not pending:
        sel.unregister(proc.stdin)
        proc.stdin.close()
    return pending


def check(argv: list[str], **kwargs) -> Completed:
    """Run argv and raise a ToolError naming the command, its exit code and stderr on failure."""
    done = run(argv, **kwargs)
    if done.timed_out:
        raise hostdeck.ToolError("command timed out after %s s: %s" % (kwargs.get("timeout"),
                                 describe(done.argv)), command=done.argv, stdout=done.stdout[-4000:],
                                 stderr=done.stderr[-4000:], timeout=kwargs.get("timeout"))
    if done.rc != 0:
        raise failure(done)
    return done


def failure(done: Completed) -> Exception:
    """A ToolError for a command that exited non-zero."""
    tail = done.stderr.strip()[-2000:] or done.stdout.strip()[-2000:]
    return hostdeck.ToolError("command failed with exit code %s: %s%s" % (
        done.rc, describe(done.argv), (": " + tail) if tail else ""),
        command=done.argv, rc=done.rc, stdout=done.stdout[-4000:], stderr=done.stderr[-4000:])

"""Running commands for the tools: captured or streamed, with timeout and cancellation.

The environment given to a command extends the agent's (os.environ) and the host's variables
(CONFIG env, from the inventory's `environment`), it never replaces them.
The module uses posix, not os: importing os costs a host ~2 ms (os builds os.environ with the
collections ABCs), and Exec needs none of it unless a tool has imported os already.
Output is read in chunks with poll() so that a command printing 100 MB does not make the
agent hold 100 MB: what is kept is capped by ``max_capture`` and the rest is only streamed.

Commands start with os.posix_spawn (a vfork under glibc) and are reaped with waitpid: the
subprocess module and what it imports (threading, selectors, signal -> enum) would cost every
host several ms of start-up CPU before its first Exec. A command with a working directory goes
through subprocess.Popen, since posix_spawn cannot change directory.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: hosts never import typing
    from typing import Callable, Optional, Union

import _signal
import codecs
import errno
import posix
import select
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
    """The agent's environment, then the host's variables (its inventory `environment`), then
    the given ones (a None value removes a variable): hostdeck.environ()."""
    return hostdeck.environ(env)


def describe(argv: list[str]) -> str:
    import shlex  # imports re: only when a message needs it

    return " ".join(shlex.quote(a) for a in argv)


def _cancel_event():
    try:
        return hostdeck.context().cancelled
    except Exception:  # called outside a tool call (tests, helpers)
        return None


# Tests set this to False to run every command through the subprocess path.
USE_SPAWN = hasattr(posix, "posix_spawn")


class Child:
    """A started command: its pid, the parent's ends of its pipes and, once reaped, its rc.

    It quacks like the Popen objects the agent owns (hostdeck.adopt: pid, returncode, kill()).
    """

    def __init__(self, pid: int, stdin: Optional[int], stdout: int, stderr: int, popen=None) -> None:
        self.pid = pid
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.popen = popen
        self.returncode: Optional[int] = None

    def poll(self) -> Optional[int]:
        if self.returncode is None:
            if self.popen is not None:
                self.returncode = self.popen.poll()
            else:
                try:
                    pid, status = posix.waitpid(self.pid, posix.WNOHANG)
                except ChildProcessError:
                    pid, status = self.pid, 255 << 8
                if pid:
                    self.returncode = (-posix.WTERMSIG(status) if posix.WIFSIGNALED(status)
                                       else posix.WEXITSTATUS(status))
        return self.returncode

    def wait(self, timeout: float) -> Optional[int]:
        """Poll for the exit for up to timeout seconds (never blocks longer)."""
        deadline = time.monotonic() + timeout
        pause = 0.0005
        while self.poll() is None:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            time.sleep(min(pause, left))
            pause = min(pause * 2, 0.05)
        return self.returncode

    def kill(self) -> None:
        if self.returncode is None:
            try:
                posix.kill(self.pid, _signal.SIGKILL)
            except ProcessLookupError:
                pass

    def close_stdin(self) -> None:
        if self.stdin is not None:
            if self.popen is not None:
                self.popen.stdin.close()
            else:
                posix.close(self.stdin)
            self.stdin = None

    def close(self) -> None:
        self.close_stdin()
        if self.popen is not None:
            self.popen.stdout.close()
            self.popen.stderr.close()
        else:
            posix.close(self.stdout)
            posix.close(self.stderr)


def _find_program(name: str, env: dict) -> str:
    """The file execvpe() would run for name with env's PATH (which subprocess also uses)."""
    if "/" in name:
        return name
    denied = None
    for folder in env.get("PATH", "/bin:/usr/bin").split(":"):  # os.defpath, os.pathsep
        path = (folder or ".").rstrip("/") + "/" + name
        try:
            regular = posix.stat(path).st_mode & 0o170000 == 0o100000
        except (OSError, ValueError):
            continue
        if regular:
            if posix.access(path, posix.X_OK):
                return path
            denied = denied or path
    if denied:
        raise PermissionError(errno.EACCES, posix.strerror(errno.EACCES), denied)
    raise FileNotFoundError(errno.ENOENT, posix.strerror(errno.ENOENT), name)


def _spawn(argv: list[str], piped_stdin: bool, cwd: Optional[str], env: dict) -> Child:
    if cwd is None and USE_SPAWN:
        path = _find_program(argv[0], env)
        ours, theirs = [], []
        try:
            if piped_stdin:
                r, w = posix.pipe()
                ours.append(w)
                theirs.append(r)
            out_r, out_w = posix.pipe()
            err_r, err_w = posix.pipe()
            ours += (out_r, err_r)
            theirs += (out_w, err_w)
            if min(theirs) > 2:  # dup2 onto the same fd would leave it close-on-exec
                actions = [(posix.POSIX_SPAWN_DUP2, r, 0) if piped_stdin
                           else (posix.POSIX_SPAWN_OPEN, 0, "/dev/null", posix.O_RDONLY, 0),
                           (posix.POSIX_SPAWN_DUP2, out_w, 1), (posix.POSIX_SPAWN_DUP2, err_w, 2)]
                # Python ignores SIGPIPE and SIGXFSZ; a command gets the default actions back.
                pid = posix.posix_spawn(path, argv, env, file_actions=actions, setsid=True,
                                     setsigdef=(_signal.SIGPIPE, _signal.SIGXFSZ))
                return Child(pid, w if piped_stdin else None, out_r, err_r)
        except BaseException:
            for fd in ours:
                posix.close(fd)
            raise
        finally:
            for fd in theirs:  # the child's ends: it has its copies (or never started)
                posix.close(fd)
        for fd in ours:
            posix.close(fd)
    import subprocess

    p = subprocess.Popen(argv, stdin=subprocess.PIPE if piped_stdin else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=env,
                         start_new_session=True)
    return Child(p.pid, p.stdin.fileno() if piped_stdin else None, p.stdout.fileno(),
                 p.stderr.fileno(), popen=p)


def _kill_group(child: Child) -> None:
    if child.returncode is not None:
        return  # reaped: its pid (and group id) may belong to someone else now
    try:
        posix.killpg(child.pid, _signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        child.kill()


def run(argv: list[str], *, stdin: Union[str, bytes, None] = None, cwd: Optional[str] = None,
        env: Optional[dict[str, str]] = None, timeout: Optional[float] = None,
        capture: bool = True, max_capture: int = 16 * 1024 * 1024,
        emit: Optional[Callable[[str, str], None]] = None) -> Completed:
    """Run argv to completion; output is captured (capped) and/or passed to emit(stream, text)."""
    argv = [str(a) for a in argv]
    done = Completed(argv)
    try:
        # The agent owns the child: CANCEL, the agent's exit and its watchdog kill its group.
        child = hostdeck.adopt(lambda: _spawn(argv, stdin is not None, cwd, extended_env(env)))
    except FileNotFoundError as err:
        raise hostdeck.ToolError("command not found: %s (%s)" % (argv[0], describe(argv)),
                                 command=argv, error=str(err))
    except OSError as err:
        raise hostdeck.ToolError("cannot start %s: %s" % (describe(argv), err), command=argv,
                                 cwd=cwd, error=str(err))
    streams = {child.stdout: _Stream("stdout", capture, max_capture, emit),
               child.stderr: _Stream("stderr", capture, max_capture, emit)}
    started = time.monotonic()
    try:
        _pump(child, streams, stdin, timeout, started, done)
    finally:
        if child.poll() is None:
            _kill_group(child)
        while child.wait(1.0) is None:
            pass
        hostdeck.release(child)
        child.close()
    done.rc = child.returncode
    done.duration = time.monotonic() - started
    out, err = streams[child.stdout], streams[child.stderr]
    done.stdout, done.stderr = out.text(), err.text()
    done.stdout_bytes, done.stderr_bytes = out.total, err.total
    done.truncated = {"stdout": out.truncated, "stderr": err.truncated}
    return done


def _pump(child: Child, streams: dict, stdin: Union[str, bytes, None],
          timeout: Optional[float], started: float, done: Completed) -> None:
    poller = select.poll()
    for fd in streams:
        posix.set_blocking(fd, False)
        poller.register(fd, select.POLLIN)
    pending_in = b""
    if stdin is not None:
        pending_in = stdin.encode("utf-8") if isinstance(stdin, str) else bytes(stdin)
        if pending_in:
            posix.set_blocking(child.stdin, False)
            poller.register(child.stdin, select.POLLOUT)
        else:
            child.close_stdin()
    cancelled = _cancel_event()
    open_pipes = len(streams)
    while open_pipes > 0:
        if cancelled is not None and cancelled.is_set():
            _cancel(child, done)
        if timeout is not None and time.monotonic() - started > timeout:
            done.timed_out = True
            _kill_group(child)
            break
        for fd, _ in poller.poll(POLL_SECONDS * 1000):
            if fd == child.stdin:
                pending_in = _write_some(child, poller, pending_in)
                continue
            try:
                data = posix.read(fd, READ_SIZE)
            except BlockingIOError:
                continue
            if data:
                streams[fd].feed(data)
            else:
                poller.unregister(fd)
                open_pipes -= 1
    for stream in streams.values():
        stream.finish()
    # The pipes closed but the process may still be exiting (or closed its output and goes on):
    # wait for it, still honouring the timeout and cancellation, and never kill a process that
    # is merely slow to be reaped.
    deadline = None if timeout is None else started + timeout
    while not done.timed_out and child.poll() is None:
        if cancelled is not None and cancelled.is_set():
            _cancel(child, done)
        left = POLL_SECONDS if deadline is None else min(POLL_SECONDS, deadline - time.monotonic())
        if left <= 0:
            done.timed_out = True
            _kill_group(child)
            break
        child.wait(left)


def _cancel(child: Child, done: Completed) -> None:
    done.cancelled = True
    _kill_group(child)
    raise hostdeck.ToolError("cancelled: %s" % describe(done.argv), command=done.argv)


def _write_some(child: Child, poller, pending: bytes) -> bytes:
    try:
        written = posix.write(child.stdin, pending[:READ_SIZE])
    except BlockingIOError:
        return pending
    except BrokenPipeError:
        written = len(pending)
    pending = pending[written:]
    if not pending:
        poller.unregister(child.stdin)
        child.close_stdin()
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

"""Test harness for the tool modules: the real agent (tests/support/agent_client.py) + a Debian chroot.

Every call goes through the real agent, started as the controller starts it (optionally behind
an argv prefix such as ['chroot', DIR]), with the tool modules synced from tools/.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from typing import Any, Callable, Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))

import agent_client  # noqa: E402
import debian_chroot  # noqa: E402

TOOLS_DIR = os.path.join(ROOT, "tools")
TOOL_MODULES = sorted(f[:-3] for f in os.listdir(TOOLS_DIR)
                      if f.endswith(".py") and not f.startswith("_"))
CHROOT_PACKAGES = ["python3", "systemd", "sudo", "passwd", "ca-certificates"]
CHROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
CONTAINER_ENV = {"PATH": CHROOT_PATH, "LANG": "C.UTF-8", "HOME": "/root", "TERM": "dumb"}
MIRROR = os.environ.get("HOSTDECK_DEBIAN_MIRROR", "http://deb.debian.org/debian")


class ToolAgent(agent_client.AgentClient):
    """AgentClient whose CHUNKs can go to a per-call sink instead of being kept (bounded memory)."""

    def __init__(self, *args, **kwargs) -> None:
        self._sinks: Dict[int, Callable[[Any], None]] = {}
        super().__init__(*args, **kwargs)

    def _dispatch(self, ftype: int, fid: int, value: Any) -> None:
        sink = self._sinks.get(fid)
        if ftype == agent_client.CHUNK and sink is not None:
            sink(value)
            return
        super()._dispatch(ftype, fid, value)

    def tool(self, tool: str, method: str, check_mode: bool = False, call_timeout: float = 120.0,
             on_chunk: Optional[Callable[[Any], None]] = None, **args: Any) -> Any:
        """Call TOOL.METHOD(**args) and return the result (AgentError on ERROR)."""
        result, _ = self.tool_chunks(tool, method, check_mode, call_timeout, on_chunk, **args)
        return result

    def tool_chunks(self, tool: str, method: str, check_mode: bool = False, call_timeout: float = 120.0,
                    on_chunk: Optional[Callable[[Any], None]] = None, **args: Any):
        """Like tool() but also returns the kept CHUNK values (none when on_chunk is given)."""
        body = {"tool": tool, "method": method, "args": args, "check": check_mode}
        with self._lock:
            fid = self._next_id
            self._next_id += 1
            pending = self._pending[fid] = agent_client.Pending()
            if on_chunk is not None:
                self._sinks[fid] = on_chunk
        try:
            self.send_raw(agent_client.pack_frame(agent_client.CALL, fid,
                                                  agent_client.encode_body(body)))
            return self.wait(fid, pending, call_timeout), pending.chunks
        finally:
            self._sinks.pop(fid, None)


def start_agent(prefix: Optional[List[str]] = None, env: Optional[Dict[str, str]] = None) -> ToolAgent:
    """Spawn the real agent (behind prefix) and sync every tool module."""
    if prefix is None and env is None:
        env = dict(os.environ, LANG="C.UTF-8")
    proc_env = env
    loader, payload = agent_client.bootstrap()
    python = os.environ.get("HOSTDECK_TEST_PYTHON") or "/usr/bin/python3"
    argv = list(prefix or []) + [python, "-E", "-S", "-c", loader]
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, bufsize=0, env=proc_env)
    proc.stdin.write(payload)
    proc.stdin.flush()
    ready, noise = agent_client.AgentClient._await_ready(proc, 60.0)
    agent = ToolAgent(proc, ready, noise)
    agent.sync_tools([TOOLS_DIR], *TOOL_MODULES)
    return agent


# --- Debian chroot --------------------------------------------------------------------------

def chroot_cache_dir() -> str:
    explicit = os.environ.get("HOSTDECK_CHROOT_CACHE")
    if explicit:
        return explicit
    binary = os.environ.get("HOSTDECK_BINARY_DIR")
    if binary:
        return os.path.join(binary, "debian-chroot")
    return os.path.join(ROOT, "build", "debian-chroot-cache")


def ensure_debian_chroot() -> str:
    """The pristine cached chroot (CACHE/root), built with debootstrap when missing
    (tests/support/debian_chroot.py: locked, built aside and renamed into place, stamped)."""
    return debian_chroot.ensure(chroot_cache_dir(), "bookworm", CHROOT_PACKAGES)


def _read(path: str) -> Optional[str]:
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


class ChrootHost:
    """A private copy of the cached chroot in a temp dir, with an agent running inside it."""

    def __init__(self) -> None:
        pristine = ensure_debian_chroot()
        self.tmp = tempfile.mkdtemp(prefix="hostdeck-chroot-")
        self.root = os.path.join(self.tmp, "root")
        started = time.monotonic()
        subprocess.run(["cp", "-a", "--reflink=auto", pristine, self.root], check=True)
        self.copy_seconds = time.monotonic() - started
        env = {"PATH": CHROOT_PATH, "LANG": "C.UTF-8", "HOME": "/root", "TERM": "dumb"}
        self.agent = start_agent(["chroot", self.root], env)

    def path(self, inside: str) -> str:
        """The host path of a path inside the chroot."""
        return os.path.join(self.root, inside.lstrip("/"))

    def run(self, *argv: str) -> subprocess.CompletedProcess:
        """Run a command inside the chroot (to read real state independently of the tools)."""
        return subprocess.run(["chroot", self.root] + list(argv), capture_output=True, text=True,
                              env={"PATH": CHROOT_PATH, "LANG": "C.UTF-8"})

    def close(self) -> None:
        try:
            self.agent.close()
        finally:
            subprocess.run(["rm", "-rf", "--one-file-system", self.tmp], check=False)


class ContainerHost:
    """The cached tree booted as a container with its own systemd as PID 1, changes kept apart.

    `systemd-nspawn --volatile=overlay -b` mounts the cached tree read-only under a tmpfs
    overlay, so the container starts from the pristine tree without a copy and every change it
    makes is gone when it stops. The host sees the container's view (overlay included) at
    /proc/PID/root; the agent is `nsenter -t PID -a python3` (PID: the container's systemd).
    close() stops the container with SIGTERM to systemd-nspawn (a clean shutdown).
    """

    def __init__(self, name: str = "hostdeck-test", boot_timeout: float = 90.0) -> None:
        self.pristine = ensure_debian_chroot()
        self.tmp = tempfile.mkdtemp(prefix="hostdeck-container-")
        self.name = "%s-%d" % (name, os.getpid())
        self.nspawn: Optional[subprocess.Popen] = None
        self.agent: Optional[ToolAgent] = None
        self.pid = 0
        started = time.monotonic()
        try:
            self._boot(boot_timeout)
            self.boot_seconds = time.monotonic() - started
            self.root = "/proc/%d/root" % self.pid
            self.agent = start_agent(self.enter(), CONTAINER_ENV)
        except BaseException:
            self.close()
            raise

    def _boot(self, timeout: float) -> None:
        log = open(os.path.join(self.tmp, "console.log"), "wb")
        with log:
            self.nspawn = subprocess.Popen(
                ["systemd-nspawn", "--quiet", "-D", self.pristine, "--volatile=overlay", "-b",
                 "--register=no", "--keep-unit", "--link-journal=no", "--console=pipe",
                 "-M", self.name],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        state = ""
        while time.monotonic() < deadline:
            if self.nspawn.poll() is not None:
                raise RuntimeError("systemd-nspawn exited with %d: %s" % (
                    self.nspawn.returncode, self.console()[-2000:]))
            self.pid = self._container_pid()
            if self.pid:
                done = subprocess.run(self.enter() + ["systemctl", "is-system-running"],
                                      capture_output=True, text=True, env=CONTAINER_ENV)
                state = done.stdout.strip()
                if state in ("running", "degraded"):
                    return
            time.sleep(0.2)
        raise RuntimeError("container %s did not boot within %.0f s (state %r): %s" % (
            self.name, timeout, state, self.console()[-2000:]))

    def _container_pid(self) -> Optional[int]:
        """The container's PID 1 as the host sees it: systemd-nspawn's child running systemd."""
        assert self.nspawn is not None
        pid = self.nspawn.pid
        children = (_read("/proc/%d/task/%d/children" % (pid, pid)) or "").split()
        for child in children:
            if (_read("/proc/%s/comm" % child) or "").strip() == "systemd":
                return int(child)
        return None

    def console(self) -> str:
        return _read(os.path.join(self.tmp, "console.log")) or ""

    def enter(self) -> List[str]:
        """argv prefix that runs a command inside the container."""
        return ["nsenter", "-t", str(self.pid), "-a"]

    def path(self, inside: str) -> str:
        return os.path.join(self.root, inside.lstrip("/"))

    def run(self, *argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(self.enter() + list(argv), capture_output=True, text=True,
                              env=CONTAINER_ENV)

    def close(self) -> None:
        try:
            if self.agent is not None:
                self.agent.close()
        finally:
            if self.nspawn is not None and self.nspawn.poll() is None:
                self.nspawn.terminate()
                try:
                    self.nspawn.wait(60)
                except subprocess.TimeoutExpired:
                    self.nspawn.kill()
                    self.nspawn.wait(30)
            subprocess.run(["rm", "-rf", "--one-file-system", self.tmp], check=False)


def tree_snapshot(root: str, prune: tuple = (), volatile_suffixes: tuple = ()) -> dict:
    """Relative path -> inode, type, mode, owner, group, size, mtime and ctime of everything
    below root. ctime moves on any write, chmod, chown or rename and cannot be set back, so two
    equal snapshots mean nothing was changed. prune: relative paths left out with their
    content; volatile_suffixes: file name endings left out (documented volatile files)."""
    expr: List[str] = []
    for rel in prune:
        expr += ["-path", os.path.join(root, rel), "-o"]
    argv = ["find", "-H", root, "-mindepth", "1"]  # -H: root may be a link (/proc/PID/root)
    if expr:
        argv += ["("] + expr[:-1] + [")", "-prune", "-o"]
    done = subprocess.run(argv + ["-printf", "%P\\0%i %y %m %U %G %s %T@ %C@\\0"],
                          capture_output=True, check=True)
    fields = done.stdout.split(b"\0")
    out = dict(zip(fields[0:-1:2], fields[1::2]))
    if volatile_suffixes:
        ends = tuple(s.encode() for s in volatile_suffixes)
        out = {k: v for k, v in out.items() if not k.endswith(ends)}
    return out


def _what_changed(before: Any, after: Any) -> str:
    """Which paths of tree snapshots (or which parts of other values) differ."""
    if isinstance(before, dict) and isinstance(after, dict):
        return repr(changed_paths(before, after)[:20])
    if isinstance(before, tuple) and isinstance(after, tuple) and len(before) == len(after):
        return "; ".join(_what_changed(b, a) for b, a in zip(before, after) if b != a)
    return "%r -> %r" % (before, after)


def changed_paths(before: dict, after: dict) -> List[bytes]:
    return sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))


class ToolTestCase(unittest.TestCase):
    """Checks shared by the tool tests."""

    def assertIdempotent(self, agent: ToolAgent, tool: str, method: str, snapshot: Callable[[], Any],
                         call_timeout: float = 600.0, **args: Any) -> Dict[str, Any]:
        """check mode (changes nothing, reports changed) -> real run -> second run unchanged."""
        before = snapshot()
        dry = agent.tool(tool, method, check_mode=True, call_timeout=call_timeout, **args)
        self.assertTrue(dry["changed"], "%s.%s check mode: %r" % (tool, method, dry))
        after_dry = snapshot()
        if before != after_dry:
            self.fail("%s.%s in check mode modified the host: %s" % (
                tool, method, _what_changed(before, after_dry)))
        real = agent.tool(tool, method, call_timeout=call_timeout, **args)
        self.assertTrue(real["changed"], "%s.%s: %r" % (tool, method, real))
        self.assertCheckModeDescribesTheRun("%s.%s" % (tool, method), dry, real)
        # What check mode predicts (package versions and transactions, service states) must be
        # what the real run then did.
        for key in ("packages", "transaction", "after"):
            if key in real:
                self.assertEqual(dry.get(key), real[key], "%s.%s: check mode predicted another %s"
                                 % (tool, method, key))
        self.assertNotEqual(before, snapshot(), "%s.%s reported a change but nothing changed" % (tool, method))
        again = agent.tool(tool, method, call_timeout=call_timeout, **args)
        self.assertFalse(again["changed"], "%s.%s second run: %r" % (tool, method, again))
        return real


    def assertCheckModeDescribesTheRun(self, what: str, dry: Dict[str, Any], real: Dict[str, Any]) -> None:
        """A tool that shows a diff shows the same, non-empty one in check mode and for real; a tool
        without one answers with the same fields, and the same state before the change wherever
        it names one ({"before": ...})."""
        if "diff" in dry or "diff" in real:
            self.assertIn("diff", dry, what + ": the real run has a diff, check mode none")
            self.assertIn("diff", real, what + ": check mode has a diff, the real run none")
            self.assertTrue(real["diff"], what + ": a change with an empty diff")
            self.assertEqual(dry["diff"], real["diff"], what + ": check-mode diff differs from the real one")
            return
        # A dry run may say so itself ("check": true); every other field is the real run's.
        self.assertEqual(sorted(k for k in dry if k != "check"), sorted(k for k in real if k != "check"),
                         what + ": check mode answers other fields")
        self.assertEqual(_befores(dry), _befores(real), what + ": check mode saw another state before")


def _befores(value: Any, path: str = "") -> Dict[str, Any]:
    """Every {"before": X} in a result, by where it is."""
    found: Dict[str, Any] = {}
    if isinstance(value, dict):
        if "before" in value:
            found[path] = value["before"]
        for key, item in value.items():
            found.update(_befores(item, path + "/" + str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.update(_befores(item, "%s[%d]" % (path, index)))
    return found


class LocalAgentTestCase(ToolTestCase):
    """A test class sharing one local agent; `make_tmp` gives a temp dir removed after the test."""

    agent: ToolAgent

    @classmethod
    def setUpClass(cls) -> None:
        cls.agent = start_agent()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.agent.close()

    def make_tmp(self, prefix: str) -> str:
        path = tempfile.mkdtemp(prefix=prefix)
        self.addCleanup(shutil.rmtree, path)
        return path


def peak_rss_kb(pid: int) -> Optional[int]:
    """VmHWM (peak resident set) of a process, in KiB."""
    for line in (_read("/proc/%d/status" % pid) or "").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


def self_peak_rss_kb() -> int:
    return peak_rss_kb(os.getpid()) or 0


def apply_patch(original: str, diff: str) -> str:
    """Apply a unified diff with GNU patch (proves the diff is well-formed)."""
    with tempfile.TemporaryDirectory() as tmp:
        target = os.path.join(tmp, "file")
        with open(target, "w", newline="") as f:
            f.write(original)
        done = subprocess.run(["patch", "-s", "-f", target], input=diff, capture_output=True, text=True)
        if done.returncode != 0:
            raise AssertionError("patch rejected the diff: %s %s\n%s" % (done.stdout, done.stderr, diff))
        with open(target, newline="") as f:
            return f.read()


def upload(agent: ToolAgent, src: str, dest: str, chunk_size: int = 1 << 20, window: int = 4,
           **options: Any) -> Dict[str, Any]:
    """Upload a local file with FileSystem.upload_* keeping `window` chunks in flight."""
    import hashlib
    digest = hashlib.sha256()
    with open(src, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    size = os.path.getsize(src)
    begin = agent.tool("FileSystem", "upload_begin", dest=dest, size=size, sha256=digest.hexdigest(),
                       **options)
    if begin["skip"]:
        return begin
    token, in_flight, offset = begin["token"], [], 0
    with open(src, "rb") as f:
        for block in iter(lambda: f.read(chunk_size), b""):
            in_flight.append(agent.call_async("FileSystem", "upload_chunk",
                                              {"token": token, "offset": offset, "data": block}))
            offset += len(block)
            if len(in_flight) >= window:
                agent.wait(*in_flight.pop(0), timeout=120)
    for fid, pending in in_flight:
        agent.wait(fid, pending, timeout=120)
    return agent.tool("FileSystem", "upload_end", token=token, call_timeout=300)


def background(fn: Callable[[], Any]) -> threading.Thread:
    t = threading.Thread(target=fn, daemon=True)
    t.start()
    return t

"""A small Python controller for the Hostdeck agent, for tests and tool development.

It starts the agent exactly like the C++ controller does (PROTOCOL.md §1: `PYTHON -E -S -c LOADER`,
the base64 boot payload and the BOOT frame on stdin), speaks the frame protocol of §2 and keeps the
replies, chunks and log records it reads. Stdlib only.

    with AgentClient.spawn() as agent:
        agent.sync_tools([TOOLS_DIR], 'template')
        print(agent.call('Template', 'render', {'template': '${x}', 'vars': {'x': 1}}))
"""
import base64
import json
import importlib.util
import lzma
import os
import re
import struct
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any, Dict, List, Optional, Sequence, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AGENT_SOURCE = os.path.join(ROOT, 'bootstrap', 'agent.py')
BOOT_SOURCE = os.path.join(ROOT, 'bootstrap', 'boot.py')
STRIP = os.path.join(ROOT, 'bootstrap', 'strip.py')
PRECOMPILE = os.path.join(ROOT, 'bootstrap', 'precompile.py')
TOOLS_DIR = os.path.join(ROOT, 'tools')
TEST_TOOLS_DIR = os.path.join(ROOT, 'tests', 'support', 'tools')

HEADER = struct.Struct('>HBBBxxxQI')
MAGIC = 0x4844
CALL, SYNC, CANCEL, CONFIG, BOOT, PING = 1, 2, 3, 4, 5, 6
RESULT, ERROR, CHUNK, LOG, PONG = 16, 17, 18, 19, 20

LOADER_TEMPLATE = (
    "import sys,posix as os\n"
    "if sys.version_info<(3,8):sys.stdout.write('HOSTDECK-PYTHON-TOO-OLD %s\\n'%sys.version.split()[0]);"
    "sys.stdout.flush();sys.exit(3)\n"
    "sys.path=[p for p in sys.path if p]\n"
    "import _lzma,binascii\n"
    "n={n};b=b''\n"
    "while len(b)<n:\n"
    " c=os.read(0,n-len(b))\n"
    " if not c:sys.exit(4)\n"
    " b+=c\n"
    "exec(compile(_lzma.LZMADecompressor().decompress(binascii.a2b_base64(b)),'hostdeck-boot.py','exec'))\n")


def stripped(path: str = AGENT_SOURCE) -> bytes:
    """A file as the build ships it: bootstrap/strip.py applied."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'out.py')
        subprocess.run([sys.executable, STRIP, path, out], check=True)
        with open(out, 'rb') as f:
            return f.read()


def stripped_agent() -> bytes:
    """The agent as the build ships it: bootstrap/strip.py applied to bootstrap/agent.py."""
    return stripped(AGENT_SOURCE)


def code_blob(source: bytes, filename: str, magic: Optional[bytes] = None) -> bytes:
    """'magic + zlib(marshal(code))' as the controller sends it: bootstrap/precompile.py's blob
    without the source hash, compiled by this Python (`magic` overrides the stamp, to pose as
    bytecode for another Python)."""
    made = _precompile().blob(source, filename)
    return (magic or made[:4]) + made[36:]


def _precompile() -> Any:
    spec = importlib.util.spec_from_file_location('precompile', PRECOMPILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


_bootstraps: Dict[Any, Tuple[str, bytes]] = {}


def bootstrap(source: Optional[bytes] = None, bytecode: Optional[bytes] = None) -> Tuple[str, bytes]:
    """(loader command text, stdin bytes: the boot payload, then the BOOT frame carrying the
    agent source (default: stripped) and optionally a code blob for it)."""
    key = (source, bytecode)
    hit = _bootstraps.get(key)
    if hit is None:
        raw = stripped_agent() if source is None else source
        payload = base64.b64encode(lzma.compress(stripped(BOOT_SOURCE), preset=9 | lzma.PRESET_EXTREME))
        packed = lzma.compress(raw, preset=9 | lzma.PRESET_EXTREME)
        body = struct.pack('>I', len(packed)) + packed + (bytecode or b'')
        boot = HEADER.pack(MAGIC, 1, BOOT, 0, 0, len(body)) + body
        hit = _bootstraps[key] = (LOADER_TEMPLATE.format(n=len(payload)), payload + boot)
    return hit


class AgentError(Exception):
    """An ERROR frame: .type, .message, .traceback (list of dicts), .details."""

    def __init__(self, body: Dict[str, Any]):
        super().__init__('%s: %s' % (body.get('type'), body.get('message')))
        self.body = body
        self.type = body.get('type')
        self.message = body.get('message')
        self.traceback = body.get('traceback') or []
        self.details = body.get('details') or {}


def _extend(o: Any) -> Any:
    if isinstance(o, (bytes, bytearray)):
        return {'$bytes': base64.b64encode(o).decode()}
    if isinstance(o, (set, frozenset)):
        return list(o)
    raise TypeError('cannot encode %s' % type(o).__name__)


def _hook(d: Dict[str, Any], attachments: Optional[List[bytes]] = None) -> Any:
    if len(d) == 1 and '$bytes' in d:
        return base64.b64decode(d['$bytes'])
    if len(d) == 1 and '$bin' in d and attachments is not None:
        return attachments[d['$bin']]
    return d


def split_attachments(body: bytes) -> Tuple[bytes, List[bytes]]:
    """A body with the attachments flag: u32 JSON length, JSON, then u32-length-prefixed blobs."""
    (n,) = struct.unpack_from('>I', body)
    pos, atts = 4 + n, []
    while pos < len(body):
        (m,) = struct.unpack_from('>I', body, pos)
        atts.append(bytes(body[pos + 4:pos + 4 + m]))
        pos += 4 + m
    if pos != len(body):
        raise ValueError('attachment lengths do not add up')
    return body[4:4 + n], atts


def encode_body(value: Any) -> bytes:
    return json.dumps(value, separators=(',', ':'), default=_extend).encode()


def decode_body(body: bytes, attachments: Optional[List[bytes]] = None) -> Any:
    return json.loads(body.decode(), object_hook=lambda d: _hook(d, attachments))


def pack_frame(ftype: int, fid: int, body: bytes, compress: bool = False) -> bytes:
    flags = 0
    if compress:
        body, flags = lzma.compress(body, preset=1), 1
    return HEADER.pack(MAGIC, 1, ftype, flags, fid, len(body)) + body


class Pending:
    def __init__(self) -> None:
        self.event = threading.Event()
        self.reply: Optional[Tuple[int, Any]] = None
        self.chunks: List[Any] = []


class AgentClient:
    """One agent process and its protocol stream."""

    def __init__(self, proc: subprocess.Popen, ready: str, noise: bytes):
        self.proc = proc
        self.ready = ready
        self.noise = noise
        self.logs: List[Dict[str, Any]] = []
        self.protocol_errors: List[str] = []
        self.synced: Dict[str, int] = {}
        self.frames_in = 0
        self.headers: List[Tuple[int, int, int]] = []  # (type, flags, body length) of frames read
        self._next_id = 1
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._pending: Dict[int, Pending] = {}
        self._closed = False
        self._rfile = open(proc.stdout.fileno(), 'rb', buffering=1 << 16, closefd=False)
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    # --- start-up -----------------------------------------------------------------------
    @classmethod
    def spawn(cls, python: Optional[str] = None, prefix: Sequence[str] = (),
              source: Optional[bytes] = None, timeout: float = 30.0,
              env: Optional[Dict[str, str]] = None, bytecode: Optional[bytes] = None,
              cwd: Optional[str] = None) -> 'AgentClient':
        loader, payload = bootstrap(source, bytecode)
        python = python or os.environ.get('HOSTDECK_TEST_PYTHON') or '/usr/bin/python3'
        argv = list(prefix) + [python, '-E', '-S', '-c', loader]
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, bufsize=0, env=env, cwd=cwd)
        proc.stdin.write(payload)
        proc.stdin.flush()
        ready, noise = cls._await_ready(proc, timeout)
        return cls(proc, ready, noise)

    @staticmethod
    def _await_ready(proc: subprocess.Popen, timeout: float) -> Tuple[str, bytes]:
        seen = b''
        deadline = time.monotonic() + timeout
        fd = proc.stdout.fileno()
        import select
        while True:
            nl = seen.find(b'\n')
            while nl >= 0:
                line, seen = seen[:nl].decode('utf-8', 'replace'), seen[nl + 1:]
                if line.startswith('HOSTDECK-READY '):
                    if seen:
                        raise RuntimeError('bytes after READY before any request: %r' % seen)
                    return line, b''
                nl = seen.find(b'\n')
            left = deadline - time.monotonic()
            if left <= 0:
                proc.kill()
                raise RuntimeError('no READY within %.0f s (saw %r)' % (timeout, seen))
            r, _, _ = select.select([fd], [], [], left)
            if r:
                data = os.read(fd, 4096)
                if not data:
                    code = proc.wait()
                    err = proc.stderr.read()
                    raise RuntimeError('agent exited with code %s before READY: %r %r' % (code, seen, err))
                seen += data

    # --- frames -------------------------------------------------------------------------
    def _read_exact(self, n: int) -> Optional[bytes]:
        data = self._rfile.read(n)
        return data if len(data) == n else None

    def _read_loop(self) -> None:
        try:
            while True:
                head = self._read_exact(HEADER.size)
                if head is None:
                    break
                magic, version, ftype, flags, fid, length = HEADER.unpack(head)
                if magic != MAGIC or version != 1 or flags > 3:
                    self.protocol_errors.append('bad header %r' % head)
                    break
                body = self._read_exact(length) if length else b''
                if body is None:
                    self.protocol_errors.append('truncated frame')
                    break
                if flags & 1:
                    body = lzma.decompress(body)
                attachments = None
                if flags & 2:
                    body, attachments = split_attachments(body)
                self.frames_in += 1
                self.headers.append((ftype, flags, length))
                self._dispatch(ftype, fid, decode_body(body, attachments))
        except Exception as e:  # a broken stream is a test failure, reported by close()
            self.protocol_errors.append('reader: %r' % e)
        finally:
            with self._lock:
                self._closed = True
                for p in self._pending.values():
                    if p.reply is None:
                        p.reply = (ERROR, {'type': 'ConnectionLost', 'message': 'connection lost'})
                    p.event.set()

    def _dispatch(self, ftype: int, fid: int, value: Any) -> None:
        if ftype == LOG:
            self.logs.append(value)
            return
        with self._lock:
            p = self._pending.get(fid)
        if p is None:
            self.protocol_errors.append('frame type %d for unknown id %d' % (ftype, fid))
            return
        if ftype == CHUNK:
            if p.reply is not None:
                self.protocol_errors.append('chunk after reply for id %d' % fid)
            p.chunks.append(value)
        elif ftype in (RESULT, ERROR, PONG):
            if p.reply is not None:
                self.protocol_errors.append('second reply for id %d' % fid)
            p.reply = (ftype, value)
            p.event.set()
        else:
            self.protocol_errors.append('unexpected frame type %d' % ftype)

    def send_raw(self, data: bytes) -> None:
        with self._write_lock:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()

    def request(self, ftype: int, body: Any, compress: bool = False) -> Tuple[int, Pending]:
        with self._lock:
            fid = self._next_id
            self._next_id += 1
            p = self._pending[fid] = Pending()
            if self._closed:
                p.reply = (ERROR, {'type': 'ConnectionLost', 'message': 'connection lost'})
                p.event.set()
                return fid, p
        self.send_raw(pack_frame(ftype, fid, encode_body(body), compress))
        return fid, p

    def wait(self, fid: int, p: Pending, timeout: float = 30.0) -> Any:
        if not p.event.wait(timeout):
            raise TimeoutError('no reply to request %d within %s s' % (fid, timeout))
        with self._lock:
            self._pending.pop(fid, None)
        ftype, value = p.reply
        if ftype == ERROR:
            raise AgentError(value)
        return value

    # --- requests -----------------------------------------------------------------------
    def call_async(self, tool: str, method: str, args: Optional[Dict[str, Any]] = None,
                   check: bool = False) -> Tuple[int, Pending]:
        return self.request(CALL, {'tool': tool, 'method': method, 'args': args or {}, 'check': check})

    def call(self, tool: str, method: str, args: Optional[Dict[str, Any]] = None,
             check: bool = False, timeout: float = 30.0) -> Any:
        fid, p = self.call_async(tool, method, args, check)
        return self.wait(fid, p, timeout)

    def cancel(self, fid: int) -> None:
        self.send_raw(pack_frame(CANCEL, fid, b'{}'))

    def ping(self, timeout: float = 5.0) -> float:
        """Send PING and wait for its PONG; returns the seconds it took."""
        start = time.monotonic()
        fid, p = self.request(PING, {})
        self.wait(fid, p, timeout)
        return time.monotonic() - start

    def config(self, **settings: int) -> Any:
        fid, p = self.request(CONFIG, settings)
        return self.wait(fid, p)

    def sync_compiled(self, module: str, source: bytes, blob: Optional[bytes]) -> Any:
        """SYNC as the C++ controller sends a module it has bytecode for: the xz'd source and the
        code blob as attachments."""
        head = encode_body({'module': module, 'packed': {'$bin': 0}, 'code': {'$bin': 1}})
        blobs = [lzma.compress(source), blob or b'']
        body = struct.pack('>I', len(head)) + head + b''.join(struct.pack('>I', len(b)) + b for b in blobs)
        with self._lock:
            fid = self._next_id
            self._next_id += 1
            p = self._pending[fid] = Pending()
        self.send_raw(HEADER.pack(MAGIC, 1, SYNC, 2, fid, len(body)) + body)
        return self.wait(fid, p)

    def sync(self, module: str, source: str) -> Any:
        fid, p = self.request(SYNC, {'module': module, 'source': source})
        result = self.wait(fid, p)
        self.synced[module] = self.synced.get(module, 0) + 1
        return result

    def sync_tools(self, dirs: Sequence[str], *modules: str) -> None:
        """Sync modules found in `dirs` (first match wins) plus the `_helpers` they import."""
        for name in modules:
            self._sync_with_deps(dirs, name, [])

    def _sync_with_deps(self, dirs: Sequence[str], name: str, stack: List[str]) -> None:
        if name in self.synced or name in stack:
            return
        source = None
        for d in dirs:
            path = os.path.join(d, name + '.py')
            if os.path.exists(path):
                with open(path, encoding='utf-8') as f:
                    source = f.read()
                break
        if source is None:
            if stack:
                return  # an underscore module of the stdlib (_signal, _json ...), like ToolRegistry
            raise FileNotFoundError('tool module %s not found in %s' % (name, dirs))
        for dep in re.findall(r'^\s*(?:from|import)\s+(_(?!_)\w+)', source, re.M):
            self._sync_with_deps(dirs, dep, stack + [name])
        self.sync(name, source)

    # --- shutdown -----------------------------------------------------------------------
    def close(self, timeout: float = 5.0) -> Optional[int]:
        """Close stdin (the agent exits on EOF) and reap it; kill if it lingers."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self._reader.join(timeout)
        self.proc.stdout.close()
        self.proc.stderr.close()
        return code

    def __enter__(self) -> 'AgentClient':
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

"""Hostdeck agent: the stdlib-only program the controller streams to a host's python3.

It speaks the frame protocol of PROTOCOL.md on private copies of fds 0/1 and answers requests:
CALL, SYNC, CANCEL, CONFIG and PING in; RESULT, ERROR, CHUNK, LOG and PONG out. boot.py runs it in its own
globals (RFD, WFD, AGENT_FILE, PYVER, PYC_MAGIC, LOADED, bytecode() and the loader's _lzma come
from there), from bytecode or compiled as 'hostdeck-agent.py'; strip.py removes comments and
docstrings for the wire while keeping line numbers, so keep heavy imports inside the functions
that need them.
"""
import sys, binascii
import posix as os  # all the agent needs, without os's 2 ms of imports
from _struct import Struct
from _thread import allocate_lock, start_new_thread, _local
import _signal

# Header: magic, version, type, flags (high byte) + 3 reserved bytes, id, body length.
HDR = Struct('>HBBIQI')
U32 = Struct('>I')
MAGIC = 0x4844

CONF = {'log_level': 30, 'compress_min': 0, 'max_frame': 64 << 20}
ENV = {}  # the host's environment (CONFIG env): for the processes tools start, not os.environ
CALLS = {}  # id -> Ctx of the calls in flight
TOOLS = {}  # class name -> tool class
METHODS = {}  # (tool, method) -> (function, inline)
SOURCES = {}  # module -> source text, or xz'd bytes until needed (describe, tracebacks)
SYNCS = {}  # module -> number of SYNC frames received
KIDS = set()  # live children the agent owns (killed on CANCEL of their call and at exit)
FAILED = {}  # module -> error of its last SYNC, while it is not installed
EXIT_HOOKS = []  # run by die(): tools clean up what an unfinished call left (temp files)
WATCH = {'fd': -1}  # write end of the watchdog's pipe (see watch())
STATE = {'calls': 0, 'log': None}
LOCAL = _local()
WRITE_LOCK = allocate_lock()
KIDS_LOCK = allocate_lock()  # spawning and registering a child is atomic with respect to die()
EVENT_LOCK = allocate_lock()


def die(code):
    """Kill our children and leave at once (daemon threads and buffers do not matter). Children
    a tool registered only with its call (tools/_proc.py) are killed too."""
    KIDS_LOCK.acquire(timeout=2)
    for p in list(KIDS) + [p for c in list(CALLS.values()) for p in list(c.procs)]:
        kill(p)
    for hook in EXIT_HOOKS:
        try:
            hook()
        except BaseException:
            pass
    if WATCH['fd'] >= 0:
        try:
            os.write(WATCH['fd'], b'.\n')  # we killed them ourselves: the watchdog just leaves
        except OSError:
            pass
    os._exit(code)


# The watchdog: a tiny shell in its own session that holds the read end of a pipe whose write end
# only the agent has. The agent tells it "+PGID" / "-PGID" as it starts and reaps children (each
# leads its own process group); when the pipe reaches EOF without the agent's farewell "." (the
# agent was SIGKILLed, or died without running die()), it kills every group still listed.
WATCHDOG = ('g=;while read -r l;do case $l in +*)g="$g ${l#+}";;'
            '-*)n=;for p in $g;do [ "$p" = "${l#-}" ]||n="$n $p";done;g=$n;;.)exit 0;;esac;done;'
            'for p in $g;do kill -9 -"$p";done')


def watch(line):
    """Tell the watchdog about a child (called with KIDS_LOCK held); start it on first use."""
    for attempt in (0, 1):
        if WATCH['fd'] < 0:
            if not start_watchdog():
                return
            line = ''.join('+%d\n' % p.pid for p in KIDS if p.returncode is None)
        try:
            os.write(WATCH['fd'], line.encode())
            return
        except OSError:  # the watchdog is gone: start another and tell it everything
            os.close(WATCH['fd'])
            WATCH['fd'] = -1


def start_watchdog():
    try:
        r, w = os.pipe()
    except OSError:
        return False
    try:
        os.posix_spawn('/bin/sh', ['sh', '-c', WATCHDOG], {'PATH': '/usr/bin:/bin'},
                       file_actions=[(os.POSIX_SPAWN_DUP2, r, 0)], setsid=True)
    except OSError:
        os.close(w)
        return False
    finally:
        os.close(r)
    WATCH['fd'] = w
    return True


def adopt(start):
    """Run start() — it starts one child process in a new session and returns an object with
    .pid, .returncode and .kill() (a Popen, or the tools' _proc.Child) — and make the agent its
    owner: the child's process group is killed when the current call is cancelled, when the agent
    exits, and by the watchdog when the agent itself is killed. Call release() before reaping."""
    c = context()
    with KIDS_LOCK:
        if WATCH['fd'] < 0:
            start_watchdog()  # before the child: it must never run unwatched for long
        p = start()
        KIDS.add(p)
        watch('+%d\n' % p.pid)
    if c is not None:
        c.procs.append(p)
        if c.cancelled.is_set():
            kill(p)
    return p


def release(p):
    """The child is finished with (about to be reaped): the agent no longer kills it."""
    c = context()
    if c is not None and p in c.procs:
        c.procs.remove(p)
    with KIDS_LOCK:
        if p in KIDS:
            KIDS.discard(p)
            watch('-%d\n' % p.pid)


def at_exit(hook):
    """Run hook() when the agent ends by itself (stdin closed, write failure, exit_after_reply,
    SIGTERM): for cleaning up what unfinished calls left behind. Must be quick."""
    EXIT_HOOKS.append(hook)


def kill(p):
    # Only a child not yet reaped still holds its pid (and group id): a reaped one's pid may
    # already belong to an unrelated process.
    if p.returncode is None:
        try:
            os.killpg(p.pid, 9)
        except OSError:
            try:
                p.kill()
            except OSError:
                pass


def put(data):
    with WRITE_LOCK:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(WFD, view):]
        except OSError:
            die(1)


class Att(bytes):
    """A body laid out as u32 JSON length, JSON, then u32-length-prefixed attachments."""


def frame(ftype, fid, body):
    flags = 2 if type(body) is Att else 0
    cmin = CONF['compress_min']
    if cmin and not flags and len(body) >= cmin:  # attachments (bulk bytes) travel as they are
        # Pay xz on the whole body only when a sample shows it is worth it.
        sample = body[:16384]
        import lzma
        packed = lzma.compress(sample, preset=1)
        if len(packed) * 10 < len(sample) * 7:
            if len(body) > 16384:
                packed = lzma.compress(body, preset=1)
            if len(packed) < len(body):
                body, flags = packed, flags | 1
    return HDR.pack(MAGIC, 1, ftype, flags << 24, fid, len(body)) + body


def send(ftype, fid, body, batch):
    data = frame(ftype, fid, body)
    if batch is None:
        put(data)
    else:
        batch.append(data)


def _extend(o):
    if isinstance(o, (bytes, bytearray, memoryview)):
        a = LOCAL.atts
        a.append(o)
        return {'$bin': len(a) - 1}
    if isinstance(o, (set, frozenset)):
        return list(o)
    if hasattr(o, '__dataclass_fields__'):
        import dataclasses
        return dataclasses.asdict(o)
    raise TypeError('cannot encode a value of type %s' % type(o).__name__)


def json_codec():
    """(encode, decode, decode_with_bytes): the C accelerator of the json package used directly.

    Importing json costs every host ~15 ms of start-up CPU (it pulls in re and enum); its C
    scanner and encoder need neither. The stdlib classes are the fallback when the accelerator is
    missing or behaves unlike the version this was written against (checked on a sample).
    """
    try:
        import _json

        class Conf:
            strict = True
            object_pairs_hook = None
            parse_float = float
            parse_int = int

            def parse_constant(name):
                raise ValueError('%s is not JSON' % name)

        def decoder(hook):
            Conf.object_hook = hook
            scan = _json.make_scanner(Conf)

            def decode(s):
                value, end = scan(s, 0)
                if end != len(s):
                    raise ValueError('extra data at %d' % end)
                return value
            return decode

        make = _json.make_encoder(None, _extend, _json.encode_basestring_ascii, None, ':', ',',
                                  False, False, False)

        def encode(value):
            return ''.join(make(value, 0))
        decode, decode_bytes = decoder(None), decoder(_bytes_hook)
        sample = {'a': [1, -2.5, None, True, False, '\u00e9\n"'], 'b': {}}
        text = '{"a":[1,-2.5,null,true,false,"\\u00e9\\n\\""],"b":{}}'
        if encode(sample) == text and decode(text) == sample:
            return encode, decode, decode_bytes
    except Exception:
        pass
    import json
    return (json.JSONEncoder(separators=(',', ':'), default=_extend, allow_nan=False).encode,
            json.JSONDecoder().decode, json.JSONDecoder(object_hook=_bytes_hook).decode)


def enc(value):
    LOCAL.atts = atts = []
    body = _encode(value).encode()
    if atts:
        parts = [U32.pack(len(body)), body]
        for a in atts:
            parts += (U32.pack(len(a)), a)
        body = Att(b''.join(parts))
    if len(body) > CONF['max_frame']:
        raise ValueError('value of %d bytes exceeds the maximum frame size' % len(body))
    return body


def _bytes_hook(d):
    if len(d) == 1:
        if '$bin' in d:
            return LOCAL.inatt[d['$bin']]
        if '$bytes' in d:
            return binascii.a2b_base64(d['$bytes'])
    return d


_encode, _decode, _decode_bytes = json_codec()


class ToolError(Exception):
    """An error meant for the user; keyword arguments become the ERROR frame's details."""

    def __init__(self, message, **details):
        Exception.__init__(self, message)
        self.details = details


class Cancelled(Exception):
    pass


class UnknownTool(Exception):
    pass


def err(e, etype=None):
    out = err_dict(e, etype)
    try:
        return enc(out)
    except Exception:
        out['details'] = {k: repr(v) for k, v in out['details'].items()}
        return enc(out)


def err_dict(e, etype=None):
    import traceback, linecache
    linecache.cache.setdefault(AGENT_FILE, (0, None, [], AGENT_FILE))
    for n in list(SOURCES):  # registered only now: linecache imports tokenize and re
        f = 'tools/%s.py' % n
        if f not in linecache.cache:
            src = source_of(n)
            linecache.cache[f] = (len(src), None, src.splitlines(True), f)
    frames = [] if etype else traceback.extract_tb(e.__traceback__)
    while frames and frames[0].filename == AGENT_FILE:
        frames.pop(0)
    return {'type': etype or type(e).__name__, 'message': str(e),
            'traceback': [{'file': f.filename, 'line': f.lineno, 'function': f.name,
                           'code': f.line or ''} for f in frames],
            'details': getattr(e, 'details', None) or {}}


class Event:
    """threading.Event's set/is_set/wait without importing threading (~5 ms of start-up)."""

    def __init__(self):
        self.flag = False
        self.gate = allocate_lock()
        self.gate.acquire()

    def set(self):
        with EVENT_LOCK:
            if not self.flag:
                self.flag = True
                self.gate.release()

    def is_set(self):
        return self.flag

    def wait(self, timeout=None):
        if not self.flag and self.gate.acquire(True, -1 if timeout is None else max(timeout, 0)):
            self.gate.release()  # let the next waiter through
        return self.flag


class Ctx:
    """One call in flight; hostdeck.context() returns it to the tool."""
    __slots__ = ('id', 'check', 'lock', 'done', 'batch', 'event', 'procs', 'quit')

    def __init__(self, cid, check):
        self.id = cid
        self.check = check
        self.lock = allocate_lock()
        self.done = False
        self.batch = None
        self.event = None
        self.procs = []
        self.quit = None

    @property
    def cancelled(self):
        with self.lock:
            if self.event is None:
                self.event = Event()
            return self.event

    def emit(self, stream, data):
        body = enc({'stream': stream, 'data': data})
        with self.lock:
            if not self.done:
                send(18, self.id, body, self.batch)


def finish(c, ftype, body, batch):
    """Send the one reply of a call; later attempts (a late result after CANCEL) are dropped."""
    with c.lock:
        if c.done:
            return
        c.done = True
    CALLS.pop(c.id, None)
    send(ftype, c.id, body, batch)
    if c.quit is not None:
        put(b''.join(batch or ()))
        die(c.quit)


def context():
    return getattr(LOCAL, 'ctx', None)


def exit_after_reply(code):
    """Exit with `code` (children killed) as soon as the current call's reply is written."""
    c = context()
    if c is None:
        die(code)
    c.quit = code


def _marker(attr):
    def mark(f):
        setattr(getattr(f, '__func__', f), attr, True)
        return f
    return mark


inline = _marker('_hd_inline')
changes = _marker('_hd_changes')
internal = _marker('_hd_internal')  # a protocol piece: hidden from palettes, refused from users


def timeout(seconds=None, param=None):
    """Declare how long a method may take (seconds, shown in describe as "timeout"), and/or the
    name of a parameter that holds a time limit the method enforces itself ("timeout_param"): the
    controller gives such a call at least that long plus a margin."""
    if seconds is not None and (type(seconds) not in (int, float) or not seconds > 0):
        raise TypeError('hostdeck.timeout: seconds must be a positive number, not %r' % (seconds,))

    def mark(f):
        fn = getattr(f, '__func__', f)
        if param is not None:
            code = fn.__code__
            if param not in code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]:
                raise TypeError('hostdeck.timeout: %s has no parameter %r' % (fn.__name__, param))
        fn._hd_timeout = seconds
        fn._hd_timeout_param = param
        return f
    return mark


def environ(env=None):
    """The environment for a process a tool starts: the agent's own (os.environ once a tool has
    imported os and maybe changed it), then the host's variables (CONFIG env), then `env` (a None
    value removes a variable). A new dict."""
    o = sys.modules.get('os')
    if o is not None:
        out = dict(o.environ)
    else:  # decoded as os would, without importing it
        c, e = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()
        out = {k.decode(c, e): v.decode(c, e) for k, v in os.environ.items()}
    out.update(ENV)
    for k, v in (env or {}).items():
        if v is None:
            out.pop(k, None)
        else:
            out[str(k)] = str(v)
    return out


def run_process(argv, input=None, timeout=None, **kw):
    """subprocess.run() whose child (a new session) the agent owns: killed when the call is
    cancelled or the agent ends. Without env= the child gets environ() (the host's variables
    included); an env= given is the child's whole environment, as with subprocess."""
    import subprocess as sp
    if 'env' not in kw and ENV:
        kw['env'] = environ()
    kw.setdefault('stdout', sp.PIPE)
    kw.setdefault('stderr', sp.PIPE)
    kw.setdefault('stdin', sp.DEVNULL if input is None else sp.PIPE)
    kw['start_new_session'] = True  # its own process group: what CANCEL and the watchdog kill
    kw.pop('process_group', None)
    c = context()
    p = adopt(lambda: sp.Popen(argv, **kw))
    try:
        try:
            out, errout = p.communicate(input, timeout)
        except sp.TimeoutExpired:
            kill(p)
            out, errout = p.communicate()
            raise sp.TimeoutExpired(argv, timeout, out, errout)
    finally:
        release(p)
    if c and c.cancelled.is_set():
        raise Cancelled('cancelled')
    return sp.CompletedProcess(argv, p.returncode, out, errout)


def run(c, fn, args):
    if c.done:  # cancelled while queued
        return
    LOCAL.ctx = c
    try:
        result = fn(**args)
        try:
            ftype, body = 16, enc(result)
        except Exception as e:
            ftype, body = 17, err(e, 'EncodeError')
    except BaseException as e:
        ftype, body = 17, err(e)
    LOCAL.ctx = None
    finish(c, ftype, body, c.batch)


# Worker pool, grown lazily: `free` is idle workers minus queued jobs.
class Jobs:
    """A blocking FIFO made of _thread locks (the _queue library costs a host 0.25 ms to load)."""

    def __init__(self):
        self.items = []
        self.waiting = []  # one acquired lock per idle worker; put() releases one
        self.lock = allocate_lock()

    def put(self, item):
        with self.lock:
            self.items.append(item)
            if self.waiting:
                self.waiting.pop().release()

    def get(self):
        while True:
            with self.lock:
                if self.items:
                    return self.items.pop(0)
                wake = allocate_lock()
                wake.acquire()
                self.waiting.append(wake)
            wake.acquire()


JOBS = Jobs()
POOL = {'free': 0, 'threads': 0}
POOL_LOCK = allocate_lock()


def worker():
    while True:
        run(*JOBS.get())
        with POOL_LOCK:
            POOL['free'] += 1


def submit(job):
    with POOL_LOCK:
        POOL['free'] -= 1
        if POOL['free'] < 0 and POOL['threads'] < 64:
            POOL['threads'] += 1
            POOL['free'] += 1
            start_new_thread(worker, ())
    JOBS.put(job)


def lookup(tool, method):
    key = (tool, method)
    hit = METHODS.get(key)
    if hit is None:
        cls = TOOLS.get(tool)
        if cls is None:
            broken = ', '.join(sorted(FAILED))
            raise UnknownTool('unknown tool %r (%s)' % (tool, 'not synced?' if not broken else
                                                        'not synced, or in a module that failed '
                                                        'to load: ' + broken))
        # Only what the tool's class declares itself, as describe lists it: a public static or
        # class method. Nothing inherited (type.mro, object.__subclasshook__), no dunder, no
        # _helper.
        raw = vars(cls).get(method) if type(method) is str and method[:1] != '_' else None
        if not isinstance(raw, (staticmethod, classmethod)):
            raise UnknownTool('tool %s has no method %r' % (tool, method))
        fn = getattr(cls, method)
        hit = METHODS[key] = (fn, getattr(fn, '_hd_inline', False))
    return hit


def watch_logging():
    # Forward records once something has imported logging (importing it ourselves costs ~6 ms
    # of every host's start-up); a tool that logs imports logging at module level.
    if STATE['log'] is None and 'logging' in sys.modules:
        setup_logging()


def templated(fn, spec):
    """fn called with its arguments rendered over spec['context'] by the _expr helper module;
    {"$when": false} instead when spec['when'] is false."""
    def call(**args):
        import _expr
        rendered = _expr.prepare(args, spec)
        return {'$when': False} if rendered is None else fn(**rendered)
    return call


def on_call(cid, req, batch):
    STATE['calls'] += 1
    watch_logging()
    c = Ctx(cid, bool(req.get('check')))
    try:
        fn, is_inline = lookup(req.get('tool'), req.get('method'))
    except UnknownTool as e:
        return send(17, cid, err(e, 'UnknownTool'), batch)
    CALLS[cid] = c
    args = req.get('args') or {}
    spec = req.get('render')
    if spec is not None:  # a recipe step: arguments and condition are templates (PROTOCOL.md)
        fn, is_inline = templated(fn, spec), False
    if is_inline:
        c.batch = batch
        run(c, fn, args)
    else:
        submit((c, fn, args))


def source_of(name):
    src = SOURCES[name]
    if type(src) is not str:
        src = SOURCES[name] = _lzma.LZMADecompressor().decompress(src).decode()
    return src


def on_sync(cid, req, batch):
    """A module as source, or as xz'd source ('packed') with zlib'd code for one bytecode magic."""
    name = req['module']
    code = req.get('code')
    SYNCS[name] = SYNCS.get(name, 0) + 1
    SOURCES[name] = req['source'] if 'source' in req else req['packed']
    fname = 'tools/%s.py' % name
    try:
        mod = type(sys)(name)
        mod.__file__ = fname
        sys.modules[name] = mod
        code = bytecode(code)
        LOADED[name] = 'source' if code is None else 'bytecode'
        if code is None:
            code = compile(source_of(name), fname, 'exec')
        exec(code, mod.__dict__)
    except BaseException as e:
        sys.modules.pop(name, None)
        FAILED[name] = err_dict(e)
        return send(17, cid, err(e), batch)
    FAILED.pop(name, None)
    watch_logging()
    METHODS.clear()
    if name[:1] != '_':
        for key, value in list(vars(mod).items()):
            if isinstance(value, type) and value.__module__ == name and key[:1] != '_':
                TOOLS[key] = value
    send(16, cid, b'null', batch)


def on_cancel(cid, batch):
    c = CALLS.get(cid)
    if c is None:
        return
    c.cancelled.set()
    for p in list(c.procs):
        kill(p)
    finish(c, 17, err(Cancelled('cancelled'), 'Cancelled'), batch)


def on_config(cid, req, batch):
    if 'env' in req:  # replaces the previous one; checked before anything changes
        env = req['env']
        if type(env) is not dict or not all(
                type(v) is str and k and '=' not in k and '\0' not in k + v for k, v in env.items()):
            return send(17, cid, err(ValueError('env must map variable names (no "=" or NUL) to '
                                                'strings without NUL')), batch)
        ENV.clear()
        ENV.update(env)
    for key in CONF:
        if key in req:
            CONF[key] = int(req[key])
    if STATE['log']:
        STATE['log'].setLevel(CONF['log_level'])
        STATE['log'].root.setLevel(CONF['log_level'])
    send(16, cid, enc(CONF), batch)


def setup_logging():
    import logging

    class Forward(logging.Handler):
        root = logging.getLogger()

        def emit(self, r):
            if getattr(LOCAL, 'logging', False):
                return
            LOCAL.logging = True
            try:
                text = self.format(r)
                if len(text) > 65536:  # the controller refuses LOG bodies over 1 MiB
                    text = text[:65536] + '... (%d characters cut)' % (len(text) - 65536)
                put(frame(19, 0, enc({'level': r.levelno, 'logger': r.name, 'message': text,
                                      'file': r.pathname, 'line': r.lineno, 'time': r.created})))
            except Exception:
                pass
            finally:
                LOCAL.logging = False

    h = STATE['log'] = Forward(CONF['log_level'])
    h.root.addHandler(h)
    h.root.setLevel(CONF['log_level'])


def wellformed(ftype, req):
    """The fields a request needs, of the types PROTOCOL.md gives them (else a protocol error,
    not an exception in the reader)."""
    if ftype == 1:
        # A method that is no string is the caller's mistake, answered as an unknown method.
        return type(req.get('tool')) is str and 'method' in req and \
            type(req.get('args', {})) in (dict, type(None))
    if ftype == 2:
        return type(req.get('module')) is str and \
            type(req['source'] if 'source' in req else req.get('packed')) in (str, bytes)
    if ftype == 4:
        return all(type(req[k]) is int for k in CONF if k in req)
    return True


def handle(ftype, flags, fid, body, batch):
    """Decode and dispatch one frame; anything malformed ends the session."""
    if ftype == 6:  # PING: answered at once, here on the reader thread, whatever tools are doing
        return send(20, fid, b'{}', batch)
    try:
        if flags & 0x1000000:
            from _lzma import LZMADecompressor
            z = LZMADecompressor()
            body = z.decompress(body, CONF['max_frame'] + 1)
            if not z.eof or len(body) > CONF['max_frame']:
                raise ValueError
        if flags & 0x2000000:
            n = U32.unpack_from(body)[0] + 4
            pos, atts = n, []
            while pos < len(body):
                m = pos + 4 + U32.unpack_from(body, pos)[0]
                atts.append(bytes(body[pos + 4:m]))
                pos = m
            if pos != len(body):
                raise ValueError
            LOCAL.inatt, body = atts, body[4:n]
        # find(), not `in`: `in` first tries the operand as an int and formats an error
        req = (_decode_bytes if body.find(b'$b') >= 0 else _decode)(body.decode())
        if type(req) is not dict or not 0 < ftype < 5 or not wellformed(ftype, req):
            raise ValueError
    except Exception:
        die(2)
    if ftype == 1:
        on_call(fid, req, batch)
    elif ftype == 2:
        on_sync(fid, req, batch)
    elif ftype == 3:
        on_cancel(fid, batch)
    else:
        on_config(fid, req, batch)


def main():
    buf = bytearray()  # the start of a frame whose end has not arrived yet
    while True:
        # 64 KiB: below malloc's mmap threshold. A bigger read buffer cost every read an mmap, an
        # mremap and a munmap (the bytes object is cut to what was read).
        data = os.read(RFD, 1 << 16)
        if not data:
            die(0)
        if buf:
            buf += data
            data = buf
        size = len(data)
        pos = 0
        batch = []
        while size - pos >= 20:
            magic, version, ftype, flags, fid, length = HDR.unpack_from(data, pos)
            if magic != MAGIC or version != 1 or flags & ~0x3000000 or length > CONF['max_frame']:
                die(2)
            end = pos + 20 + length
            if end > size:
                break
            handle(ftype, flags, fid, data[pos + 20:end], batch)
            pos = end
        if data is buf:
            del buf[:pos]
        elif pos < size:
            buf += memoryview(data)[pos:]
        if batch:
            put(b''.join(batch))


def cleandoc(s):
    lines = (s or '').expandtabs().split('\n')
    indent = min([len(x) - len(x.lstrip()) for x in lines[1:] if x.strip()] or [0])
    return '\n'.join([lines[0].strip()] + [x[indent:].rstrip() for x in lines[1:]]).strip()


def describe_method(source, node, raw):
    import ast
    seg = lambda n: n and ast.get_source_segment(source, n)
    fn = raw.__func__
    a = node.args
    positional = a.posonlyargs + a.args
    defaults = fn.__defaults__ or ()
    first = len(positional) - len(defaults)
    none = cleandoc  # sentinel: no default
    pairs = [(p, defaults[i - first] if i >= first else none) for i, p in enumerate(positional)]
    kwdefaults = fn.__kwdefaults__ or {}
    pairs += [(p, kwdefaults.get(p.arg, none)) for p in a.kwonlyargs]
    params = []
    for p, default in pairs[isinstance(raw, classmethod):]:
        d = {'name': p.arg, 'type': seg(p.annotation), 'required': default is none}
        if default is not none:
            try:
                enc(default)
                d['default'] = default
            except Exception:
                pass
        params.append(d)
    out = {'name': node.name, 'doc': cleandoc(fn.__doc__),
           'changes': getattr(fn, '_hd_changes', False), 'inline': getattr(fn, '_hd_inline', False),
           'internal': getattr(fn, '_hd_internal', False), 'params': params, 'returns': seg(node.returns), 'timeout': getattr(fn, '_hd_timeout', None)}
    if getattr(fn, '_hd_timeout_param', None):
        out['timeout_param'] = fn._hd_timeout_param
    return out


def describe_module(name):
    import ast
    source = source_of(name)
    mod = sys.modules[name]
    out = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef) and node.name[:1] != '_':
            cls = getattr(mod, node.name)
            methods = []
            for f in node.body:
                mname = getattr(f, 'name', '_')
                raw = cls.__dict__.get(mname)
                if mname[:1] != '_' and isinstance(raw, (staticmethod, classmethod)):
                    methods.append(describe_method(source, f, raw))
            out.append({'tool': node.name, 'module': name, 'doc': cleandoc(cls.__doc__),
                        'methods': methods})
    return out


class Agent:
    """Built-in tool `_agent`."""

    @staticmethod
    def describe(modules):
        out = []
        for name in modules:
            if name in FAILED:
                out.append({'module': name, 'error': FAILED[name]})
                continue
            if name not in SOURCES or name not in sys.modules:
                out.append({'module': name, 'error': {
                    'type': 'NotSynced', 'message': 'module %s was not synced' % name,
                    'traceback': [], 'details': {}}})
                continue
            try:
                out += describe_module(name)
            except Exception as e:
                out.append({'module': name, 'error': err_dict(e)})
        return out

    @staticmethod
    def stats():
        return {'syncs': dict(SYNCS), 'calls': STATE['calls'], 'python': PYVER, 'pid': os.getpid(),
                'loaded': dict(LOADED), 'bytecode_magic': binascii.hexlify(PYC_MAGIC).decode()}

    @staticmethod
    @inline
    def echo(value):
        return value


def usable_cwd():
    """Become can start the agent in a directory its user may not enter (the login user's home,
    under sudo -u or su): then commands start in the user's home, or /, as Ansible's modules do."""
    if os.access('.', os.R_OK | os.X_OK):
        return
    for d in (os.environ.get(b'HOME'), b'/'):
        try:
            os.chdir(d)
            return
        except (OSError, TypeError):
            pass


TOOLS['_agent'] = Agent
hostdeck = type(sys)('hostdeck')
hostdeck.__dict__.update(context=context, exit_after_reply=exit_after_reply, inline=inline,
                         changes=changes, internal=internal, run_process=run_process,
                         environ=environ, timeout=timeout, adopt=adopt, release=release,
                         at_exit=at_exit, ToolError=ToolError, Cancelled=Cancelled, Path=str, Text=str, Secret=str)
sys.modules['hostdeck'] = hostdeck
usable_cwd()
for _sig in ('SIGTERM', 'SIGHUP'):  # asked to stop: end like on EOF, children and all
    _signal.signal(getattr(_signal, _sig), lambda n, f: die(128 + n))
try:
    main()
finally:
    die(5)

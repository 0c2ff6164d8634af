"""Hostdeck boot stage: the small program the loader unpacks from stdin (PROTOCOL.md §1).

It protects the stdio, says READY, then reads one BOOT frame holding the agent twice: as xz'd
source, and optionally as zlib'd marshalled code for one Python bytecode magic. The code runs when
its magic is this interpreter's own (no compile: ~10 ms less per host); otherwise the source is
compiled. Either way the agent runs in these globals and uses RFD, WFD, PYVER, AGENT_FILE,
PYC_MAGIC, LOADED and bytecode().
Python 3.8 syntax; `_lzma` comes from the loader.
"""
import sys
import posix as os  # all the boot stage needs, without os's 2 ms of imports

# Stdio protection: the protocol lives on private, non-inheritable copies of fds 0 and 1, and
# fds 0/1/2 point at /dev/null so print(), tracebacks and children cannot touch the stream.
RFD = os.dup(0)
WFD = os.dup(1)
_null = os.open('/dev/null', os.O_RDWR)
for _fd in (0, 1, 2):
    os.dup2(_null, _fd)
if _null > 2:
    os.close(_null)
AGENT_FILE = 'hostdeck-agent.py'
PYVER = '%d.%d.%d' % sys.version_info[:3]
PYC_MAGIC = sys.modules['_frozen_importlib_external'].MAGIC_NUMBER
# After the pid: the capabilities of the agent that follows (PROTOCOL.md §1, Handshake).
os.write(WFD, ('HOSTDECK-READY 1 %s %d ping\n' % (PYVER, os.getpid())).encode())


def _take(n):
    b = b''
    while len(b) < n:
        c = os.read(RFD, n - len(b))
        if not c:
            os._exit(0)
        b += c
    return b


def bytecode(blob):
    """The code in a '4-byte magic + zlib(marshal)' blob; None when it is not for this Python or
    cannot be loaded (no zlib, a damaged blob): the caller compiles the source then. The agent
    uses it for tool modules too."""
    if blob is None or blob[:4] != PYC_MAGIC:
        return None
    try:
        import marshal, zlib
        code = marshal.loads(zlib.decompress(blob[4:]))
    except Exception:
        return None
    return code if type(code) is type(bytecode.__code__) else None


# BOOT: magic "HD", version 1, type 5, no flags; body = u32 n, xz(source) of n bytes, then
# optionally the 4-byte bytecode magic and zlib(marshal(code)).
_h = _take(20)
if _h[:8] != b'HD\x01\x05\0\0\0\0':
    os._exit(2)
_b = _take(int.from_bytes(_h[16:], 'big'))
_n = 4 + int.from_bytes(_b[:4], 'big')
_c = bytecode(_b[_n:])
LOADED = {'hostdeck-agent': 'source' if _c is None else 'bytecode'}
if _c is None:
    _c = compile(_lzma.LZMADecompressor().decompress(_b[4:_n]), AGENT_FILE, 'exec')
del _h, _b, _n
exec(_c)

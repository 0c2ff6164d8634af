"""A hostile or broken agent for tests: it speaks the Hostdeck protocol (PROTOCOL.md) to the real
controller, but misbehaves in the way MODE says. It stands in for the interpreter:

    python3 fake_agent.py MODE [MARKER] [-E -S -c LOADER]   (the controller appends the loader)

(MARKER: any word, so that a test can find exactly its own processes.)

It reads what the controller streams (the boot payload, whose size it takes from the loader, the
BOOT frame, then frames), says READY, and answers CONFIG and SYNC like the real agent. CALLs get
what MODE says:

  zeros-result   a RESULT of 64 MiB of [0,0,...] (uncompressed)
  xz-zeros       a RESULT of the same, xz-compressed (about 10 KB on the wire)
  xz-lists       a RESULT of 64 MiB of [[],[],...], xz-compressed
  deep           a RESULT nested a million levels deep, xz-compressed
  chunk-flood    an endless stream of small xz CHUNKs that each expand to 8 MiB
  log-flood      an endless stream of small xz LOG records that each expand to 1 MiB
  ansi           an ERROR whose message and traceback carry ESC/BEL/OSC sequences, a LOG too
  echo           a RESULT with the call's args (a well-behaved host)
  silent         nothing, ever (no PONG either): a frozen host
  close-stdout   (before any call) closes its stdout and stays alive
  noise-exit     prints ANSI noise (stdout) and stderr, then exits 3 before READY
  noise-ready    prints ANSI noise lines, then READY, then behaves like echo

Stdlib only. The process exits when its stdin closes.
"""
import json
import lzma
import os
import re
import struct
import sys
import threading

HEADER = struct.Struct('>HBBBxxxQI')
MAGIC = 0x4844
BOOT, PING, CALL, SYNC, CANCEL, CONFIG = 5, 6, 1, 2, 3, 4
RESULT, ERROR, CHUNK, LOG, PONG = 16, 17, 18, 19, 20
ANSI = '\x1b[31mred\x1b[0m \x07bell \x1b]0;pwned-title\x07 \x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\ \rover'
BIG = 64 << 20

write_lock = threading.Lock()
out_fd = 1


def send(ftype, fid, body, flags=0):
    data = HEADER.pack(MAGIC, 1, ftype, flags, fid, len(body)) + body
    with write_lock:
        view = memoryview(data)
        while view:
            view = view[os.write(out_fd, view):]


def read_exact(n):
    data = b''
    while len(data) < n:
        chunk = os.read(0, n - len(data))
        if not chunk:
            os._exit(0)
        data += chunk
    return data


def xz(data):
    return lzma.compress(data, preset=6)


def zeros():
    return b'[' + b'0,' * (BIG // 2 - 2) + b'0]'


def prepared(mode):
    """What the mode sends, made before READY so that timing starts with the call."""
    if mode == 'zeros-result':
        return zeros()
    if mode == 'xz-zeros':
        return xz(zeros())
    if mode == 'xz-lists':
        return xz(b'[' + b'[],' * (BIG // 3 - 2) + b'[]]')
    if mode == 'deep':
        return xz(b'[' * (1 << 20))
    if mode == 'chunk-flood':
        return xz(json.dumps({'stream': 'stdout', 'data': 'a' * (8 << 20)}).encode())
    if mode == 'log-flood':
        return xz(json.dumps({'level': 40, 'logger': 'flood', 'message': 'x' * ((1 << 20) - 200),
                              'file': 'f', 'line': 1, 'time': 0}).encode())
    return None


def flood(ftype, fid, body):
    while True:
        send(ftype, fid, body, 1)


def on_call(mode, fid, req, blob):
    if mode == 'silent':
        return
    if mode == 'zeros-result':
        send(RESULT, fid, blob)
    elif mode in ('xz-zeros', 'xz-lists', 'deep'):
        send(RESULT, fid, blob, 1)
    elif mode == 'chunk-flood':
        threading.Thread(target=flood, args=(CHUNK, fid, blob), daemon=True).start()
    elif mode == 'log-flood':
        threading.Thread(target=flood, args=(LOG, 0, blob), daemon=True).start()
    elif mode == 'ansi':
        send(LOG, 0, json.dumps({'level': 40, 'logger': 'evil\x1b[2J', 'message': ANSI,
                                 'file': 'f\x07', 'line': 1, 'time': 0}).encode())
        send(ERROR, fid, json.dumps({
            'type': 'Evil\x1b[5m', 'message': 'boom ' + ANSI,
            'traceback': [{'file': 'tools/evil.py\x1b]0;t\x07', 'line': 3,
                           'function': 'go\x1b[8m', 'code': 'raise X(\x07)'}],
            'details': {}}).encode())
    else:
        send(RESULT, fid, json.dumps(req.get('args')).encode())


def main():
    global out_fd
    mode = sys.argv[1]
    # The loader is the last '-c' argument (this script may itself run as `python3 -c SOURCE`).
    at = len(sys.argv) - 1 - sys.argv[::-1].index('-c') if '-c' in sys.argv[2:] else -1
    loader = sys.argv[at + 1] if 0 <= at < len(sys.argv) - 1 else ''
    match = re.search(r'n=(\d+);', loader)
    payload = int(match.group(1)) if match else 0
    if mode == 'noise-exit':
        os.write(1, ('Welcome ' + ANSI + '\n').encode())
        os.write(2, ('fatal: ' + ANSI + '\n').encode())
        os._exit(3)
    blob = prepared(mode)
    # Like boot.py: the protocol on a private copy of fd 1, fds 1 and 2 on /dev/null (over SSH,
    # sshd sends the channel's EOF only once both stdout and stderr are closed).
    out_fd = os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 1)
    os.dup2(null, 2)
    if mode == 'noise-ready':
        os.write(out_fd, ('motd ' + ANSI + '\n').encode())
    os.write(out_fd, b'HOSTDECK-READY 1 3.11.2 %d ping\n' % os.getpid())
    read_exact(payload)
    if mode == 'close-stdout':
        os.close(out_fd)
        while os.read(0, 65536):  # alive, silent, until stdin closes
            pass
        os._exit(0)
    while True:
        head = read_exact(20)
        magic, version, ftype, flags, fid, length = HEADER.unpack(head)
        body = read_exact(length)
        if ftype == BOOT:
            continue
        if ftype == PING:
            if mode != 'silent':
                send(PONG, fid, b'{}')
            continue
        if ftype == CANCEL:
            continue
        if flags & 1:
            body = lzma.decompress(body)
        if flags & 2:
            (n,) = struct.unpack_from('>I', body)
            body = body[4:4 + n]
        req = json.loads(body) if body else {}
        if ftype == CONFIG:
            if mode != 'silent':
                send(RESULT, fid, b'{}')
        elif ftype == SYNC:
            if mode != 'silent':
                send(RESULT, fid, b'null')
        elif ftype == CALL:
            on_call(mode, fid, req, blob)


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
"""Fuzzer for the Python agent's frame reader (bootstrap/agent.py), standard library only.

Each case starts the real agent as the controller does (loader, boot payload, READY), writes the
case's bytes, then one well-formed CALL `_agent.echo` and closes stdin. Whatever the bytes were,
the agent must answer or close, never hang:
  - it exits within a deadline, with 0 (end of input) or 2 (protocol error), never by a signal,
    an uncaught exception (5) or a traceback on stderr;
  - what it wrote is a stream of well-formed frames of the agent's types (RESULT, ERROR, CHUNK,
    LOG) with decodable bodies (a frame cut short by the exit is tolerated at the very end only);
  - when the case's bytes are whole frames the agent accepted (it did not exit with 2), the
    final echo is answered with its value.

    fuzz_agent_reader.py --replay DIR            run every file of DIR once (CTest)
    fuzz_agent_reader.py --seconds N [--seed S] [--corpus DIR] [--artifacts DIR] [--grow DIR]
                                                 mutate for N seconds (tests/fuzz/run-fuzz.sh)

Mutations start from built-in seeds (every request type, compressed and attachment bodies,
broken headers) and the corpus; an input whose outcome (exit code, answered frame types, error
types) was not seen before joins the pool, and with --grow is written to DIR. A failing input is
written to --artifacts and the run exits 1.
"""
import argparse
import hashlib
import json
import lzma
import os
import random
import select
import struct
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "support"))

import agent_client as ac  # noqa: E402

HEADER = ac.HEADER
ECHO_ID = 0x7E57_0000_0000_0001  # an id the mutations do not produce
MARKER = "hostdeck-fuzz-echo"
DEADLINE = 10.0
AGENT_TYPES = (16, 17, 18, 19)


def frame(ftype: int, fid: int, body: bytes, flags: int = 0, version: int = 1,
          magic: int = ac.MAGIC, length: Optional[int] = None) -> bytes:
    return HEADER.pack(magic, version, ftype, flags, fid, len(body) if length is None else length) + body


def js(value) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def attached(json_text: bytes, blobs: List[bytes]) -> bytes:
    out = struct.pack(">I", len(json_text)) + json_text
    for blob in blobs:
        out += struct.pack(">I", len(blob)) + blob
    return out


def call(fid: int, tool: str, method: str, args=None) -> bytes:
    return frame(1, fid, js({"tool": tool, "method": method, "args": args or {}, "check": False}))


def seeds() -> List[bytes]:
    module = "class Fz:\n    @staticmethod\n    def ping(n: int = 1):\n        return n + 1\n"
    return [
        call(1, "_agent", "echo", {"value": [1, "x", None]}),
        call(2, "_agent", "stats"),
        frame(4, 3, js({"log_level": 10, "compress_min": 64, "max_frame": 4096})),
        frame(3, 1, b"{}"),
        frame(2, 4, js({"module": "fz", "source": module})) + call(5, "Fz", "ping", {"n": 2}),
        frame(1, 6, lzma.compress(js({"tool": "_agent", "method": "echo", "args": {"value": "z" * 300},
                                      "check": False}), format=lzma.FORMAT_XZ), flags=1),
        frame(1, 7, attached(b'{"tool":"_agent","method":"echo","args":{"value":{"$bin":0}},'
                             b'"check":false}', [b"\x00\xffraw"]), flags=2),
        call(8, "_agent", "nosuch") + call(9, "NoTool", "x"),
        call(10, "_agent", "echo", {"value": {"$bytes": "AAEC"}}),
        frame(1, 11, b"[]"),
        frame(1, 12, b'{"tool": "_agent"'),
        frame(16, 13, b"1"),
        frame(1, 14, b"", length=5),
        frame(1, 15, b"{}", magic=0x5844),
        frame(1, 16, b"{}", version=2),
        frame(1, 17, b"{}", flags=4),
        frame(1, 18, b"\xfd7zXZ\x00garbage", flags=1),
        frame(1, 19, attached(b"{}", [b"x"])[:-1] + b"\x00\x00\x00\x09", flags=2),
        frame(1, 20, b"{}", length=(64 << 20) + 1),
        call(21, "_agent", "describe", {"modules": ["fz"]}),
    ]


# --- running one case --------------------------------------------------------------------------

class Outcome:
    def __init__(self) -> None:
        self.code: Optional[int] = None
        self.hung = False
        self.frames: List[Tuple[int, int, object]] = []
        self.problems: List[str] = []

    def signature(self) -> str:
        kinds = []
        for ftype, fid, body in self.frames:
            kind = str(ftype)
            if ftype == 17 and isinstance(body, dict):
                kind += ":" + str(body.get("type"))
            kinds.append(kind)
        return "%s|%s" % (self.code, ",".join(sorted(set(kinds))))


def whole_frames(data: bytes) -> bool:
    """True when `data` is a sequence of complete frames with headers the agent reads on (its
    own framing rule; bodies may still be refused)."""
    pos = 0
    while pos < len(data):
        if len(data) - pos < 20:
            return False
        magic, version, _, flags, _, length = HEADER.unpack_from(data, pos)
        if magic != ac.MAGIC or version != 1 or flags & ~3 or length > (64 << 20):
            return False
        pos += 20 + length
    return pos == len(data)


def parse_output(out: bytes, outcome: Outcome) -> None:
    pos = 0
    while pos < len(out):
        if len(out) - pos < 20:
            outcome.problems.append("trailing bytes after the last frame: %r" % out[pos:pos + 40])
            return
        magic, version, ftype, flags, fid, length = HEADER.unpack_from(out, pos)
        if magic != ac.MAGIC or version != 1 or flags & ~3 or ftype not in AGENT_TYPES:
            outcome.problems.append("bad frame header from the agent: %r" % out[pos:pos + 20])
            return
        end = pos + 20 + length
        if end > len(out):
            if outcome.code in (0, 2):
                return  # cut short by the exit: tolerated at the very end
            outcome.problems.append("truncated frame")
            return
        body = out[pos + 20:end]
        try:
            if flags & 1:
                body = lzma.decompress(body)
            attachments = None
            if flags & 2:
                body, attachments = ac.split_attachments(body)
            value = ac.decode_body(body, attachments)
        except Exception as e:  # noqa: BLE001 - any decoding failure is the finding
            outcome.problems.append("undecodable body of a type %d frame: %r" % (ftype, e))
            return
        outcome.frames.append((ftype, fid, value))
        pos = end


def run_case(python: str, data: bytes, workdir: str) -> Outcome:
    loader, payload = ac.bootstrap()
    outcome = Outcome()
    proc = subprocess.Popen([python, "-E", "-S", "-c", loader], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=workdir,
                            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    try:
        proc.stdin.write(payload)
        proc.stdin.flush()
        try:
            ac.AgentClient._await_ready(proc, DEADLINE)
        except Exception as e:  # noqa: BLE001
            outcome.problems.append("no READY: %r" % e)
            return outcome
        echo = call(ECHO_ID, "_agent", "echo", {"value": MARKER})
        out, err = _exchange(proc, data + echo, DEADLINE)
        if out is None:
            outcome.hung = True
            outcome.problems.append("no exit within %.0f s of the end of input" % DEADLINE)
            return outcome
        outcome.code = proc.returncode
        if outcome.code not in (0, 2):
            outcome.problems.append("exit code %s (expected 0 or 2)" % outcome.code)
        if b"Traceback" in err:
            outcome.problems.append("traceback on stderr: %s" % err[-600:].decode("utf-8", "replace"))
        parse_output(out, outcome)
        if outcome.code == 0 and whole_frames(data):
            answers = [body for ftype, fid, body in outcome.frames if fid == ECHO_ID and ftype == 16]
            if answers != [MARKER]:
                outcome.problems.append("the final echo got %r" % answers)
        return outcome
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            try:
                stream.close()
            except OSError:
                pass


def _exchange(proc: subprocess.Popen, data: bytes, timeout: float):
    """Write `data` (without blocking on a full pipe), close stdin, read both outputs until the
    process exits; (None, None) when it does not exit in time."""
    out, err = bytearray(), bytearray()
    deadline = time.monotonic() + timeout
    os.set_blocking(proc.stdin.fileno(), False)
    pending = memoryview(data)
    readers = {proc.stdout.fileno(): out, proc.stderr.fileno(): err}
    stdin_open = True
    while readers:
        left = deadline - time.monotonic()
        if left <= 0:
            return None, None
        writers = [proc.stdin.fileno()] if stdin_open else []
        ready_r, ready_w, _ = select.select(list(readers), writers, [], min(left, 0.5))
        if ready_w:
            try:
                n = os.write(proc.stdin.fileno(), pending[:65536])
                pending = pending[n:]
            except (BrokenPipeError, BlockingIOError):
                pending = pending[:0]
            if not pending:
                proc.stdin.close()
                stdin_open = False
        for fd in ready_r:
            chunk = os.read(fd, 1 << 16)
            if chunk:
                readers[fd] += chunk
            else:
                del readers[fd]
    try:
        proc.wait(max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        return None, None
    return bytes(out), bytes(err)


# --- mutation ----------------------------------------------------------------------------------

def mutate(rng: random.Random, data: bytes, pool: List[bytes]) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(10)
        if op == 0 and b:  # flip bits
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
        elif op == 1:  # insert random bytes
            i = rng.randrange(len(b) + 1)
            b[i:i] = os.urandom(rng.randint(1, 16))
        elif op == 2 and b:  # delete a range
            i = rng.randrange(len(b))
            del b[i:i + rng.randint(1, 32)]
        elif op == 3 and b:  # truncate
            del b[rng.randrange(len(b)):]
        elif op == 4 and len(b) >= 20:  # a header field
            field = rng.choice([(4, "B", rng.choice([0, 1, 2, 3, 4, 5, 16, 17, 99, 255])),
                                (5, "B", rng.choice([0, 1, 2, 3, 4, 0x80, 0xff])),
                                (8, ">Q", rng.choice([0, 1, 2, 2 ** 64 - 1, rng.getrandbits(64)])),
                                (16, ">I", rng.choice([0, 1, len(b) - 20, len(b), 4096, 2 ** 32 - 1,
                                                       max(0, len(b) - 20 + rng.randint(-8, 8))]))])
            offset, fmt, value = field
            struct.pack_into(fmt, b, offset, value)
        elif op == 5 and pool:  # splice another input in
            other = rng.choice(pool)
            i = rng.randrange(len(b) + 1)
            b[i:i] = other[rng.randrange(len(other) + 1):] if other else b""
        elif op == 6 and pool:  # append another input
            b += rng.choice(pool)
        elif op == 7 and len(b) > 20:  # replace the body with JSON-ish junk
            junk = rng.choice([b"{}", b"[]", b"null", b'{"tool":1}', b'{"$bytes":"!!"}',
                               b'{"tool":"_agent","method":"echo","args":{"value":' + b"[" * 50,
                               os.urandom(rng.randint(0, 40))])
            b = b[:20] + junk
            struct.pack_into(">I", b, 16, len(junk))
        elif op == 8 and b:  # duplicate a range
            i = rng.randrange(len(b))
            b[i:i] = b[i:i + rng.randint(1, 64)]
        else:  # overwrite with an interesting byte
            if b:
                b[rng.randrange(len(b))] = rng.choice([0, 1, 0x7f, 0x80, 0xff, ord("{"), ord('"')])
    return bytes(b[:1 << 16])


def name_of(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()[:16] + ".bin"


def save(directory: str, data: bytes) -> str:
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, name_of(data))
    with open(path, "wb") as f:
        f.write(data)
    return path


def report(path_or_name: str, outcome: Outcome) -> None:
    print("FAIL %s: %s" % (path_or_name, "; ".join(outcome.problems)), file=sys.stderr)


def replay(python: str, directory: str, workdir: str) -> int:
    files = sorted(os.listdir(directory)) if os.path.isdir(directory) else []
    inputs = [(f, open(os.path.join(directory, f), "rb").read()) for f in files]
    inputs += [("seed-%d" % i, s) for i, s in enumerate(seeds())]
    failed = 0
    for name, data in inputs:
        outcome = run_case(python, data, workdir)
        if outcome.problems:
            report(name, outcome)
            failed += 1
    print("replayed %d inputs (%d from %s), %d failed" % (len(inputs), len(files), directory, failed))
    return 1 if failed else 0


def fuzz(python: str, seconds: float, seed: int, corpus: str, artifacts: str, grow: Optional[str],
         workdir: str) -> int:
    rng = random.Random(seed)
    pool = seeds()
    if corpus and os.path.isdir(corpus):
        pool += [open(os.path.join(corpus, f), "rb").read() for f in sorted(os.listdir(corpus))]
    seen: Dict[str, int] = {}
    for data in pool:
        seen.setdefault(run_case(python, data, workdir).signature(), 0)
    started, cases, failures = time.monotonic(), 0, 0
    while time.monotonic() - started < seconds:
        data = mutate(rng, rng.choice(pool), pool)
        outcome = run_case(python, data, workdir)
        cases += 1
        if outcome.problems:
            failures += 1
            report(save(artifacts, data), outcome)
            continue
        signature = outcome.signature()
        if signature not in seen:
            seen[signature] = 1
            pool.append(data)
            if grow:
                save(grow, data)
    print("fuzz_agent_reader: %d cases in %.0f s (seed %d), %d outcomes, %d failures"
          % (cases, time.monotonic() - started, seed, len(seen), failures))
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=os.environ.get("HOSTDECK_TEST_PYTHON") or sys.executable)
    parser.add_argument("--replay", metavar="DIR")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--corpus", metavar="DIR", default=os.path.join(HERE, "corpus", "agent_reader"))
    parser.add_argument("--artifacts", metavar="DIR", default=os.path.join(tempfile.gettempdir(),
                                                                        "hostdeck-agent-reader"))
    parser.add_argument("--grow", metavar="DIR")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hostdeck-fuzz-agent-") as workdir:
        if args.replay:
            return replay(args.python, args.replay, workdir)
        return fuzz(args.python, args.seconds, args.seed, args.corpus, args.artifacts, args.grow,
                    workdir)


if __name__ == "__main__":
    sys.exit(main())

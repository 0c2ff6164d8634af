"""Figures for FileSystem.sync_manifest through the real agent (a local python3) on 10,000 files.

Prints the median of --reps runs for: a first manifest without hashes, a no-change re-sync
(the controller's known manifest has every file with its size and mtime: nothing is hashed),
the worst lazy case (every mtime differs, every file is hashed), and hash=all. The time is a
round trip as a controller sees it: call, walk, encode, decode.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tools"))

import harness  # noqa: E402


def build(root: str, dirs: int, per_dir: int, size: int) -> None:
    for d in range(dirs):
        os.makedirs(os.path.join(root, "d%03d" % d))
        for i in range(per_dir):
            with open(os.path.join(root, "d%03d" % d, "f%04d" % i), "wb") as f:
                f.write(os.urandom(size))


def timed(agent, reps: int, **args):
    times, result = [], None
    for _ in range(reps):
        started = time.perf_counter()
        result = agent.tool("FileSystem", "sync_manifest", call_timeout=600, **args)
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--files", type=int, default=10000)
    parser.add_argument("--size", type=int, default=2048, help="bytes per file")
    opts = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="hostdeck-bench-manifest-")
    agent = harness.start_agent()
    try:
        root = os.path.join(tmp, "tree")
        build(root, 100, opts.files // 100, opts.size)
        first_s, first = timed(agent, opts.reps, root=root, hash="none")
        files = [e for e in first["entries"] if e["type"] == "file"]
        same = {e["path"]: [e["size"], e["mtime_ns"]] for e in files}
        moved = {e["path"]: [e["size"], e["mtime_ns"] + 1] for e in files}
        resync_s, resync = timed(agent, opts.reps, root=root, known=same)
        lazy_s, lazy = timed(agent, opts.reps, root=root, known=moved)
        all_s, _ = timed(agent, opts.reps, root=root, hash="all")
        assert resync["hashed"] == 0 and lazy["hashed"] == len(files)
        print("sync_manifest, %d files of %d bytes in 100 directories (%d entries), median of %d:"
              % (len(files), opts.size, len(first["entries"]), opts.reps))
        print("  first manifest, no hashing        %7.3f s" % first_s)
        print("  no-change re-sync (known, lazy)   %7.3f s  (hashed %d)" % (resync_s, resync["hashed"]))
        print("  every mtime differs (lazy)        %7.3f s  (hashed %d)" % (lazy_s, lazy["hashed"]))
        print("  hash=all                          %7.3f s" % all_s)
        print("  agent peak RSS                    %7d KiB" % (harness.peak_rss_kb(agent.proc.pid) or 0))
    finally:
        agent.close()
        shutil.rmtree(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())

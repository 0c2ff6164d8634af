"""The agent at its edges: protocol limits and malformed frames, ownership of the processes a tool
starts (the watchdog), upload temp files, and the figures the suite prints. Helpers and the
agent fixtures live in test_agent.py."""
import os
import signal
import struct
import subprocess
import tempfile
import time
import unittest

from test_agent import SYSTEM_PYTHON, DIRS, ac, is_watchdog, pids_with, wait_for, new_marker, children_of


class ProtocolEdges(unittest.TestCase):
    def spawn(self):
        agent = ac.AgentClient.spawn(SYSTEM_PYTHON)
        self.addCleanup(agent.close)
        return agent

    def assert_exits(self, agent, code):
        self.assertEqual(agent.proc.wait(5), code)

    def test_stdin_eof_exits_and_kills_children(self):
        agent = self.spawn()
        agent.sync_tools(DIRS, 'probe')
        agent.call_async('Probe', 'spawn_sleeper', {'seconds': 60})
        deadline = time.monotonic() + 30  # a loaded machine starts the sleeper late
        while not children_of(agent.proc.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        (child,) = children_of(agent.proc.pid)
        self.addCleanup(lambda: os.path.exists('/proc/%d' % child) and os.kill(child, 9))
        agent.proc.stdin.close()
        self.assert_exits(agent, 0)
        deadline = time.monotonic() + 5
        while os.path.exists('/proc/%d' % child) and time.monotonic() < deadline:
            time.sleep(0.01)
        with open('/proc/%d/stat' % child) if os.path.exists('/proc/%d' % child) else open(os.devnull) as f:
            state = f.read()
        self.assertTrue(state == '' or ') Z' in state, state)

    def test_stdin_eof_kills_the_commands_of_tools(self):
        # tools/_proc.py registers its children with the call only (for CANCEL); at EOF the
        # agent must kill them too, or `hostdeck-cli call --timeout` leaves them running.
        agent = self.spawn()
        agent.sync_tools(DIRS, 'exec')
        duration = '30.%d' % os.getpid()
        agent.call_async('Exec', 'run', {'argv': ['sleep', duration], 'stream': False})
        deadline = time.monotonic() + 5
        while not self.sleeps(duration) and time.monotonic() < deadline:
            time.sleep(0.01)
        (child,) = self.sleeps(duration)
        self.addCleanup(lambda: self.sleeps(duration) and os.kill(child, 9))
        agent.proc.stdin.close()
        self.assert_exits(agent, 0)
        deadline = time.monotonic() + 5
        while self.sleeps(duration) and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(self.sleeps(duration), [], 'the command survived the agent')

    @staticmethod
    def sleeps(duration):
        wanted = b'sleep\0' + duration.encode() + b'\0'
        found = []
        for entry in os.listdir('/proc'):
            try:
                with open('/proc/%s/cmdline' % entry, 'rb') as f:
                    if entry.isdigit() and f.read() == wanted:
                        found.append(int(entry))
            except OSError:
                continue
        return found

    def test_bad_frames_end_the_session(self):
        bad = [b'XX' + bytes(18),
               struct.pack('>HBBBxxxQI', 0x4844, 2, 1, 0, 1, 2) + b'{}',
               struct.pack('>HBBBxxxQI', 0x4844, 1, 1, 2, 1, 2) + b'{}',
               struct.pack('>HBBBBxxQI', 0x4844, 1, 1, 0, 1, 1, 2) + b'{}',
               struct.pack('>HBBBxxxQI', 0x4844, 1, 16, 0, 1, 2) + b'{}',
               struct.pack('>HBBBxxxQI', 0x4844, 1, 1, 0, 1, 5) + b'{"a":',
               struct.pack('>HBBBxxxQI', 0x4844, 1, 1, 0, 1, 2) + b'[]',
               struct.pack('>HBBBxxxQI', 0x4844, 1, 1, 1, 1, 2) + b'{}',
               struct.pack('>HBBBxxxQI', 0x4844, 1, 1, 0, 1, (64 << 20) + 1)]
        for frame in bad:
            with self.subTest(frame=frame[:24]):
                agent = self.spawn()
                agent.send_raw(frame)
                self.assert_exits(agent, 2)

    def test_files_in_the_working_directory_cannot_stand_in_for_modules(self):
        # Under sudo the agent runs as root in the login user's home: a _lzma.py, _json.py or
        # select.py there must never be imported.
        with tempfile.TemporaryDirectory() as home:
            marker = os.path.join(home, 'hijacked')
            for name in ('_lzma', '_json', '_queue', 'select', 'zlib', 'marshal', '__future__'):
                with open(os.path.join(home, name + '.py'), 'w') as f:
                    f.write('open(%r, "a").write(%r)\n' % (marker, name + ' '))
            agent = ac.AgentClient.spawn(SYSTEM_PYTHON, cwd=home)
            self.addCleanup(agent.close)
            agent.sync_tools(DIRS, 'exec')
            self.assertEqual(agent.call('Exec', 'run', {'argv': ['pwd']})['stdout'], home + '\n')
            self.assertFalse(os.path.exists(marker), open(marker).read() if os.path.exists(marker) else '')

    def test_python_too_old_message(self):
        # A real Python 2.7 (bullseye's, from CTest's fixture): the loader must still parse and
        # name the version instead of failing with a syntax error.
        py27 = os.environ.get('HOSTDECK_PYTHON27', '')
        if not py27:
            self.skipTest('HOSTDECK_PYTHON27 is not set (run through ctest)')
        version = subprocess.run([py27, '-c', 'import sys;print("%d.%d.%d" % sys.version_info[:3])'],
                                 capture_output=True, check=True).stdout.strip()
        loader, _ = ac.bootstrap()
        run = subprocess.run([py27, '-E', '-S', '-c', loader], input=b'', capture_output=True, timeout=30)
        self.assertEqual(run.returncode, 3, run.stderr)
        self.assertEqual(run.stdout, b'HOSTDECK-PYTHON-TOO-OLD ' + version + b'\n')


class Ownership(unittest.TestCase):
    """Nothing is left behind: whatever a tool starts (Exec through _proc, or run_process), the
    agent owns its process group and it dies when the call is cancelled or the agent ends — at
    stdin EOF, on SIGTERM, and (through the watchdog) when the agent is SIGKILLed, stopped or not.
    Processes are found by a unique marker in their argv."""

    def setUp(self):
        self.markers = []
        self.addCleanup(self.kill_leftovers)

    def kill_leftovers(self):
        for marker in self.markers:
            for pid in pids_with(marker):
                try:
                    os.kill(pid, 9)
                except OSError:
                    pass

    def spawn(self):
        agent = ac.AgentClient.spawn(SYSTEM_PYTHON)
        self.addCleanup(agent.close)
        agent.sync_tools(DIRS, 'probe', 'exec')
        return agent

    def start(self, agent, how):
        """Start a sleeping process marked by a new marker in one of the ways tools do."""
        marker = new_marker()
        self.markers.append(marker)
        sleeper = [SYSTEM_PYTHON, '-c', 'import time; time.sleep(60)', marker]
        if how == 'exec':
            call = agent.call_async('Exec', 'run', {'argv': sleeper, 'stream': False})
        elif how == 'exec-grandchild':  # a shell whose child is the marked process
            script = '"$0" -c "import time; time.sleep(60)" "$1" & wait'
            call = agent.call_async('Exec', 'run', {'argv': ['sh', '-c', script, SYSTEM_PYTHON, marker]})
        else:
            call = agent.call_async('Probe', 'spawn_marked', {'marker': marker})
        self.assertTrue(wait_for(lambda: pids_with(marker)), 'the command never started')
        # The agent tells its watchdog right after the spawn returns: give it that moment (a
        # kill in the microseconds between the two is the one case the watchdog misses).
        time.sleep(0.02)
        return marker, call

    def assert_gone(self, marker, what):
        start = time.monotonic()
        gone = wait_for(lambda: not pids_with(marker), 5.0)
        self.assertTrue(gone, '%s: still running: %s' % (what, pids_with(marker)))
        return time.monotonic() - start

    def test_killed_agent_leaves_nothing(self):
        for how in ('exec', 'exec-grandchild', 'run_process'):
            for sig, stop_first in ((signal.SIGKILL, False), (signal.SIGKILL, True), (signal.SIGTERM, False)):
                with self.subTest(how=how, signal=sig.name, stopped=stop_first):
                    agent = self.spawn()
                    marker, _ = self.start(agent, how)
                    if stop_first:
                        os.kill(agent.proc.pid, signal.SIGSTOP)
                    os.kill(agent.proc.pid, sig)
                    took = self.assert_gone(marker, how)
                    print('\n%s, agent %s%s: command gone after %.0f ms'
                          % (how, 'stopped then ' if stop_first else '', sig.name, took * 1000))
                    agent.proc.wait(5)

    def test_stdin_eof_kills_children_of_builtin_tools(self):
        agent = self.spawn()
        marker, _ = self.start(agent, 'exec-grandchild')
        agent.proc.stdin.close()
        self.assertEqual(agent.proc.wait(5), 0)
        self.assert_gone(marker, 'stdin EOF')

    def test_cancel_kills_the_whole_group(self):
        agent = self.spawn()
        marker, (fid, p) = self.start(agent, 'exec-grandchild')
        agent.cancel(fid)
        with self.assertRaises(ac.AgentError):
            agent.wait(fid, p, 5)
        self.assert_gone(marker, 'cancel')
        self.assertEqual(agent.call('_agent', 'echo', {'value': 1}), 1)

    def test_watchdog_leaves_with_a_clean_exit_and_spares_finished_children(self):
        agent = self.spawn()
        self.assertEqual(agent.call('Exec', 'run', {'argv': ['true']})['rc'], 0)
        watchdogs = [pid for pid in pids_with('while read -r l') if is_watchdog(pid)
                     and os.getsid(pid) != os.getsid(agent.proc.pid)]
        self.assertEqual(len([w for w in watchdogs if self._parent(w) == agent.proc.pid]), 1)
        (watchdog,) = [w for w in watchdogs if self._parent(w) == agent.proc.pid]
        agent.proc.stdin.close()
        self.assertEqual(agent.proc.wait(5), 0)
        self.assertTrue(wait_for(lambda: not os.path.exists('/proc/%d/cmdline' % watchdog)
                                 or not is_watchdog(watchdog)))

    @staticmethod
    def _parent(pid):
        try:
            with open('/proc/%d/stat' % pid) as f:
                return int(f.read().rsplit(')', 1)[1].split()[1])
        except OSError:
            return -1


class UploadTemps(unittest.TestCase):
    """Temp files of unfinished uploads: removed when the agent ends; those of a killed agent by
    the next upload into the directory once stale (older than the bound, and no live agent holds
    their lock)."""

    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.addCleanup(lambda: subprocess.run(['rm', '-rf', self.dir]))

    def spawn(self):
        agent = ac.AgentClient.spawn(SYSTEM_PYTHON)
        self.addCleanup(agent.close)
        agent.sync_tools(DIRS, 'filesystem')
        return agent

    def temps(self):
        return sorted(n for n in os.listdir(self.dir) if n.endswith('.hostdeck-tmp'))

    def begin(self, agent, name):
        import hashlib
        data = b'0123456789'
        token = agent.call('FileSystem', 'upload_begin', {
            'dest': os.path.join(self.dir, name), 'size': len(data),
            'sha256': hashlib.sha256(data).hexdigest()})['token']
        agent.call('FileSystem', 'upload_chunk', {'token': token, 'offset': 0, 'data': data[:4]})
        return token, data

    def age(self, name, seconds):
        path = os.path.join(self.dir, name)
        then = time.time() - seconds
        os.utime(path, (then, then))

    def test_unfinished_upload_removed_when_the_agent_ends(self):
        agent = self.spawn()
        self.begin(agent, 'a.bin')
        self.assertEqual(len(self.temps()), 1)
        agent.proc.stdin.close()
        self.assertEqual(agent.proc.wait(5), 0)
        self.assertEqual(self.temps(), [])

    def test_stale_temp_of_a_killed_agent_goes_with_the_next_upload(self):
        killed = self.spawn()
        self.begin(killed, 'a.bin')
        (orphan,) = self.temps()
        os.kill(killed.proc.pid, signal.SIGKILL)
        killed.proc.wait(5)
        self.assertEqual(self.temps(), [orphan], 'SIGKILL runs no clean-up: the file stays')
        live = self.spawn()
        live.sync_tools(DIRS, 'filesystem')
        self.begin(live, 'b.bin')
        (live_temp,) = [t for t in self.temps() if t != orphan]
        other = self.spawn()
        other.call('FileSystem', 'upload_begin', {'dest': os.path.join(self.dir, 'c.bin'), 'size': 0,
                                                 'sha256': 'e3b0c44298fc1c149afbf4c8996fb924'
                                                           '27ae41e4649b934ca495991b7852b855'})
        self.assertIn(orphan, self.temps(), 'fresh: kept, it could belong to a slow agent')
        self.age(orphan, 2 * 3600)
        self.age(live_temp, 2 * 3600)  # old, but its agent lives and holds the lock
        token, data = self.begin(other, 'd.bin')
        self.assertNotIn(orphan, self.temps())
        self.assertIn(live_temp, self.temps())
        other.call('FileSystem', 'upload_chunk', {'token': token, 'offset': 4, 'data': data[4:]})
        other.call('FileSystem', 'upload_end', {'token': token})
        with open(os.path.join(self.dir, 'd.bin'), 'rb') as f:
            self.assertEqual(f.read(), data)


class Figures(unittest.TestCase):
    """Prints the agent's figures (spawn, round trip, throughput, echo); bounds are loose."""

    def test_figures(self):
        ac.bootstrap()
        spawns = []
        for _ in range(5):
            start = time.perf_counter()
            agent = ac.AgentClient.spawn(SYSTEM_PYTHON)
            agent.call('_agent', 'echo', {'value': 1})
            spawns.append(time.perf_counter() - start)
            agent.close()
        agent = ac.AgentClient.spawn(SYSTEM_PYTHON)
        self.addCleanup(agent.close)
        agent.sync_tools(DIRS, 'probe')
        for _ in range(200):
            agent.call('_agent', 'echo', {'value': 1})
        rtt = []
        for _ in range(2000):
            start = time.perf_counter()
            agent.call('_agent', 'echo', {'value': 1})
            rtt.append(time.perf_counter() - start)
        worker_rtt = []
        for _ in range(1000):
            start = time.perf_counter()
            agent.call('Probe', 'sleep', {'seconds': 0})
            worker_rtt.append(time.perf_counter() - start)
        n = 20000
        start = time.perf_counter()
        window = []
        for i in range(n):
            window.append(agent.call_async('_agent', 'echo', {'value': i}))
            if len(window) >= 100:
                agent.wait(*window.pop(0))
        for item in window:
            agent.wait(*item)
        throughput = n / (time.perf_counter() - start)
        blob = os.urandom(1 << 20)
        echo = []
        for _ in range(10):
            start = time.perf_counter()
            self.assertEqual(agent.call('Probe', 'bytes_echo', {'data': blob}), blob)
            echo.append(time.perf_counter() - start)
        med = lambda xs: sorted(xs)[len(xs) // 2] * 1000
        print('\nspawn->first result %.1f ms; round trip inline %.0f us, worker %.0f us; '
              '%.0f calls/s with 100 in flight (Python client); 1 MiB bytes echo %.1f ms'
              % (med(spawns), med(rtt) * 1000, med(worker_rtt) * 1000, throughput, med(echo)))
        self.assertLess(med(spawns), 1000)
        self.assertLess(med(echo), 1000)


if __name__ == '__main__':
    unittest.main()

"""Tests of the Python agent (bootstrap/agent.py) through a real python3 and the real protocol."""
import ast
import importlib.util
import glob
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'support'))

import agent_client as ac  # noqa: E402

PY38 = '/root/.pyenv/versions/3.8.18/bin/python3'
SYSTEM_PYTHON = os.environ.get('HOSTDECK_TEST_PYTHON') or (
    '/usr/bin/python3' if os.path.exists('/usr/bin/python3') else sys.executable)
DIRS = [ac.TEST_TOOLS_DIR, ac.TOOLS_DIR]


def probe_line(text):
    """1-based line of `text` in tests/support/tools/probe.py."""
    with open(os.path.join(ac.TEST_TOOLS_DIR, 'probe.py')) as f:
        for number, line in enumerate(f, 1):
            if text in line:
                return number
    raise AssertionError('%r not in probe.py' % text)


WATCHDOG_SIGN = b'while read -r l'


def is_watchdog(pid):
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            return WATCHDOG_SIGN in f.read()
    except OSError:
        return False


def pids_with(marker):
    """Live (not zombie) processes whose argv contains marker."""
    found = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open('/proc/%s/cmdline' % entry, 'rb') as f:
                if marker.encode() in f.read():
                    found.append(int(entry))
        except OSError:
            pass
    return found


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.01)
    return predicate()


def new_marker():
    import uuid
    return 'hostdeck-test-' + uuid.uuid4().hex


def children_of(pid):
    """The agent's children, without its watchdog."""
    kids = []
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                with open('/proc/%s/stat' % entry) as f:
                    fields = f.read().rsplit(')', 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != 'Z' and not is_watchdog(int(entry)):
                kids.append(int(entry))
    return kids


class SourceChecks(unittest.TestCase):
    def test_every_python_file_parses_as_python38(self):
        files = [os.path.join(ROOT, 'bootstrap', n) for n in ('agent.py', 'boot.py')]
        files += glob.glob(os.path.join(ROOT, 'tools', '*.py'))
        files += glob.glob(os.path.join(ac.TEST_TOOLS_DIR, '*.py'))
        self.assertGreaterEqual(len(files), 4)
        for path in files:
            with self.subTest(path=path):
                with open(path, encoding='utf-8') as f:
                    ast.parse(f.read(), path, feature_version=(3, 8))

    def test_bootstrap_fits_in_8k(self):
        # Before READY: the command line and the boot payload. The BOOT frame after it carries the
        # agent (xz'd source, plus bytecode from the C++ side) and is printed for the record.
        loader, stdin = ac.bootstrap()
        boot_at = stdin.index(ac.HEADER.pack(ac.MAGIC, 1, ac.BOOT, 0, 0, 0)[:8])
        payload, boot = stdin[:boot_at], stdin[boot_at:]
        total = len(loader.encode()) + len(payload) + len(' -E -S -c ') + len('python3')
        print('\nbootstrap: loader %d + payload %d = %d bytes before READY; BOOT frame %d bytes'
              % (len(loader), len(payload), total, len(boot)))
        self.assertLessEqual(total, 8192)
        self.assertLessEqual(len(boot), 8192)  # the agent's xz'd source: within 8 KiB too

    def test_agent_runs_from_bytecode_for_its_own_python_only(self):
        source = ac.stripped_agent()
        own = ac.code_blob(source, 'hostdeck-agent.py')
        foreign = ac.code_blob(source, 'hostdeck-agent.py', magic=b'\x00\x00\r\n')
        damaged = own[:40] + b'\x00' * 16 + own[56:]
        not_code = own[:4] + __import__('zlib').compress(__import__('marshal').dumps([1, 2]))
        for blob, label in ((own, 'own'), (foreign, 'foreign'), (None, 'none'),
                            (damaged, 'damaged'), (not_code, 'not code')):
            with self.subTest(blob=label):
                # The blobs were compiled by this interpreter: the agent runs on it too, so its
                # own blob must be loaded and every other one refused.
                agent = ac.AgentClient.spawn(sys.executable, bytecode=blob)
                self.addCleanup(agent.close)
                stats = agent.call('_agent', 'stats')
                self.assertEqual(stats['bytecode_magic'], importlib.util.MAGIC_NUMBER.hex())
                expected = 'bytecode' if label == 'own' else 'source'
                self.assertEqual(stats['loaded']['hostdeck-agent'], expected)
                self.assertEqual(agent.call('_agent', 'echo', {'value': [label]}), [label])

    def test_sync_with_bytecode_keeps_source_for_describe_and_tracebacks(self):
        source = (b'class Boom:\n    """Fails on purpose."""\n\n'
                  b'    @staticmethod\n    def go(n: int = 1):\n        """Raise."""\n'
                  b'        raise ValueError("boom %d" % n)\n')
        for magic, label in ((None, 'own'), (b'\x00\x00\r\n', 'foreign'), (None, 'damaged')):
            with self.subTest(magic=label):
                agent = ac.AgentClient.spawn(sys.executable)  # the python that compiled `blob`
                self.addCleanup(agent.close)
                name = 'boom_' + label
                blob = ac.code_blob(source, 'tools/%s.py' % name, magic)
                if label == 'damaged':
                    blob = blob[:4] + b'\x78\x9c' + b'\x00' * (len(blob) - 6)
                agent.sync_compiled(name, source, blob)
                stats = agent.call('_agent', 'stats')
                self.assertEqual(stats['bytecode_magic'], importlib.util.MAGIC_NUMBER.hex())
                self.assertEqual(stats['loaded'][name], 'bytecode' if label == 'own' else 'source')
                with self.assertRaises(ac.AgentError) as caught:
                    agent.call('Boom', 'go', {'n': 7})
                self.assertEqual(caught.exception.message, 'boom 7')
                last = caught.exception.traceback[-1]
                self.assertEqual((last['file'], last['line']), ('tools/%s.py' % name, 7))
                self.assertIn('raise ValueError', last['code'])
                described = agent.call('_agent', 'describe', {'modules': [name]})
                self.assertEqual(described[0]['doc'], 'Fails on purpose.')
                self.assertEqual(described[0]['methods'][0]['name'], 'go')

    def spawn_plain(self):
        agent = ac.AgentClient.spawn(SYSTEM_PYTHON)
        self.addCleanup(agent.close)
        return agent

    def test_strip_keeps_every_line_and_statement(self):
        with open(ac.AGENT_SOURCE, encoding='utf-8') as f:
            original = f.read()
        stripped = ac.stripped_agent().decode()
        self.assertEqual(original.count('\n'), stripped.count('\n'))
        self.assertNotIn('#', ''.join(line for line in stripped.splitlines()
                                      if line.lstrip().startswith('#')))
        self.assertLess(len(stripped), len(original) * 0.85)

        def shape(tree):
            return [(type(n).__name__, n.lineno, getattr(n, 'name', None))
                    for n in ast.walk(tree) if isinstance(n, ast.stmt)
                    and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
        self.assertEqual(shape(ast.parse(original)), shape(ast.parse(stripped)))

    def test_strip_keeps_strings_with_blanks_and_hashes(self):
        source = ('def f():\n    """doc\n    more"""\n    s = """a  \n  # not a comment\n  b"""\n'
                  '    return s  # comment\n\n\nclass K:\n    "doc"\n    x = 1\n')
        with tempfile.TemporaryDirectory() as tmp:
            src, out = os.path.join(tmp, 'a.py'), os.path.join(tmp, 'b.py')
            with open(src, 'w') as f:
                f.write(source)
            subprocess.run([sys.executable, os.path.join(ROOT, 'bootstrap', 'strip.py'), src, out],
                           check=True)
            with open(out) as f:
                result = f.read()
        self.assertEqual(result.count('\n'), source.count('\n'))
        ns_a, ns_b = {}, {}
        exec(source, ns_a)
        exec(result, ns_b)
        self.assertEqual(ns_a['f'](), ns_b['f']())
        self.assertIsNone(ns_b['f'].__doc__)
        self.assertNotIn('comment\n', result.split('"""')[-1])
        self.assertEqual(ns_b['K'].x, 1)


class AgentTests(unittest.TestCase):
    """Runs against SYSTEM_PYTHON; the subclass below repeats everything on Python 3.8."""
    PYTHON = SYSTEM_PYTHON

    def setUp(self):
        self.agent = ac.AgentClient.spawn(self.PYTHON)
        self.addCleanup(self.close_agent)

    def close_agent(self):
        errors = list(self.agent.protocol_errors)
        code = self.agent.close()
        self.assertEqual(errors, [])
        self.assertEqual(code, 0)

    def probe(self):
        self.agent.sync_tools(DIRS, 'probe')

    def test_ready_line(self):
        parts = self.agent.ready.split()
        self.assertEqual(parts[0], 'HOSTDECK-READY')
        self.assertEqual(parts[1], '1')
        self.assertEqual(parts[4:], ['ping'])  # capabilities after the pid
        version = subprocess.run([self.PYTHON, '-c', 'import sys;print("%d.%d.%d"%sys.version_info[:3])'],
                                 capture_output=True, text=True).stdout.strip()
        self.assertEqual(parts[2], version)
        self.assertEqual(int(parts[3]), self.agent.proc.pid)

    def test_echo_values(self):
        values = ['', 'text', 'Привет 🌍', 0, -5, 2 ** 63, 1.5, True, None, [], {},
                  b'', b'\x00\xff' * 100, [1, [2, [3, {'a': b'x', 'b': None}]]],
                  {'$bytes': 'not alone', 'x': 1}, os.urandom(1 << 20)]
        for value in values:
            with self.subTest(value=repr(value)[:40]):
                self.assertEqual(self.agent.call('_agent', 'echo', {'value': value}), value)

    def test_tuples_and_sets_become_lists(self):
        self.agent.sync('shapes', 'import dataclasses\n'
                                  '@dataclasses.dataclass\nclass P:\n    x: int\n    y: bytes\n'
                                  'class Shapes:\n    @staticmethod\n'
                                  '    def get():\n        return {"t": (1, 2), "s": {3}, "p": P(1, b"z")}\n')
        self.assertEqual(self.agent.call('Shapes', 'get'), {'t': [1, 2], 's': [3], 'p': {'x': 1, 'y': b'z'}})

    def test_thousand_concurrent_calls(self):
        self.probe()
        pending = []
        for i in range(1000):
            method = 'echo' if i % 2 else 'bytes_echo'
            args = {'value': i} if i % 2 else {'data': b'%d' % i}
            pending.append((i, self.agent.call_async('Probe', method, args)))
        for i, (fid, p) in pending:
            expected = i if i % 2 else b'%d' % i
            self.assertEqual(self.agent.wait(fid, p), expected)

    def test_worker_calls_run_concurrently(self):
        self.probe()
        start = time.monotonic()
        pending = [self.agent.call_async('Probe', 'sleep', {'seconds': 0.3}) for _ in range(20)]
        for fid, p in pending:
            self.assertEqual(self.agent.wait(fid, p), 0.3)
        self.assertLess(time.monotonic() - start, 2.0)

    def test_stats_count_syncs_and_calls(self):
        self.probe()
        self.agent.sync('_helper', 'X = 1\n')
        self.agent.sync('_helper', 'X = 2\n')
        self.agent.call('Probe', 'echo', {'value': 1})
        stats = self.agent.call('_agent', 'stats')
        self.assertEqual(stats['syncs'], {'probe': 1, '_helper': 2})
        self.assertEqual(stats['calls'], 2)
        self.assertEqual(stats['pid'], self.agent.proc.pid)

    def test_helper_modules_are_importable(self):
        self.agent.sync('_util', 'def twice(x):\n    return 2 * x\n')
        self.agent.sync('user', 'import _util\nclass User:\n    @staticmethod\n'
                                '    def go(x: int) -> int:\n        return _util.twice(x)\n')
        self.assertEqual(self.agent.call('User', 'go', {'x': 21}), 42)
        with self.assertRaises(ac.AgentError) as caught:
            self.agent.call('_util', 'twice', {'x': 1})
        self.assertEqual(caught.exception.type, 'UnknownTool')

    def test_sync_error_names_module_line(self):
        with self.assertRaises(ac.AgentError) as caught:
            self.agent.sync('broken', 'x = 1\nraise RuntimeError("at import")\n')
        self.assertEqual(caught.exception.type, 'RuntimeError')
        self.assertIn({'file': 'tools/broken.py', 'line': 2, 'function': '<module>',
                       'code': 'raise RuntimeError("at import")'}, caught.exception.traceback)

    def test_unknown_tool_and_method(self):
        self.probe()
        for tool, method in (('Nope', 'x'), ('Probe', 'nope'), ('Probe', '_private'), ('Probe', '__init__')):
            with self.subTest(method=method), self.assertRaises(ac.AgentError) as caught:
                self.agent.call(tool, method)
            self.assertEqual(caught.exception.type, 'UnknownTool')

    def test_only_declared_methods_are_callable(self):
        # Attributes every class has (type.mro, object's dunders), private helpers and class
        # attributes are no tool methods: nothing of them may run.
        self.probe()
        self.agent.sync_tools(DIRS, 'filesystem')
        for tool, method in (('FileSystem', 'mro'), ('Probe', 'mro'), ('Probe', '__subclasshook__'),
                             ('Probe', '__init_subclass__'), ('Probe', '__class__'), ('Probe', '__dir__'),
                             ('Probe', '_hidden'), ('Probe', 'limit'), ('_agent', 'mro'),
                             ('_agent', '__new__'), ('Probe', 7), ('Probe', None)):
            with self.subTest(tool=tool, method=method), self.assertRaises(ac.AgentError) as caught:
                self.agent.call(tool, method)
            self.assertEqual(caught.exception.type, 'UnknownTool')
            self.assertIn('has no method', caught.exception.message)
        self.assertEqual(self.agent.call('Probe', 'sample', {'items': ['a']}), {'Probe': 1})
        self.assertEqual(self.agent.call('_agent', 'echo', {'value': 'ok'}), 'ok')

    def test_broken_module_reports_its_traceback_and_the_others_still_load(self):
        self.probe()
        source = ('import hostdeck\n\nclass Broken:\n    @staticmethod\n    def go() -> int:\n'
                  '        return 1\n\nraise RuntimeError("import boom")\n')
        with self.assertRaises(ac.AgentError) as caught:
            self.agent.sync('broken', source)
        self.assertEqual(caught.exception.type, 'RuntimeError')
        with self.assertRaises(ac.AgentError) as call:
            self.agent.call('Broken', 'go')
        self.assertEqual(call.exception.type, 'UnknownTool')
        self.assertIn('failed to load: broken', call.exception.message)
        described = self.agent.call('_agent', 'describe', {'modules': ['broken', 'probe', 'never']})
        broken, *tools, never = described
        self.assertEqual(broken['module'], 'broken')
        self.assertEqual(broken['error']['type'], 'RuntimeError')
        self.assertEqual(broken['error']['message'], 'import boom')
        self.assertIn({'file': 'tools/broken.py', 'line': 8, 'function': '<module>',
                       'code': 'raise RuntimeError("import boom")'}, broken['error']['traceback'])
        self.assertEqual([t['tool'] for t in tools], ['Probe'])
        self.assertEqual((never['module'], never['error']['type']), ('never', 'NotSynced'))
        # Fixed and synced again: loads, and describe lists it.
        self.agent.sync('broken', source.replace('raise RuntimeError("import boom")', 'pass'))
        self.assertEqual(self.agent.call('Broken', 'go'), 1)
        (fixed,) = self.agent.call('_agent', 'describe', {'modules': ['broken']})
        self.assertEqual(fixed['tool'], 'Broken')

    def test_declared_timeouts_in_describe(self):
        self.agent.sync_tools(DIRS, 'exec')
        self.agent.sync('slow', 'import hostdeck\nclass Slow:\n    @staticmethod\n'
                                '    @hostdeck.timeout(12.5)\n    def a() -> int:\n        return 1\n'
                                '    @hostdeck.timeout(60, param="limit")\n    @staticmethod\n'
                                '    def b(limit: float = 5) -> int:\n        return 2\n'
                                '    @staticmethod\n    def c() -> int:\n        return 3\n')
        (exec_tool,) = self.agent.call('_agent', 'describe', {'modules': ['exec']})
        run = {m['name']: m for m in exec_tool['methods']}['run']
        self.assertEqual((run['timeout'], run['timeout_param']), (None, 'timeout'))
        (slow,) = self.agent.call('_agent', 'describe', {'modules': ['slow']})
        methods = {m['name']: m for m in slow['methods']}
        self.assertEqual(methods['a']['timeout'], 12.5)
        self.assertNotIn('timeout_param', methods['a'])
        self.assertEqual((methods['b']['timeout'], methods['b']['timeout_param']), (60, 'limit'))
        self.assertIsNone(methods['c']['timeout'])
        self.assertEqual(self.agent.call('Slow', 'b'), 2)  # the decorator leaves the method as it is
        for bad, why in (('@hostdeck.timeout(param="nope")', "no parameter 'nope'"),
                         ('@hostdeck.timeout(-1)', 'positive number'),
                         ('@hostdeck.timeout("10")', 'positive number')):
            with self.subTest(bad=bad), self.assertRaises(ac.AgentError) as caught:
                self.agent.sync('bad', 'import hostdeck\nclass Bad:\n    @staticmethod\n    %s\n'
                                       '    def f(x=1):\n        return x\n' % bad)
            self.assertEqual(caught.exception.type, 'TypeError')
            self.assertIn(why, caught.exception.message)

    def test_ping_is_answered_at_once_while_tools_run(self):
        self.probe()
        busy = [self.agent.call_async('Probe', 'sleep', {'seconds': 1.0}) for _ in range(8)]
        time.sleep(0.1)
        rtts = [self.agent.ping() for _ in range(20)]
        self.assertLess(max(rtts), 0.25, rtts)
        for fid, p in busy:
            self.assertEqual(self.agent.wait(fid, p), 1.0)

    def test_log_records_are_cut_to_64k(self):
        self.probe()
        self.agent.config(log_level=10)
        self.agent.call('Probe', 'log', {'level': 40, 'message': 'y' * 300000})
        self.assertTrue(wait_for(lambda: self.agent.logs))
        message = self.agent.logs[-1]['message']
        self.assertTrue(message.startswith('y' * 65536), len(message))
        self.assertLess(len(message), 65536 + 100)
        self.assertIn('234464 characters cut', message)

    def test_error_has_traceback_into_the_tool(self):
        self.probe()
        with self.assertRaises(ac.AgentError) as caught:
            self.agent.call('Probe', 'fail', {'message': 'boom'})
        e = caught.exception
        self.assertEqual((e.type, e.message), ('ValueError', 'boom'))
        self.assertEqual(e.traceback[-1], {'file': 'tools/probe.py', 'line': probe_line('raise ValueError'),
                                           'function': 'fail', 'code': 'raise ValueError(message)'})

    def test_tool_error_details(self):
        self.probe()
        with self.assertRaises(ac.AgentError) as caught:
            self.agent.call('Probe', 'tool_error', {'message': 'no such user'})
        self.assertEqual(caught.exception.type, 'ToolError')
        self.assertEqual(caught.exception.message, 'no such user')
        self.assertEqual(caught.exception.details, {'code': 7})

    def test_bad_arguments_are_an_error_not_a_crash(self):
        self.probe()
        with self.assertRaises(ac.AgentError) as caught:
            self.agent.call('Probe', 'sleep', {'nope': 1})
        self.assertEqual(caught.exception.type, 'TypeError')
        self.assertEqual(self.agent.call('Probe', 'echo', {'value': 3}), 3)

    def test_unencodable_result_is_encode_error(self):
        self.probe()
        with self.assertRaises(ac.AgentError) as caught:
            self.agent.call('Probe', 'unencodable')
        self.assertEqual(caught.exception.type, 'EncodeError')
        self.assertIn('object', caught.exception.message)

    def test_start_path_imports_stay_light(self):
        self.agent.close()
        env_b = dict(os.environb)
        env_b[b'HOSTDECK_INHERITED'] = 'grüß '.encode() + b'\xff'
        self.agent = ac.AgentClient.spawn(self.PYTHON, env=env_b)
        # What every host pays before its first result: no json (re, enum), threading, subprocess
        # (selectors, signal), lzma, logging or os (os.environ's ABCs). A cold fan-out to 50 hosts
        # on 2 cores feels each ms.
        self.agent.sync_tools(DIRS, 'exec')
        self.assertEqual(self.agent.call('Exec', 'run', {'argv': ['echo', 'hi']})['stdout'], 'hi\n')
        # Without os, the environment still extends the agent's, decoded as os would.
        run = self.agent.call('Exec', 'run', {'argv': ['sh', '-c', 'echo "$EXTRA|$HOSTDECK_INHERITED"'],
                                              'env': {'EXTRA': 'x y'}})
        self.assertEqual(run['stdout'], 'x y|grüß \ufffd\n')  # the child got the raw \xff back
        self.agent.sync('mods', 'import sys\nclass Mods:\n    @staticmethod\n'
                                '    def loaded():\n        return sorted(sys.modules)\n')
        heavy = {'json', 're', 'enum', 'threading', 'subprocess', 'selectors', 'signal', 'lzma',
                 'logging', 'collections', 'functools', 'warnings', 'os', '_collections_abc',
                 '_queue'}
        self.assertEqual(heavy & set(self.agent.call('Mods', 'loaded')), set())

    def test_json_fallback_matches_the_accelerator(self):
        # Without the _json accelerator the agent uses the json package; both must agree.
        self.agent.sync('codec', 'import sys, __main__\nclass Codec:\n    @staticmethod\n'
                                 '    def both(value):\n'
                                 '        fast = __main__.json_codec()\n'
                                 '        saved = sys.modules.pop("_json")\n'
                                 '        sys.modules["_json"] = None\n'
                                 '        try:\n            slow = __main__.json_codec()\n'
                                 '        finally:\n            sys.modules["_json"] = saved\n'
                                 '        texts = [f[0](value) for f in (fast, slow)]\n'
                                 '        return texts + [f[1](texts[0]) == value for f in (fast, slow)]'
                                 ' + [fast[0].__module__, slow[0].__module__]\n'
                                 '    @staticmethod\n    def nan():\n        return float("nan")\n')
        value = {'s': 'Привет 🌍 "q" \\ \x01', 'n': [0, -5, 2 ** 70, 1.5, 1e300, True, None],
                 'nested': [{'a': []}, {}]}
        fast, slow, fast_ok, slow_ok, fast_mod, slow_mod = self.agent.call('Codec', 'both', {'value': value})
        self.assertEqual(fast, slow)
        self.assertEqual(json.loads(fast), value)
        self.assertTrue(fast_ok and slow_ok)
        self.assertEqual((fast_mod, slow_mod), ('__main__', 'json.encoder'))
        with self.assertRaises(ac.AgentError) as caught:
            self.agent.call('Codec', 'nan')
        self.assertEqual(caught.exception.type, 'EncodeError')

    def test_log_forwarding_follows_level(self):
        self.probe()
        self.agent.call('Probe', 'log', {'level': 20, 'message': 'info-hidden'})
        self.agent.call('Probe', 'log', {'level': 30, 'message': 'warn-shown'})
        self.assertEqual(self.agent.config(log_level=10)['log_level'], 10)
        self.agent.call('Probe', 'log', {'level': 10, 'message': 'debug-shown'})
        self.agent.call('_agent', 'stats')  # LOG frames precede the reply of the call that logged
        messages = [(r['level'], r['logger'], r['message']) for r in self.agent.logs]
        self.assertEqual(messages, [(30, 'probe', 'warn-shown'), (10, 'probe', 'debug-shown')])
        record = self.agent.logs[0]
        self.assertEqual((record['file'], record['line']), ('tools/probe.py', probe_line("getLogger('probe')")))
        self.assertLess(abs(record['time'] - time.time()), 60)

    def test_cancel_replies_at_once_and_drops_late_result(self):
        self.probe()
        with tempfile.TemporaryDirectory() as tmp:
            marker = os.path.join(tmp, 'marker')
            fid, p = self.agent.call_async('Probe', 'wait_cancel', {'marker': marker})
            time.sleep(0.1)
            self.assertFalse(p.event.is_set())
            start = time.monotonic()
            self.agent.cancel(fid)
            with self.assertRaises(ac.AgentError) as caught:
                self.agent.wait(fid, p, 5)
            self.assertLess(time.monotonic() - start, 1.0)
            self.assertEqual(caught.exception.type, 'Cancelled')
            deadline = time.monotonic() + 5
            while not os.path.exists(marker) and time.monotonic() < deadline:
                time.sleep(0.01)
            self.assertTrue(os.path.exists(marker))
            self.agent.cancel(fid)  # finished id: ignored
            self.agent.cancel(999999)  # unknown id: ignored
            self.assertEqual(self.agent.call('Probe', 'echo', {'value': 'alive'}), 'alive')

    def test_cancel_kills_child_processes(self):
        self.probe()
        fid, p = self.agent.call_async('Probe', 'spawn_sleeper', {'seconds': 60})
        deadline = time.monotonic() + 5
        while not children_of(self.agent.proc.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        kids = children_of(self.agent.proc.pid)
        self.assertEqual(len(kids), 1)
        self.agent.cancel(fid)
        with self.assertRaises(ac.AgentError):
            self.agent.wait(fid, p, 5)
        deadline = time.monotonic() + 5
        while children_of(self.agent.proc.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(children_of(self.agent.proc.pid), [])

    def test_noisy_tool_does_not_corrupt_the_stream(self):
        self.probe()
        self.assertEqual(self.agent.call('Probe', 'noisy'), 'clean')
        self.assertEqual(self.agent.call('Probe', 'echo', {'value': 'after'}), 'after')

    def test_chunks_arrive_in_order_before_the_reply(self):
        self.probe()
        fid, p = self.agent.call_async('Probe', 'stream', {'n': 50})
        self.assertEqual(self.agent.wait(fid, p), 50)
        self.assertEqual(p.chunks, [{'stream': 'stdout', 'data': 'line %d\n' % i} for i in range(50)])

    def test_check_flag_and_context(self):
        self.probe()
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'f')
            result = self.agent.call('Probe', 'check_mode', {'path': path}, check=True)
            self.assertTrue(result['check'])
            self.assertFalse(os.path.exists(path))
            result = self.agent.call('Probe', 'check_mode', {'path': path, 'text': 'y'})
            self.assertFalse(result['check'])
            with open(path) as f:
                self.assertEqual(f.read(), 'y')

    def test_describe(self):
        self.probe()
        (probe,) = self.agent.call('_agent', 'describe', {'modules': ['probe']})
        self.assertEqual((probe['tool'], probe['module']), ('Probe', 'probe'))
        self.assertTrue(probe['doc'].startswith('Methods the agent tests call'))
        methods = {m['name']: m for m in probe['methods']}
        self.assertIn('echo', methods)
        self.assertTrue(methods['echo']['inline'])
        self.assertFalse(methods['sleep']['inline'])
        self.assertEqual(methods['check_mode'], {
            'name': 'check_mode', 'changes': True, 'inline': False, 'internal': False, 'returns': 'dict',
            'timeout': None,
            'doc': 'Report the check flag; write `text` to `path` only when not in check mode.',
            'params': [{'name': 'path', 'type': 'hostdeck.Path', 'required': True},
                       {'name': 'text', 'type': 'hostdeck.Text', 'required': False, 'default': 'x'},
                       {'name': 'mode', 'type': 'int', 'required': False, 'default': 0o644}]})
        self.assertEqual(methods['sample']['params'], [
            {'name': 'items', 'type': "'list[str]'", 'required': True},
            {'name': 'limit', 'type': "'Optional[int]'", 'required': False, 'default': None}])
        self.assertEqual(methods['sample']['returns'], "'dict[str, int]'")
        self.assertEqual(self.agent.call('Probe', 'sample', {'items': ['a', 'b', 'c'], 'limit': 2}), {'Probe': 2})
        # A protocol piece is described as internal and stays callable (the controller hides it).
        self.agent.sync('hidden', 'import hostdeck\nclass Hidden:\n    """Doc."""\n    @staticmethod\n'
                                  '    @hostdeck.internal\n    def piece() -> dict:\n        """Piece."""\n'
                                  '        return {"ok": 1}\n')
        (hidden,) = self.agent.call('_agent', 'describe', {'modules': ['hidden']})
        self.assertEqual([(m['name'], m['internal']) for m in hidden['methods']], [('piece', True)])
        self.assertEqual(self.agent.call('Hidden', 'piece', {}), {'ok': 1})

    def test_describe_future_annotations_text(self):
        self.agent.sync('typed', 'from __future__ import annotations\nfrom typing import Optional, Literal\n'
                                 'class Typed:\n    """Doc.\n\n    More."""\n    @staticmethod\n'
                                 '    def m(a: list[str], b: Optional[float] = None, '
                                 "c: Literal['first', 'all'] = 'first', d: dict[str, str] = {}) -> dict:\n"
                                 '        """Summary."""\n        return {}\n')
        (typed,) = self.agent.call('_agent', 'describe', {'modules': ['typed']})
        self.assertEqual(typed['doc'], 'Doc.\n\nMore.')
        self.assertEqual([(p['name'], p['type'], p['required'], p.get('default', '-')) for p in typed['methods'][0]['params']],
                         [('a', 'list[str]', True, '-'), ('b', 'Optional[float]', False, None),
                          ('c', "Literal['first', 'all']", False, 'first'), ('d', 'dict[str, str]', False, {})])

    def test_compression_both_ways(self):
        self.assertEqual(self.agent.config(compress_min=1024)['compress_min'], 1024)
        text = 'compressible line\n' * 20000
        frames_before = self.agent.frames_in
        fid, p = self.agent.request(ac.CALL, {'tool': '_agent', 'method': 'echo', 'args': {'value': text}},
                                    compress=True)
        self.assertEqual(self.agent.wait(fid, p), text)
        self.assertEqual(self.agent.frames_in, frames_before + 1)
        noise = os.urandom(200000)
        self.assertEqual(self.agent.call('_agent', 'echo', {'value': noise}), noise)
        # Bytes travel as raw attachments and are never compressed, however compressible.
        data = b'compressible bytes\n' * 20000
        self.assertEqual(self.agent.call('_agent', 'echo', {'value': data}), data)
        self.assertEqual(self.agent.headers[-1][:2], (ac.RESULT, 2))

    def test_compressed_reply_is_smaller(self):
        self.agent.config(compress_min=1024)
        text = 'x' * 100000
        self.assertEqual(self.agent.call('_agent', 'echo', {'value': text}), text)
        self.assertEqual(self.agent.call('_agent', 'echo', {'value': 'tiny'}), 'tiny')
        self.assertEqual([(ftype, flags, length < 2000) for (ftype, flags, length) in self.agent.headers[-2:]],
                         [(ac.RESULT, 1, True), (ac.RESULT, 0, True)])

    def test_max_frame_config(self):
        self.agent.sync('big', 'class Big:\n    @staticmethod\n    def get(n):\n        return "x" * n\n')
        self.agent.config(max_frame=1000)
        self.assertEqual(self.agent.call('Big', 'get', {'n': 900}), 'x' * 900)
        with self.assertRaises(ac.AgentError) as caught:
            self.agent.call('Big', 'get', {'n': 1000}, timeout=5)
        self.assertEqual(caught.exception.type, 'EncodeError')
        self.assertIn('maximum frame size', caught.exception.message)
        self.agent.config(max_frame=64 << 20)

    def test_host_environment_reaches_processes_not_the_agent(self):
        # CONFIG env (the inventory's `environment`): every process a tool starts gets it, a
        # call's own env wins, the agent's os.environ stays as it was.
        self.agent.sync_tools(DIRS, 'exec')
        self.agent.sync('envprobe', 'import os, sys\nimport hostdeck\n'
                        'class EnvProbe:\n'
                        '    @staticmethod\n'
                        '    def agent(name):\n'
                        '        return os.environ.get(name)\n'
                        '    @staticmethod\n'
                        '    def child(env=None):\n'
                        '        kw = {} if env is None else {"env": env}\n'
                        '        return hostdeck.run_process(["env"], **kw).stdout.decode()\n'
                        '    @staticmethod\n'
                        '    def merged(env):\n'
                        '        return hostdeck.environ(env)\n')
        name = 'HD_HOST_%d' % os.getpid()
        host = {name: 'from host: $HOME ; "quoted" ü', 'HD_BOTH': 'host'}
        self.assertEqual(self.agent.config(env=host)['log_level'], 30)

        def env_of(argv, **args):
            out = self.agent.call('Exec', 'run', dict(argv=argv, stream=False, **args))['stdout']
            return dict(line.split('=', 1) for line in out.splitlines() if '=' in line)

        seen = env_of(['env'], env={'HD_BOTH': 'call', 'HD_CALL': 'only'})
        self.assertEqual((seen[name], seen['HD_BOTH'], seen['HD_CALL']),
                         (host[name], 'call', 'only'))
        self.assertEqual(seen.get('LANG'), 'C.UTF-8')  # the agent's own variables stay
        self.assertEqual(env_of(['env'])['HD_BOTH'], 'host')
        self.assertNotIn('HD_BOTH', env_of(['env'], env={'HD_BOTH': None}))  # None removes it
        self.assertIn('%s=%s' % (name, host[name]), self.agent.call('EnvProbe', 'child'))
        self.assertNotIn(name, self.agent.call('EnvProbe', 'child', {'env': {'ONLY': '1'}}))
        self.assertIsNone(self.agent.call('EnvProbe', 'agent', {'name': name}))
        self.assertEqual(self.agent.call('EnvProbe', 'merged', {'env': {'X': '1'}})[name],
                         host[name])
        # A CONFIG without env keeps it; a new env replaces it; a bad one is refused, kept.
        self.agent.config(log_level=30)
        self.assertEqual(env_of(['env'])[name], host[name])
        self.agent.config(env={'HD_BOTH': 'second'})
        seen = env_of(['env'])
        self.assertNotIn(name, seen)
        self.assertEqual(seen['HD_BOTH'], 'second')
        for bad in ({'A=B': 'x'}, {'': 'x'}, {'A': 'nul\0'}, {'A': 5}, ['A']):
            with self.subTest(env=bad):
                with self.assertRaises(ac.AgentError) as caught:
                    self.agent.config(env=bad)
                self.assertIn('env must map', caught.exception.message)
        self.assertEqual(env_of(['env'])['HD_BOTH'], 'second')

    def test_templates_through_the_agent(self):
        self.agent.sync_tools(DIRS, 'template')
        self.assertEqual((self.agent.synced['_template'], self.agent.synced['template']), (1, 1))
        with open(os.path.join(ROOT, 'tests', 'engine', 'agent', 'template_vectors.json'),
                  encoding='utf-8') as f:
            vectors = json.load(f)['vectors']
        for v in vectors:
            with self.subTest(name=v['name']):
                args = {'template': v['template'], 'vars': v['context']}
                expected = v.get('preferred_expected', v.get('expected'))
                if expected is not None:
                    self.assertEqual(self.agent.call('Template', 'render', args), expected)
                elif 'error' in v or v.get('preferred_error'):
                    with self.assertRaises(ac.AgentError) as caught:
                        self.agent.call('Template', 'render', args)
                    self.assertEqual(caught.exception.type, 'ToolError')
                    self.assert_error_type(v, caught.exception)
                    line = caught.exception.details['line']
                    self.assertTrue(caught.exception.message.startswith('line %d: ' % line))
                    self.assertGreaterEqual(line, 1)
                    self.assertLessEqual(line, v['template'].count('\n') + 1)
                else:  # a free quirk: either a result or a clear error
                    try:
                        self.agent.call('Template', 'render', args)
                    except ac.AgentError as e:
                        self.assertRegex(e.message, r'^line \d+: ')

    # Where Hostdeck deliberately fails earlier than the reference engine: what it reports.
    EARLIER = {'unknown_end_keyword_executed_raises': 'unknown block end'}

    def assert_error_type(self, vector, error):
        """A Python error raised while rendering carries its type (details.error), which must be
        the vector's; a SyntaxError may also be a template syntax error found before running."""
        wanted = vector.get('error') or (vector.get('preferred_error')
                                         if isinstance(vector.get('preferred_error'), str) else None)
        found = error.details.get('error')
        if vector['name'] in self.EARLIER:
            self.assertIsNone(found)
            self.assertIn(self.EARLIER[vector['name']], error.message)
        elif wanted and not (wanted == 'SyntaxError' and found is None):
            self.assertEqual(found, wanted, error.message)

    def test_template_error_lines(self):
        self.agent.sync_tools(DIRS, 'template')
        cases = [('a\nb ${x\n', 2, 'unterminated ${'),
                 ('a\n% for x in y:\n${x}\n% endfor\n${1/0}\n', 5, 'ZeroDivisionError'),
                 ('a\n\n% if x:\nb\n', 3, 'never closed'),
                 ('a\n% x = = 1\n', 2, 'SyntaxError'),
                 ('${a}\n${missing}\n', 2, 'NameError')]
        for template, line, text in cases:
            with self.subTest(template=template), self.assertRaises(ac.AgentError) as caught:
                self.agent.call('Template', 'render', {'template': template, 'vars': {'a': 1, 'y': [1]}})
            self.assertEqual(caught.exception.details['line'], line)
            self.assertIn(text, caught.exception.message)

    def test_render_file(self):
        self.agent.sync_tools(DIRS, 'template')
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 't.conf')
            with open(path, 'w') as f:
                f.write('port ${port}\n')
            self.assertEqual(self.agent.call('Template', 'render_file', {'path': path, 'vars': {'port': 22}}),
                             'port 22\n')
            with self.assertRaises(ac.AgentError) as caught:
                self.agent.call('Template', 'render_file', {'path': path + '.missing'})
            self.assertEqual(caught.exception.type, 'ToolError')


class AgentTests38(AgentTests):
    """The same tests on Python 3.8, the oldest Python the agent claims. Debian never shipped 3.8
    (buster has 3.7, bullseye 3.9), so a fresh Debian machine has none: this skips visibly there,
    and AgentTestsOldest covers the oldest Python that can be had (bullseye's 3.9)."""
    PYTHON = PY38

    def setUp(self):
        if not os.path.exists(PY38):
            self.skipTest('no Python 3.8 at %s (Debian never shipped 3.8; see AgentTestsOldest)'
                          % PY38)
        super().setUp()


class AgentTestsOldest(AgentTests):
    """The same tests on the oldest Python a fresh Debian machine can get: bullseye's python3
    (3.9) from a cached debootstrap tree, run through the tree's own loader and libraries
    (tests/support/debian_chroot.py; CTest's fixture sets HOSTDECK_OLDEST_PYTHON)."""
    PYTHON = os.environ.get('HOSTDECK_OLDEST_PYTHON', '')

    def setUp(self):
        if not self.PYTHON:
            self.skipTest('HOSTDECK_OLDEST_PYTHON is not set (run through ctest)')
        super().setUp()

    def test_is_older_than_the_system_python(self):
        version = subprocess.run([self.PYTHON, '-c', 'import sys;print(sys.version_info[:2])'],
                                 capture_output=True, text=True, check=True).stdout.strip()
        self.assertLess(ast.literal_eval(version), sys.version_info[:2])
        print('\noldest python: %s %s' % (self.PYTHON, version), file=sys.stderr)


if __name__ == '__main__':
    unittest.main()

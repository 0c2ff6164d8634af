"""Become and the host's environment at the agent's level, through a real python3 and the real
protocol (tests/support/agent_client.py):

- SuStage: the su stage (engine/agent/Bootstrap.cpp, PROTOCOL.md §1 Become), taken from the C++
  source as the controller sends it, run against a stand-in for su that asks on a real
  pseudo-terminal with echo off, as PAM does: the password typed once and never on a command line
  or in an environment, exactly one line taken from stdin, the agent then speaking the protocol on
  the stage's stdio with no descriptor of the terminal, output with echo on is not a prompt, a
  refused password / a second prompt / a controller that hangs up each end the stage with su's
  code and nothing left running. The real su, sudo and sshd are in tests/engine/runner/tst_become.
- HostEnvironment: CONFIG env reaches the processes the tools themselves start (dpkg, apt-cache,
  ip), merged with a tool's own variables; no tool starts a process except through _proc or
  hostdeck.run_process; an agent started in a directory its user cannot enter moves to the
  user's home, or /.
"""
import json
import os
import re
import select
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'support'))

import agent_client as ac  # noqa: E402

PYTHON = os.environ.get('HOSTDECK_TEST_PYTHON') or (
    '/usr/bin/python3' if os.path.exists('/usr/bin/python3') else sys.executable)
PY38 = '/root/.pyenv/versions/3.8.18/bin/python3'
DIRS = [ac.TEST_TOOLS_DIR, ac.TOOLS_DIR]
BOOTSTRAP_CPP = os.path.join(ROOT, 'engine', 'agent', 'Bootstrap.cpp')


def su_stage_source():
    """The su stage exactly as the controller sends it (the raw string in Bootstrap.cpp)."""
    with open(BOOTSTRAP_CPP, encoding='utf-8') as f:
        found = re.findall(r'R"PY\((.*?)\)PY"', f.read(), re.S)
    if len(found) != 1:
        raise AssertionError('expected one R"PY(...)PY" string in Bootstrap.cpp, found %d'
                             % len(found))
    return found[0]


def su_loader(loader):
    """The loader as Bootstrap::command builds it for su: the protocol moved from fds 3-5 to 0-2
    first, and HOSTDECK-LOADER announced before the payload is read."""
    first = 'import sys,posix as os\n'
    assert loader.startswith(first)
    loader = first + 'for i in 0,1,2:os.dup2(3+i,i);os.close(3+i)\n' + loader[len(first):]
    reading = 'import _lzma,binascii\n'
    return loader.replace(reading, reading + "os.write(1,b'HOSTDECK-LOADER\\n')\n", 1)


# A stand-in for su with su's command line (`su USER -c CMD`): it asks on its terminal as PAM
# does (echo off, then the prompt), and runs CMD through sh in a child when the first answer is
# the password in spec.json beside it. It writes down what it was asked to run.
FAKE_SU = r'''#!%(python)s
import json, os, sys, termios, time
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, 'spec.json')) as f:
    spec = json.load(f)
with open(os.path.join(here, 'argv.json'), 'w') as f:
    json.dump(sys.argv[1:], f)

def echo(on):
    attrs = termios.tcgetattr(0)
    attrs[3] = attrs[3] | termios.ECHO if on else attrs[3] & ~termios.ECHO
    termios.tcsetattr(0, termios.TCSADRAIN, attrs)

def read_line():
    line = b''
    while not line.endswith(b'\n'):
        c = os.read(0, 1)
        if not c:
            break
        line += c
    return line

if spec.get('banner'):
    os.write(1, spec['banner'].encode())
    time.sleep(0.5)
time.sleep(spec.get('hold', 0))
answers = []
for prompt in spec['prompts']:
    echo(False)
    os.write(1, prompt.encode())
    answers.append(read_line())
    echo(True)
    os.write(1, b'\n')
if answers[:1] != [spec['password'].encode() + b'\n']:
    time.sleep(0.2)
    os.write(2, b'su: Authentication failure\n')
    sys.exit(1)
# Like su: the command runs in a child, su keeps its terminal open and waits for it.
child = os.fork()
if child == 0:
    os.execv('/bin/sh', ['sh', '-c', sys.argv[sys.argv.index('-c') + 1]])
status = os.waitpid(child, 0)[1]
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
'''


def processes_holding(needle):
    """'pid:cmdline' / 'pid:environ' for every process with needle in its command line or
    environment."""
    hits = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        for part in ('cmdline', 'environ'):
            try:
                with open('/proc/%s/%s' % (entry, part), 'rb') as f:
                    if needle in f.read():
                        hits.append('%s:%s' % (entry, part))
            except OSError:
                pass
    return hits


def alive(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return ') Z' not in f.read()
    except OSError:
        return False


class SuStage(unittest.TestCase):
    """The stage and the agent on PYTHON; SuStage38 repeats it on Python 3.8."""
    PYTHON = PYTHON
    PASSWORD = 'Pa ss\'w"ord-%d' % os.getpid()  # blanks and quotes: typed, never quoted

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='hostdeck-su-stage-')
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.su = os.path.join(self.dir, 'su')
        with open(self.su, 'w') as f:
            f.write(FAKE_SU % {'python': PYTHON})
        os.chmod(self.su, 0o755)
        self.loader, self.payload = ac.bootstrap()
        self.stage = None

    def start(self, **spec):
        spec.setdefault('password', self.PASSWORD)
        spec.setdefault('prompts', ['Password: '])
        with open(os.path.join(self.dir, 'spec.json'), 'w') as f:
            json.dump(spec, f)
        inner = 'exec ' + ' '.join(shlex.quote(a) for a in
                                    [self.PYTHON, '-E', '-S', '-c', su_loader(self.loader)])
        argv = [self.PYTHON, '-E', '-S', '-c', su_stage_source(), self.su, 'hdtarget', '-c', inner]
        self.stage = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, bufsize=0)
        self.addCleanup(self.stop, self.stage)
        self.err = b''
        return self.stage

    def stop(self, proc):
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            try:
                stream.close()
            except OSError:
                pass

    def stderr_until(self, marker, timeout=10.0):
        """Read the stage's stderr until a complete line holding marker; all of it so far."""
        deadline = time.monotonic() + timeout
        fd = self.stage.stderr.fileno()
        while not re.search(re.escape(marker) + rb'[^\n]*\n', self.err):
            left = deadline - time.monotonic()
            self.assertGreater(left, 0, 'no %r on stderr; saw %r' % (marker, self.err))
            if select.select([fd], [], [], left)[0]:
                data = os.read(fd, 4096)
                self.assertTrue(data, 'stderr closed before %r; saw %r' % (marker, self.err))
                self.err += data
        return self.err

    def stdout_line(self, timeout=10.0):
        """One line from the stage's stdout (the agent's), read byte by byte."""
        line = b''
        fd = self.stage.stdout.fileno()
        while not line.endswith(b'\n'):
            self.assertTrue(select.select([fd], [], [], timeout)[0], 'stdout silent: %r' % line)
            c = os.read(fd, 1)
            self.assertTrue(c, 'stdout closed: %r; stderr %r' % (line, self.err))
            line += c
        return line

    def prompts(self):
        return re.findall(rb'\nHOSTDECK-SU-PROMPT:([^\n]*)\n', self.err)

    def finish(self, timeout=10.0):
        """The stage's exit code and the rest of its stderr."""
        code = self.stage.wait(timeout)
        self.err += self.stage.stderr.read()
        return code

    def assert_nothing_left(self):
        marker = os.path.basename(self.dir).encode()
        self.assertTrue(wait_for(lambda: not processes_holding(marker)),
                        processes_holding(marker))

    def test_password_typed_once_and_the_agent_speaks_the_protocol(self):
        self.start(banner='Last login: yesterday\n')  # output with echo on: not a prompt
        self.stderr_until(b'HOSTDECK-SU-PROMPT:')
        # The password and the payload at once: the stage takes exactly the password's line, the
        # rest is the loader's.
        self.stage.stdin.write(self.PASSWORD.encode() + b'\n' + self.payload)
        ready, _ = ac.AgentClient._await_ready(self.stage, 20)
        agent = ac.AgentClient(self.stage, ready, b'')
        self.assertEqual(self.prompts(), [b'Password:'])
        leaks = processes_holding(self.PASSWORD.encode())
        self.assertEqual(leaks, [])

        agent.sync_tools(DIRS, 'probe', 'exec')
        pid = agent.call('Probe', 'pid')
        # su ran what the controller asked, and the agent is what it ran (sh exec'd python).
        with open(os.path.join(self.dir, 'argv.json')) as f:
            asked = json.load(f)
        self.assertEqual(asked[:2], ['hdtarget', '-c'])
        self.assertEqual(shlex.split(asked[2])[:5], ['exec', self.PYTHON, '-E', '-S', '-c'])
        self.assertEqual(os.readlink('/proc/%d/exe' % pid), os.path.realpath(self.PYTHON))
        with open('/proc/%d/stat' % pid) as f:
            parent = int(f.read().rsplit(')', 1)[1].split()[1])
        with open('/proc/%d/cmdline' % parent, 'rb') as f:
            self.assertIn(self.su.encode(), f.read())
        # The agent keeps no descriptor of su's terminal: its protocol is the stage's stdio
        # (moved off 0 and 1 by the boot stage, which points them at /dev/null).
        fds = {fd: os.readlink('/proc/%d/fd/%s' % (pid, fd)) for fd in os.listdir('/proc/%d/fd' % pid)}
        self.assertEqual([fd for fd, target in fds.items() if target.startswith('/dev/pts/')
                          or target == '/dev/ptmx'], [], fds)
        own = os.readlink('/proc/self/fd/%d' % self.stage.stdin.fileno())
        self.assertIn(own, fds.values())
        # A command a tool starts runs without a controlling terminal (tty_nr 0), with the host's
        # environment (CONFIG env) under become too.
        agent.config(env={'HD_UNDER_SU': 'yes, through su'})
        out = agent.call('Exec', 'run', {'argv': ['sh', '-c', 'cut -d" " -f7 /proc/$$/stat; '
                                                  'echo "$HD_UNDER_SU"'], 'stream': False})
        self.assertEqual(out['stdout'], '0\nyes, through su\n')
        errors = list(agent.protocol_errors)
        self.assertEqual(agent.close(), 0)  # the agent ended, then su, then the stage with su's code
        self.assertEqual(errors, [])
        self.assertNotIn(self.PASSWORD.encode(), self.err)
        self.assert_nothing_left()

    def test_a_prompt_in_any_language_is_known_by_echo(self):
        self.start(prompts=['Mot de passe\u00a0: '])
        self.stderr_until(b'HOSTDECK-SU-PROMPT:')
        self.assertEqual(self.prompts(), ['Mot de passe\u00a0:'.encode()])
        # As the controller does: the payload only once the loader has announced itself.
        self.stage.stdin.write(self.PASSWORD.encode() + b'\n')
        self.assertEqual(self.stdout_line(), b'HOSTDECK-LOADER\n')
        self.stage.stdin.write(self.payload)
        ac.AgentClient._await_ready(self.stage, 20)
        self.stage.stdin.close()
        self.assertEqual(self.finish(), 0)
        self.assert_nothing_left()

    def test_wrong_password_ends_the_stage_with_what_su_said(self):
        self.start()
        self.stderr_until(b'HOSTDECK-SU-PROMPT:')
        self.stage.stdin.write(b'not the password\n')
        self.stderr_until(b'HOSTDECK-SU-FAILED ')
        self.assertEqual(self.finish(), 1)
        failed = re.findall(rb'\nHOSTDECK-SU-FAILED ([^\n]*)\n', self.err)
        self.assertEqual(failed, [b'1 su: Authentication failure'])
        self.assertNotIn(b'not the password', self.err)  # echo was off: never printed back
        self.assertEqual(self.stage.stdout.read(), b'')  # no loader: nothing for the protocol
        self.assert_nothing_left()

    def test_a_second_prompt_ends_the_stage(self):
        # su asking again (a new password, a second factor) gets no answer: its terminal closes.
        self.start(prompts=['Password: ', 'New password: '])
        self.stderr_until(b'HOSTDECK-SU-PROMPT:')
        self.stage.stdin.write(self.PASSWORD.encode() + b'\n')
        start = time.monotonic()
        code = self.finish()
        self.assertLess(time.monotonic() - start, 5)
        self.assertEqual(self.prompts(), [b'Password:', b'New password:'])
        self.assertEqual(code, 128 + signal.SIGHUP)  # su got the terminal's hang-up
        self.assertRegex(self.err, rb'\nHOSTDECK-SU-FAILED %d New password:\n' % code)
        self.assert_nothing_left()

    def test_controller_hanging_up_at_the_prompt_ends_su(self):
        self.start()
        self.stderr_until(b'HOSTDECK-SU-PROMPT:')
        self.stage.stdin.close()  # e.g. no password configured: the controller gives up
        code = self.finish(5)
        self.assertEqual(code, 128 + signal.SIGHUP)
        self.assert_nothing_left()

    def test_controller_hanging_up_before_su_asks_gives_su_five_seconds(self):
        self.start(hold=60)  # su busy (a slow PAM module) when the controller goes
        self.assertTrue(wait_for(lambda: os.path.exists(os.path.join(self.dir, 'argv.json'))))
        start = time.monotonic()
        self.stage.stdin.close()
        code = self.finish(15)
        took = time.monotonic() - start
        self.assertEqual(code, 128 + signal.SIGHUP)
        self.assertGreater(took, 4.5)
        self.assertLess(took, 9)
        self.assert_nothing_left()


class SuStage38(SuStage):
    """The same on Python 3.8, the oldest Python the agent (and so the stage) supports."""
    PYTHON = PY38

    def setUp(self):
        if not os.path.exists(PY38):
            self.skipTest('no Python 3.8 at ' + PY38)
        super().setUp()


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.02)
    return predicate()


class HostEnvironment(unittest.TestCase):
    def spawn(self, **kw):
        agent = ac.AgentClient.spawn(PYTHON, **kw)
        self.addCleanup(agent.close)
        return agent

    def test_no_tool_starts_a_process_around_the_host_environment(self):
        # The host's variables are merged where processes start (_proc, hostdeck.run_process):
        # a tool that started one any other way would run it without them.
        starters = re.compile(r'\b(subprocess|Popen|posix_spawnp?|os\.system|os\.popen|'
                              r'os\.exec\w*|os\.spawn\w*|os\.fork|pty\.spawn)\b')
        found = []
        for path in sorted(os.listdir(ac.TOOLS_DIR)):
            if not path.endswith('.py') or path == '_proc.py':
                continue
            with open(os.path.join(ac.TOOLS_DIR, path), encoding='utf-8') as f:
                for number, line in enumerate(f, 1):
                    if starters.search(line.split('#')[0]):
                        found.append('tools/%s:%d: %s' % (path, number, line.strip()))
        self.assertEqual(found, [])
        # ... and _proc's own starters all take the merged environment.
        with open(os.path.join(ac.TOOLS_DIR, '_proc.py'), encoding='utf-8') as f:
            source = f.read()
        self.assertIn('hostdeck.environ(env)', source)

    def test_processes_the_tools_start_get_the_host_environment(self):
        # Programs the tools run themselves (dpkg for Apt.installed, apt-cache for Apt.latest in
        # check mode, ip for Facts.addresses), each replaced by a shim that writes down its
        # environment and runs the real one; the shims are found through the host's PATH.
        shims = tempfile.mkdtemp(prefix='hostdeck-env-shims-')
        self.addCleanup(shutil.rmtree, shims, True)
        records = os.path.join(shims, 'records')
        os.mkdir(records)
        programs = {}
        for name in ('dpkg', 'apt-cache', 'ip'):
            real = shutil.which(name, path='/usr/sbin:/usr/bin:/sbin:/bin')
            self.assertIsNotNone(real, name)
            programs[name] = real
            with open(os.path.join(shims, name), 'w') as f:
                f.write('#!/bin/sh\nenv > %s/%s.$$\nexec %s "$@"\n'
                        % (shlex.quote(records), name, shlex.quote(real)))
            os.chmod(os.path.join(shims, name), 0o755)
        agent = self.spawn()
        agent.sync_tools(DIRS, 'apt', 'facts', 'exec')
        value = 'host value: $HOME; "q" \'s\' \u00fc'
        agent.config(env={'HD_HOST_ENV': value, 'PATH': shims + ':/usr/sbin:/usr/bin:/sbin:/bin',
                          'DEBIAN_FRONTEND': 'from the host'})
        installed = agent.call('Apt', 'installed', {'names': ['dpkg']})
        self.assertTrue(installed['dpkg'])
        latest = agent.call('Apt', 'latest', {'packages': ['dpkg']}, check=True)
        self.assertIn('changed', latest)
        agent.call('Facts', 'addresses')

        seen = {}
        for entry in os.listdir(records):
            with open(os.path.join(records, entry), encoding='utf-8') as f:
                env = dict(line.split('=', 1) for line in f.read().splitlines() if '=' in line)
            seen.setdefault(entry.split('.')[0], []).append(env)
        self.assertEqual(sorted(seen), sorted(programs))
        for name, envs in seen.items():
            for env in envs:
                with self.subTest(program=name):
                    self.assertEqual(env.get('HD_HOST_ENV'), value)
                    self.assertEqual(env.get('LANG'), 'C.UTF-8')  # the agent's own stay
        # A tool's own variables win over the host's (apt-cache runs with APT_ENV).
        self.assertEqual({env['DEBIAN_FRONTEND'] for env in seen['apt-cache']},
                         {'noninteractive'})
        self.assertEqual({env['DEBIAN_FRONTEND'] for env in seen['dpkg']}, {'from the host'})

    def test_agent_moves_out_of_a_directory_its_user_cannot_enter(self):
        # As under sudo -u or su: started in the login user's home, closed to the agent's user.
        if os.getuid() != 0 or not shutil.which('setpriv'):
            self.fail('needs root and setpriv to start the agent as another user')
        closed = tempfile.mkdtemp(prefix='hostdeck-closed-')  # 0700, root's
        self.addCleanup(shutil.rmtree, closed, True)
        home = tempfile.mkdtemp(prefix='hostdeck-home-')
        self.addCleanup(shutil.rmtree, home, True)
        os.chmod(home, 0o755)
        prefix = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']
        for given, expected in ((home, home), ('/nonexistent-hostdeck-home', '/')):
            with self.subTest(home=given):
                agent = self.spawn(prefix=prefix, cwd=closed,
                                   env={'HOME': given, 'PATH': '/usr/bin:/bin',
                                        'LANG': 'C.UTF-8'})
                agent.sync_tools(DIRS, 'exec')
                out = agent.call('Exec', 'run', {'argv': ['sh', '-c', 'id -u; pwd; ls . >/dev/null'],
                                                 'stream': False})
                self.assertEqual(out['stdout'], '65534\n%s\n' % expected)
        # Where the directory can be entered, the agent stays in it.
        agent = self.spawn(cwd=home)
        agent.sync_tools(DIRS, 'exec')
        self.assertEqual(agent.call('Exec', 'run', {'argv': ['pwd']})['stdout'], home + '\n')


if __name__ == '__main__':
    unittest.main()

"""Exec through the real agent on the local host: output, streaming, timeouts, guards, memory."""
import os
import subprocess
import sys
import time
import unittest

import harness
from agent_client import AgentError


def processes_with_argv(argv: list) -> list:
    """Pids (from /proc, no pgrep needed) whose whole command line is exactly `argv`."""
    wanted = b"".join(a.encode() + b"\0" for a in argv)
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                if f.read() == wanted:
                    pids.append(int(entry))
        except OSError:
            continue
    return pids


class ExecTest(harness.LocalAgentTestCase):

    def setUp(self) -> None:
        self.tmp = self.make_tmp("hostdeck-exec-")

    def test_run_captures_stdout_stderr_and_rc(self) -> None:
        r = self.agent.tool("Exec", "run", argv=["sh", "-c", "echo out; echo err >&2; exit 4"],
                            raise_on_error=False)
        self.assertEqual((r["rc"], r["stdout"], r["stderr"]), (4, "out\n", "err\n"))
        self.assertTrue(r["changed"])

    def test_failure_names_command_exit_code_and_stderr(self) -> None:
        with self.assertRaises(AgentError) as caught:
            self.agent.tool("Exec", "shell", script="echo 'disk on fire' >&2; exit 7")
        err = caught.exception
        self.assertEqual(err.type, "ToolError")
        self.assertIn("exit code 7", err.message)
        self.assertIn("disk on fire", err.message)
        self.assertIn("/bin/sh", err.message)
        self.assertEqual(err.details["rc"], 7)

    def test_missing_program_is_a_clear_error(self) -> None:
        with self.assertRaises(AgentError) as caught:
            self.agent.tool("Exec", "run", argv=["/nonexistent/hostdeck-prog"])
        self.assertIn("command not found: /nonexistent/hostdeck-prog", caught.exception.message)

    def test_stdin_cwd_and_env_extends_environment(self) -> None:
        # start_agent gives the agent the test's environment with LANG=C.UTF-8: it must survive.
        r = self.agent.tool("Exec", "shell", script="cat; pwd; echo $HOSTDECK_X; echo $LANG",
                            stdin="from stdin\n", cwd=self.tmp, env={"HOSTDECK_X": "extra"})
        self.assertEqual(r["stdout"].splitlines(), ["from stdin", os.path.realpath(self.tmp), "extra",
                                                    "C.UTF-8"])

    def test_large_stdin_does_not_deadlock(self) -> None:
        data = "x" * (4 << 20)
        r = self.agent.tool("Exec", "run", argv=["wc", "-c"], stdin=data, stream=False)
        self.assertEqual(r["stdout"].strip(), str(len(data)))

    def test_output_streams_live_line_by_line(self) -> None:
        seen = []
        first_at = []

        def sink(chunk) -> None:
            if not first_at:
                first_at.append(time.monotonic())
            seen.append(chunk)

        started = time.monotonic()
        r = self.agent.tool("Exec", "shell", script="echo one; sleep 1.5; echo two; echo warn >&2",
                            on_chunk=sink)
        ended = time.monotonic()
        self.assertLess(first_at[0] - started, 1.0, "first line arrived only with the result")
        self.assertGreater(ended - started, 1.4)
        out = "".join(c["data"] for c in seen if c["stream"] == "stdout")
        self.assertEqual(out, "one\ntwo\n")
        self.assertIn({"stream": "stderr", "data": "warn\n"}, seen)
        self.assertTrue(all(c["data"].endswith("\n") for c in seen))
        self.assertEqual(r["stdout"], "one\ntwo\n")

    def test_timeout_kills_the_command_and_its_children(self) -> None:
        marker = os.path.join(self.tmp, "late")
        started = time.monotonic()
        with self.assertRaises(AgentError) as caught:
            self.agent.tool("Exec", "shell", script="(sleep 3; touch %s) & sleep 30" % marker,
                            timeout=1.0)
        self.assertLess(time.monotonic() - started, 5.0)
        self.assertIn("timed out after 1.0 s", caught.exception.message)
        time.sleep(3.5)
        self.assertFalse(os.path.exists(marker), "a child of the timed-out command survived")

    def test_cancel_kills_the_command(self) -> None:
        # A duration nothing else on the machine uses: the process search finds only this sleep.
        duration = "30.%d" % os.getpid()
        fid, pending = self.agent.call_async("Exec", "shell", {"script": "sleep " + duration})
        deadline = time.monotonic() + 10
        while not processes_with_argv(["sleep", duration]) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(len(processes_with_argv(["sleep", duration])), 1, "the sleep never ran")
        started = time.monotonic()
        self.agent.cancel(fid)
        with self.assertRaises(AgentError) as caught:
            self.agent.wait(fid, pending, timeout=10)
        self.assertEqual(caught.exception.type, "Cancelled")
        self.assertLess(time.monotonic() - started, 2.0)
        deadline = time.monotonic() + 5
        while processes_with_argv(["sleep", duration]) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(processes_with_argv(["sleep", duration]), [], "sleep survived the cancel")

    def test_creates_and_removes_guards(self) -> None:
        target = os.path.join(self.tmp, "made")
        args = {"argv": ["touch", target], "creates": target}
        first = self.agent.tool("Exec", "run", **args)
        self.assertTrue(first["changed"])
        second = self.agent.tool("Exec", "run", **args)
        self.assertEqual((second["changed"], second["skipped"]), (False, True))
        gone = self.agent.tool("Exec", "run", argv=["rm", target], removes=target)
        self.assertTrue(gone["changed"])
        self.assertFalse(os.path.exists(target))
        again = self.agent.tool("Exec", "run", argv=["rm", target], removes=target)
        self.assertFalse(again["changed"])

    def test_check_mode_runs_nothing(self) -> None:
        target = os.path.join(self.tmp, "never")
        r = self.agent.tool("Exec", "run", check_mode=True, argv=["touch", target])
        self.assertTrue(r["changed"])
        self.assertFalse(os.path.exists(target))
        skipped = self.agent.tool("Exec", "run", check_mode=True, argv=["touch", target],
                                  creates=self.tmp)
        self.assertFalse(skipped["changed"])

    def test_capture_is_capped_and_flagged(self) -> None:
        r = self.agent.tool("Exec", "shell", script="head -c 3000000 /dev/zero | tr '\\0' x",
                            stream=False, max_capture=1000)
        self.assertEqual(len(r["stdout"]), 1000)
        self.assertTrue(r["truncated"]["stdout"])
        self.assertEqual(r["stdout_bytes"], 3000000)

    def test_100mb_stdout_streams_with_bounded_memory(self) -> None:
        total = [0]
        chunks = [0]

        def sink(chunk) -> None:
            total[0] += len(chunk["data"])
            chunks[0] += 1

        size = 100 * 1024 * 1024
        client_before = harness.self_peak_rss_kb()
        started = time.monotonic()
        r = self.agent.tool("Exec", "shell", timeout=300, call_timeout=300, on_chunk=sink, capture=False,
                            script="head -c %d /dev/zero | tr '\\0' 'y' | fold -w 99" % size)
        seconds = time.monotonic() - started
        agent_peak = harness.peak_rss_kb(self.agent.proc.pid)
        client_growth = harness.self_peak_rss_kb() - client_before
        lines = size // 99  # fold ends every full 99-byte line; the short last line has none
        self.assertEqual(r["stdout_bytes"], size + lines)
        self.assertEqual(total[0], size + lines)
        self.assertEqual(r["stdout"], "")
        print("\n100 MB stdout: %.1f s (%.0f MB/s), %d chunks, agent peak RSS %d MB, client RSS growth "
              "%d MB" % (seconds, size / seconds / 1e6, chunks[0], agent_peak // 1024,
                         client_growth // 1024), file=sys.stderr)
        self.assertLess(agent_peak, 64 * 1024, "agent held the output in memory")
        self.assertLess(client_growth, 64 * 1024, "controller held the output in memory")

    def test_program_is_found_on_the_given_path(self) -> None:
        tool = os.path.join(self.tmp, "hostdeck-only-here")
        with open(tool, "w") as f:
            f.write("#!/bin/sh\necho found \"$@\"\n")
        os.chmod(tool, 0o755)
        r = self.agent.tool("Exec", "run", argv=["hostdeck-only-here", "a b"],
                            env={"PATH": self.tmp + ":/usr/bin:/bin"})
        self.assertEqual(r["stdout"], "found a b\n")
        with self.assertRaises(AgentError) as caught:
            self.agent.tool("Exec", "run", argv=["hostdeck-only-here"])
        self.assertIn("command not found: hostdeck-only-here", caught.exception.message)
        os.chmod(tool, 0o644)
        with self.assertRaises(AgentError) as caught:
            self.agent.tool("Exec", "run", argv=["hostdeck-only-here"], env={"PATH": self.tmp})
        self.assertIn("cannot start hostdeck-only-here", caught.exception.message)
        self.assertIn("Permission denied", caught.exception.message)

    def test_which_follows_path_like_the_shell(self) -> None:
        tool = os.path.join(self.tmp, "hostdeck-only-here")
        with open(tool, "w") as f:
            f.write("#!/bin/sh\n")
        os.chmod(tool, 0o755)
        env = dict(os.environ, LANG="C.UTF-8", PATH=self.tmp + ":" + os.environ.get("PATH", "/usr/bin:/bin"))
        agent = harness.start_agent(env=env)
        self.addCleanup(agent.close)
        for program in ("sh", "python3", "hostdeck-only-here"):
            shell = subprocess.run(["sh", "-c", 'command -v "$1"', "sh", program], env=env,
                                   capture_output=True, text=True).stdout.strip()
            self.assertTrue(shell, program)
            self.assertEqual(agent.tool("Exec", "which", program=program), shell)
        self.assertEqual(agent.tool("Exec", "which", program="hostdeck-only-here"), tool)
        os.chmod(tool, 0o644)  # not executable: the shell would not run it either
        self.assertIsNone(agent.tool("Exec", "which", program="hostdeck-only-here"))
        self.assertIsNone(agent.tool("Exec", "which", program="hostdeck-no-such-program"))

    def test_commands_get_default_sigpipe_and_a_new_session(self) -> None:
        # Python ignores SIGPIPE; a command must not inherit that (`yes` would report EPIPE).
        r = self.agent.tool("Exec", "shell", script="yes | head -n 2; ps -o sid= -p $$; ps -o pid= -p $$")
        lines = r["stdout"].split()
        self.assertEqual(lines[:2], ["y", "y"])
        self.assertEqual(lines[2], lines[3], "the command is not the leader of its own session")
        self.assertEqual(r["stderr"], "")

    def test_concurrent_commands_run_in_parallel(self) -> None:
        started = time.monotonic()
        calls = [self.agent.call_async("Exec", "shell", {"script": "sleep 1; echo %d" % i})
                 for i in range(4)]
        outs = [self.agent.wait(fid, p, timeout=20)["stdout"] for fid, p in calls]
        self.assertEqual(outs, ["%d\n" % i for i in range(4)])
        self.assertLess(time.monotonic() - started, 3.0)


class ExecSubprocessTest(ExecTest):
    """The same tests with every command started by subprocess.Popen (the path used with cwd)."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.agent.sync("_popen_only", "import _proc\n_proc.USE_SPAWN = False\n")


if __name__ == "__main__":
    unittest.main(verbosity=2)

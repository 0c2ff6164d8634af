"""The REST API for real: `hostdeck-cli serve` on a loopback fleet of 20 real sshd (rest_fleet),
driven by real clients — curl, the Python client (clients/python), a Node client made from the
served OpenAPI document (swagger-client) — and the document checked by an independent linter
(@redocly/cli). Also: the token and Host checks, the same records as `hostdeck-cli call --json`,
host-key questions, cancel on Ctrl+C, the history, 50 clients streaming runs at once, and no
secret in any response of the suite.

Needs root (the sshd fixture creates its login user), curl, node and npm (the npm packages are
installed into build/npm on first use).
"""
import json
import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
from typing import Any, Dict, List, Optional, Tuple

SOURCE = os.environ["HOSTDECK_SOURCE_DIR"]
BINARY = os.environ["HOSTDECK_BINARY_DIR"]
CLI = os.environ["HOSTDECK_CLI"]
FLEET = os.environ["REST_FLEET"]
sys.path.insert(0, os.path.join(SOURCE, "clients", "python"))
import hostdeck  # noqa: E402

HOSTS = 20
SECRET = "inventory-secret-" + os.urandom(6).hex()
PASSWORD = "login-password-" + os.urandom(6).hex()
NPM_DIR = os.path.join(BINARY, "npm")
SWAGGER_CLIENT = "swagger-client@3.36.0"
RESPONSES: List[bytes] = []  # every response body of the suite, for the secret check


class RecordingClient(hostdeck.Client):
    """The Python client, keeping every answer it gets."""

    def request(self, method: str, path: str, body: Any = None) -> Any:
        try:
            answer = super().request(method, path, body)
        except hostdeck.ApiError as error:
            RESPONSES.append(str(error).encode())
            raise
        RESPONSES.append(json.dumps(answer).encode())
        return answer


class RecordingRun(hostdeck.Run):
    def events(self, start: int = 0):
        for event in super().events(start):
            RESPONSES.append(json.dumps(event).encode())
            yield event


hostdeck._client.Run = RecordingRun  # runs the client makes are recorded too


class Server:
    """The fleet and `hostdeck-cli serve`, with the user's folders in a temp dir."""

    def __init__(self) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="hostdeck-rest-")
        root = self.tmp.name
        self.env = dict(os.environ)
        for name, sub in (("HOME", "home"), ("XDG_RUNTIME_DIR", "run"),
                          ("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                          ("XDG_CACHE_HOME", "cache")):
            self.env[name] = os.path.join(root, sub)
            os.makedirs(self.env[name], mode=0o700)
        self.fleet = subprocess.Popen([FLEET, "--hosts", str(HOSTS), "--unknown", "3",
                                       "--secret", SECRET],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.fleet.stdout.readline()
        if not line:
            raise RuntimeError("rest_fleet did not start (run as root)")
        self.info = json.loads(line)
        self.common = ["--known-hosts", self.info["known_hosts"],
                       "--identity", self.info["key"], "--no-ssh-config",
                       "--tools-dir", os.path.join(SOURCE, "tests", "engine", "api", "tools")]
        self.serve = subprocess.Popen(
            [CLI, "serve", "--port", "0", "-i", self.info["inventory"],
             "--host-key-timeout", "4"] + self.common,
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.url = self.serve.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            raise RuntimeError("serve did not start: " + self.serve.stderr.read())
        self.token_file = os.path.join(self.env["XDG_RUNTIME_DIR"], "hostdeck", "api.json")
        # The client finds the server as a script would: through the token file.
        self.client = self.make_client()
        deadline = time.monotonic() + 60
        while True:  # the tools are described once, in the background
            try:
                self.client.describe()
                break
            except hostdeck.ApiError as error:
                if error.status != 503 or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def make_client(self) -> RecordingClient:
        old = os.environ.get("XDG_RUNTIME_DIR")
        os.environ["XDG_RUNTIME_DIR"] = self.env["XDG_RUNTIME_DIR"]
        try:
            url, token = hostdeck.find_server()
        finally:
            if old is None:
                del os.environ["XDG_RUNTIME_DIR"]
            else:
                os.environ["XDG_RUNTIME_DIR"] = old
        return RecordingClient(url, token)

    @property
    def token(self) -> str:
        with open(self.token_file, encoding="utf-8") as f:
            return json.load(f)["token"]

    def memory_kib(self, field: str = "VmHWM") -> int:
        with open(f"/proc/{self.serve.pid}/status", encoding="utf-8") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return -1

    def stop(self) -> None:
        self.serve.send_signal(signal.SIGTERM)
        try:
            self.serve.wait(30)
        except subprocess.TimeoutExpired:
            self.serve.kill()
            self.serve.wait()
        self.fleet.stdin.close()
        self.fleet.wait(30)
        self.tmp.cleanup()


SERVER: Optional[Server] = None


def setUpModule() -> None:
    global SERVER
    SERVER = Server()


def tearDownModule() -> None:
    if SERVER:
        SERVER.stop()


def curl(*args: str, host: Optional[str] = None, token: Optional[str] = "default",
         timeout: float = 60) -> Tuple[int, bytes, str]:
    """(status, body, headers) of one curl request to the server."""
    cmd = ["curl", "-sS", "-N", "-D", "-", "--max-time", str(int(timeout))]
    if token == "default":
        token = SERVER.token
    if token is not None:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    if host is not None:
        cmd += ["-H", f"Host: {host}"]
    result = subprocess.run(cmd + list(args), capture_output=True, timeout=timeout + 10)
    if result.returncode != 0:
        raise AssertionError(f"curl failed: {result.stderr.decode()}")
    raw = result.stdout
    head, _, body = raw.partition(b"\r\n\r\n")
    RESPONSES.append(body)
    status = int(head.split(b" ")[1])
    return status, body, head.decode("latin-1")


def without_durations(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_durations(v) for k, v in value.items()
                if k not in ("duration", "elapsed")}
    if isinstance(value, list):
        return [without_durations(v) for v in value]
    return value


def all_hosts() -> List[str]:
    return [f"h{i:02d}" for i in range(HOSTS)]


class AuthTest(unittest.TestCase):
    def test_token_file_is_private(self) -> None:
        mode = stat.S_IMODE(os.stat(SERVER.token_file).st_mode)
        self.assertEqual(mode, 0o600, oct(mode))
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(SERVER.token_file)).st_mode), 0o700)
        with open(SERVER.token_file, encoding="utf-8") as f:
            info = json.load(f)
        self.assertEqual(info["url"], SERVER.url)
        self.assertGreaterEqual(len(info["token"]), 40)

    def test_missing_or_wrong_token_is_401(self) -> None:
        for path in ("/v1/tools", "/openapi.json", "/v1/runs", "/v1/history", "/nowhere"):
            status, body, _ = curl(SERVER.url + path, token=None)
            self.assertEqual(status, 401, path)
            self.assertEqual(json.loads(body)["error"]["kind"], "auth")
            status, _, _ = curl(SERVER.url + path, token=SERVER.token[:-1] + "x")
            self.assertEqual(status, 401, path)
        status, _, _ = curl("-X", "POST", "-d", '{"tool":"Exec","method":"run"}',
                            SERVER.url + "/v1/runs", token="")
        self.assertEqual(status, 401)

    def test_foreign_host_is_403(self) -> None:
        for host in ("evil.example", "attacker.test:7707", "127.0.0.1.evil.example",
                     "localhost.evil", "[::2]", "10.0.0.1"):
            status, _, _ = curl(SERVER.url + "/v1/tools", host=host)
            self.assertEqual(status, 403, host)
        for host in ("localhost", "127.0.0.1", "localhost:1234", "[::1]:80"):
            status, _, _ = curl(SERVER.url + "/v1/tools", host=host)
            self.assertEqual(status, 200, host)

    def test_ipv6_loopback_and_no_cors(self) -> None:
        port = urllib.parse.urlsplit(SERVER.url).port
        status, _, headers = curl(f"http://[::1]:{port}/v1/inventories",
                                  "-H", "Origin: http://evil.example")
        self.assertEqual(status, 200)
        self.assertNotIn("access-control", headers.lower())
        status, _, headers = curl("-X", "OPTIONS", "-H", "Origin: http://evil.example",
                                  "-H", "Access-Control-Request-Method: POST",
                                  SERVER.url + "/v1/runs", token=None)
        self.assertEqual(status, 401)
        self.assertNotIn("access-control", headers.lower())


class CurlTest(unittest.TestCase):
    def test_start_stream_fetch_with_curl(self) -> None:
        status, body, _ = curl("-X", "POST", "-H", "Content-Type: application/json", "-d",
                               json.dumps({"tool": "Exec", "method": "run", "pattern": "web",
                                           "args": {"argv": ["echo", "from curl"]}}),
                               SERVER.url + "/v1/runs")
        self.assertEqual(status, 201, body)
        started = json.loads(body)
        self.assertEqual(sorted(started["targets"]), all_hosts()[0::2])
        status, stream, headers = curl(SERVER.url + started["events"])
        self.assertEqual(status, 200)
        self.assertIn("text/event-stream", headers)
        events = []
        for block in stream.decode().split("\n\n"):
            fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
            if "data" in fields:
                event = json.loads(fields["data"])
                self.assertEqual(event["event"], fields["event"])
                self.assertEqual(int(fields["id"]), len(events))
                events.append(event)
        self.assertEqual(events[0]["event"], "run.started")
        self.assertEqual(events[-1]["event"], "run.finished")
        results = [e for e in events if e["event"] == "host.result"]
        self.assertEqual(len(results), HOSTS // 2)
        for e in results:
            self.assertEqual(e["record"]["value"]["stdout"], "from curl\n")
        status, body, _ = curl(SERVER.url + started["url"])
        run = json.loads(body)
        self.assertEqual(run["state"], "finished")
        self.assertEqual(run["summary"]["ok"], HOSTS // 2)
        self.assertEqual([r["host"] for r in run["records"]], [e["host"] for e in results])

    def test_bad_requests_name_the_field(self) -> None:
        cases = [
            ({"tool": "Exec", "method": "run", "args": {"argv": "uptime"}}, 400, "args.argv"),
            ({"tool": "Exec", "method": "run", "args": {"argv": ["x"], "bogus": 1}}, 400,
             "args.bogus"),
            ({"tool": "Exec", "method": "run", "args": {}}, 400, "args.argv"),
            ({"tool": "Exec", "method": "nope"}, 404, "method"),
            ({"tool": "Exec", "method": "run", "args": {"argv": ["x"]}, "forks": 0}, 400,
             "forks"),
            ({"tool": "Exec", "method": "run", "args": {"argv": ["x"]}, "pattern": "nomatch*"},
             400, "pattern"),
            ({"tool": "Exec", "method": "run", "args": {"argv": ["x"]}, "inventory": "zz"},
             404, "inventory"),
            ({"tool": "Exec", "method": "run", "args": {"argv": ["x"]}, "timeout": "1"}, 400,
             "timeout"),
            ({"tool": "Exec", "method": "run", "args": {"argv": ["x"]}, "colour": 1}, 400,
             "colour"),
            ({"method": "run"}, 400, "tool"),
            ({"recipe": "harden", "tool": "Exec"}, 400, "tool"),
            ({"tool": "RestProbe", "method": "kinds",
              "args": {"text": "t", "count": 1.5, "ratio": 1, "flag": True, "names": [],
                       "labels": {}, "colour": "red"}}, 400, "args.count"),
            ({"tool": "RestProbe", "method": "kinds",
              "args": {"text": "t", "count": 1, "ratio": 1, "flag": True, "names": [],
                       "labels": {}, "colour": "blue"}}, 400, "args.colour"),
            ({"tool": "RestProbe", "method": "login",
              "args": {"user": "u", "password": 12345678}}, 400, "args.password"),
        ]
        for body, status, field in cases:
            code, answer, _ = curl("-X", "POST", "-d", json.dumps(body), SERVER.url + "/v1/runs")
            error = json.loads(answer)["error"]
            self.assertEqual((code, error.get("field")), (status, field), (body, error))
            self.assertNotIn("12345678", error["message"])
        code, answer, _ = curl("-X", "POST", "-d", "{not json", SERVER.url + "/v1/runs")
        self.assertEqual((code, json.loads(answer)["error"]["field"]), (400, "body"))
        # A recipe is checked before anything runs: its own errors name the line, a missing
        # one its name, a step's arguments the parameter.
        recipe_cases = [
            ({"steps": [{"Exec.run": {"argv": ["true"]}, "colour": 1}]}, "colour", r"<request>:\d+: "),
            ({"steps": [{"Exec.nope": {}}]}, "Exec.nope", None),
            ({"steps": [{"Exec.run": {"argv": 5}}]}, "argv", None),
            ("no-such-recipe-%d" % os.getpid(), "no-such-recipe", None),
            ("../etc/passwd", "absolute path", None),
            (7, "expected YAML text", None),
        ]
        for recipe, needle, also in recipe_cases:
            code, answer, _ = curl("-X", "POST", "-d", json.dumps({"recipe": recipe}),
                                   SERVER.url + "/v1/runs")
            error = json.loads(answer)["error"]
            self.assertEqual((code, error.get("field")), (400, "recipe"), (recipe, error))
            self.assertIn(needle, error["message"])
            if also:
                self.assertRegex(error["message"], also)
        code, _, _ = curl("-X", "DELETE", SERVER.url + "/v1/tools")
        self.assertEqual(code, 405)


class PythonClientTest(unittest.TestCase):
    def test_call_streams_one_record_per_host(self) -> None:
        hd = SERVER.client
        seen = []
        run = hd.call("all", "Exec.run", argv=["uname", "-n"])
        for r in run:
            seen.append(r.host)
            self.assertTrue(r.ok, r.record)
            self.assertTrue(r.changed)
            self.assertEqual(r.value["rc"], 0)
            self.assertIsNone(r.error)
        self.assertEqual(sorted(seen), all_hosts())
        self.assertEqual((run.summary.total, run.summary.ok), (HOSTS, HOSTS))
        self.assertTrue(run.summary.all_ok)

    def test_pattern_and_inventory_hosts(self) -> None:
        hd = SERVER.client
        inventories = hd.inventories()
        self.assertEqual([i["id"] for i in inventories], ["fleet"])
        self.assertEqual(inventories[0]["hosts"], HOSTS)
        web_db = hd.hosts("web:&db")
        self.assertEqual(web_db, [])
        web = hd.hosts("web:!h00")
        self.assertEqual([h["name"] for h in web], all_hosts()[2::2])
        self.assertEqual(web[0]["address"], "127.0.0.1")
        self.assertEqual(set(web[0]), {"name", "groups", "address", "port", "user",
                                       "connection"})
        results = list(hd.call("db:&h0*", "Exec.run", argv=["true"]))
        self.assertEqual(sorted(r.host for r in results), all_hosts()[1:10:2])

    def test_check_mode_changes_nothing(self) -> None:
        hd = SERVER.client
        path = f"/tmp/hostdeck-rest-check-{os.getpid()}"
        results = list(hd.tools.FileSystem.line_in_file("web", path, "hello", create=True,
                                                        check=True))
        self.assertEqual(len(results), HOSTS // 2)
        for r in results:
            self.assertTrue(r.changed and r.check, r.record)
        self.assertFalse(os.path.exists(path))

    def test_recipes_inline_as_text_and_by_file(self) -> None:
        hd = SERVER.client
        mark = f"/tmp/hostdeck-rest-recipe-{os.getpid()}"
        recipe = {"vars": {"word": "alpha"},
                  "steps": [{"name": "who", "Exec.run": {"argv": ["echo", "${word} ${inventory_hostname}"]},
                             "register": "who"},
                            {"name": "only h01", "when": "inventory_hostname == 'h01'",
                             "Exec.run": {"argv": ["touch", mark + "-${inventory_hostname}"]}}],
                  "return": "${steps.who.stdout.strip()}"}
        results = {r.host: r for r in hd.recipe("web", recipe)}
        self.assertEqual(sorted(results), all_hosts()[0::2])
        for host, r in results.items():
            self.assertTrue(r.ok, r.record)
            self.assertEqual(r.value, f"alpha {host}")
            self.assertEqual([(s.record.get("step"), s.status) for s in r.steps],
                             [("who", "changed"), ("only h01", "skipped")])
        self.assertFalse(os.path.exists(mark + "-h01"))  # h01 is not a web host
        text = "steps:\n  - Exec.run: {argv: [touch, '%s-${inventory_hostname}']}\n" % mark
        ran = list(hd.recipe("h01", text))
        self.assertEqual([(r.host, r.ok) for r in ran], [("h01", True)])
        self.assertTrue(os.path.exists(mark + "-h01"))
        os.unlink(mark + "-h01")
        with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
            f.write("vars: {word: file}\nsteps:\n  - Exec.run: {argv: [echo, '${word}']}\n"
                    "    register: said\nreturn: '${steps.said.stdout.strip()}'\n")
        try:
            by_file = list(hd.recipe("h00", {"file": f.name, "vars": {"word": "override"}}))
            self.assertEqual([r.value for r in by_file], ["override"])
        finally:
            os.unlink(f.name)

    def test_typed_helpers_follow_the_descriptions(self) -> None:
        import inspect
        hd = SERVER.client
        helper = hd.tools.RestProbe.kinds
        signature = inspect.signature(helper)
        self.assertEqual(list(signature.parameters)[:8],
                         ["pattern", "text", "count", "ratio", "flag", "names", "labels",
                          "colour"])
        self.assertEqual(signature.parameters["where"].default, "/tmp")
        self.assertIsNone(signature.parameters["maybe"].default)
        self.assertIn("Echoes its arguments", helper.__doc__)
        doc = hd.tools.FileSystem.line_in_file.__doc__
        self.assertIn("state", doc)
        args = {"text": "t", "count": 3, "ratio": 0.5, "flag": True, "names": ["a"],
                "labels": {"k": "v"}, "colour": "green"}
        (r,) = list(helper("h00", **args))
        self.assertEqual(r.value, dict(args, where="/tmp", maybe=None, anything=None))
        with self.assertRaises(hostdeck.ApiError) as refused:
            helper("h00", **dict(args, colour="blue"))
        self.assertEqual(refused.exception.field, "args.colour")
        (r,) = list(hd.tools.RestProbe.login("h01", "someone", PASSWORD))
        self.assertEqual(r.value, {"user": "someone", "length": len(PASSWORD)})

    def test_ctrl_c_cancels_the_run(self) -> None:
        script = (
            "import sys, hostdeck\n"
            "hd = hostdeck.connect()\n"
            "run = hd.call('h02', 'Exec.run', argv=['sleep', '60'])\n"
            "print(run.id, flush=True)\n"
            "try:\n"
            "    for r in run: print('result', r.status, flush=True)\n"
            "except KeyboardInterrupt:\n"
            "    print('interrupted', flush=True); sys.exit(3)\n")
        env = dict(os.environ, XDG_RUNTIME_DIR=SERVER.env["XDG_RUNTIME_DIR"],
                   PYTHONPATH=os.path.join(SOURCE, "clients", "python"))
        child = subprocess.Popen([sys.executable, "-c", script], env=env,
                                 stdout=subprocess.PIPE, text=True)
        run_id = child.stdout.readline().strip()
        deadline = time.monotonic() + 30
        # run.started, then h02 pending, (connecting,) running: the sleep is on its way.
        while SERVER.client.run(run_id).fetch()["events"] < 3:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        time.sleep(0.3)
        started = time.monotonic()
        child.send_signal(signal.SIGINT)
        out, _ = child.communicate(timeout=30)
        self.assertEqual(child.returncode, 3, out)
        self.assertIn("interrupted", out)
        while time.monotonic() - started < 20:
            run = SERVER.client.run(run_id).fetch()
            if run["state"] == "finished":
                break
            time.sleep(0.1)
        self.assertEqual(run["summary"]["cancelled"], 1, run)
        self.assertLess(time.monotonic() - started, 15)


class SameAsCliTest(unittest.TestCase):
    def test_rest_run_equals_cli_json(self) -> None:
        argv = ["sh", "-c", "echo same; echo err >&2; exit 3"]
        cli = subprocess.run(
            [CLI, "call", "-i", SERVER.info["inventory"], "-l", "web", "--json"] +
            SERVER.common + ["Exec.run", "--arg", "argv=" + json.dumps(argv)],
            env=SERVER.env, capture_output=True, text=True, timeout=120)
        lines = [json.loads(line) for line in cli.stdout.splitlines() if line.strip()]
        cli_records = {r["host"]: r for r in lines if "host" in r}
        cli_summary = [r for r in lines if r.get("summary")][0]
        run = SERVER.client.call("web", "Exec.run", argv=argv)
        run.wait()
        fetched = run.fetch()
        rest_records = {r["host"]: r for r in fetched["records"]}
        self.assertEqual(len(rest_records), HOSTS // 2)
        self.assertEqual(without_durations(rest_records), without_durations(cli_records))
        self.assertEqual(without_durations(fetched["summary"]), without_durations(cli_summary))
        self.assertEqual(fetched["summary"]["failed"], HOSTS // 2)  # exit 3 fails each host


class HistoryTest(unittest.TestCase):
    def test_list_get_and_rerun(self) -> None:
        hd = SERVER.client
        run = hd.call("h03", "Exec.run", argv=["echo", "history"])
        run.wait()
        entries = hd.history(limit=50)
        mine = [e for e in entries if e["hosts"] == ["h03"] and
                e["args"] == {"argv": ["echo", "history"]}]
        self.assertTrue(mine, entries[:3])
        entry = hd.history_run(mine[0]["id"])
        self.assertEqual(entry["origin"], "rest")
        self.assertEqual([r["host"] for r in entry["results"]], ["h03"])
        self.assertEqual(entry["results"][0]["value"]["stdout"], "history\n")
        again = hd.rerun(entry["id"], check=True)
        (result,) = list(again)
        self.assertEqual((result.host, result.check), ("h03", True))
        with self.assertRaises(hostdeck.ApiError) as missing:
            hd.history_run(10 ** 9)
        self.assertEqual(missing.exception.status, 404)

    def test_secret_arguments_are_not_rerun(self) -> None:
        hd = SERVER.client
        list(hd.tools.RestProbe.login("h04", "someone", PASSWORD))
        entry = [e for e in hd.history(limit=50)
                 if e["tool"] == "RestProbe" and e["method"] == "login"][0]
        self.assertEqual(entry["args"]["password"], "<redacted>")
        with self.assertRaises(hostdeck.ApiError) as refused:
            hd.rerun(entry["id"])
        self.assertEqual(refused.exception.status, 409)


class HostKeyTest(unittest.TestCase):
    def wait_question(self) -> Dict[str, Any]:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            questions = SERVER.client.host_keys()
            if questions:
                return questions[0]
            time.sleep(0.1)
        self.fail("no host-key question appeared")

    def test_unknown_key_waits_for_a_decision(self) -> None:
        hd = SERVER.client
        user = SERVER.info["user"]
        once, ignored, saved = SERVER.info["unknown"]
        # Accepted once: the run goes on, known_hosts is not changed.
        target = [f"{user}@127.0.0.1:{once['port']}"]
        run = hd.start(None, "Exec.run", hosts=target, argv=["true"])
        question = self.wait_question()
        self.assertEqual((question["fingerprint"], question["port"]),
                         (once["fingerprint"], once["port"]))
        hd.accept_host_key(question["id"])
        (result,) = list(run)
        self.assertTrue(result.ok, result.record)
        with self.assertRaises(hostdeck.ApiError) as gone:
            hd.accept_host_key(question["id"])  # answered
        self.assertEqual(gone.exception.status, 404)
        # Not answered: rejected after --host-key-timeout (4 s).
        started = time.monotonic()
        target = [f"{user}@127.0.0.1:{ignored['port']}"]
        (result,) = list(hd.call(None, "Exec.run", hosts=target, argv=["true"]))
        self.assertEqual((result.status, (result.error or {}).get("kind")),
                         ("unreachable", "host_key_unknown"), result.record)
        self.assertGreater(time.monotonic() - started, 3.5)
        self.assertEqual(hd.host_keys(), [])
        # Rejected at once.
        target = [f"{user}@localhost:{ignored['port']}"]
        run = hd.start(None, "Exec.run", hosts=target, argv=["true"])
        hd.reject_host_key(self.wait_question()["id"])
        self.assertEqual(list(run)[0].status, "unreachable")
        # Accepted and saved: known_hosts has it.
        target = [f"{user}@127.0.0.1:{saved['port']}"]
        run = hd.start(None, "Exec.run", hosts=target, argv=["true"])
        hd.accept_host_key(self.wait_question()["id"], save=True)
        self.assertTrue(list(run)[0].ok)
        with open(SERVER.info["known_hosts"], encoding="utf-8") as f:
            known = f.read()
        self.assertIn(f"[127.0.0.1]:{saved['port']}", known)
        self.assertNotIn(f"[127.0.0.1]:{once['port']}", known)


def npm_install() -> str:
    """Installs the Node packages into build/npm once; returns its node_modules/.bin."""
    version = subprocess.run(["node", "--version"], capture_output=True, text=True,
                             check=True).stdout.strip().lstrip("v").split(".")
    major, minor = int(version[0]), int(version[1])
    # @redocly/cli 2.x needs node >= 20.19; Debian 12's node 18 gets the 1.34 line.
    redocly = "@redocly/cli@2.77.0" if (major, minor) >= (20, 19) else "@redocly/cli@1.34.20"
    marker = os.path.join(NPM_DIR, f"installed-{redocly}-{SWAGGER_CLIENT}".replace("/", "_"))
    if not os.path.exists(marker):
        os.makedirs(NPM_DIR, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", NPM_DIR, "--no-audit", "--no-fund",
                        "--cache", os.path.join(NPM_DIR, "cache"), "--loglevel", "error",
                        redocly, SWAGGER_CLIENT], check=True, timeout=600,
                       stdout=subprocess.DEVNULL)
        open(marker, "w").close()
    return os.path.join(NPM_DIR, "node_modules", ".bin")


NODE_CLIENT = r"""
const SwaggerClient = require('swagger-client');
const [url, token, pattern] = process.argv.slice(1);
const auth = (req) => { req.headers.Authorization = 'Bearer ' + token; return req; };
(async () => {
  const spec = await (await fetch(url + '/openapi.json',
                                  {headers: {Authorization: 'Bearer ' + token}})).json();
  const client = await SwaggerClient({spec, requestInterceptor: auth});
  const started = await client.apis.Exec.Exec_run({}, {requestBody:
      {pattern, check: false, args: {argv: ['echo', 'from node']}}});
  let run;
  for (let i = 0; i < 300; i++) {
    run = (await client.apis.runs.getRun({run: started.body.run})).body;
    if (run.state === 'finished') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  let refused = null;
  try {
    await client.apis.RestProbe.RestProbe_kinds({}, {requestBody: {pattern, args: {text: 1}}});
  } catch (e) { refused = {status: e.status, error: e.response.body.error}; }
  const tools = (await client.apis.tools.listTools()).body.map((t) => t.tool);
  console.log(JSON.stringify({status: started.status, run, refused, tools}));
})().catch((e) => { console.error(e); process.exit(1); });
"""


class OpenApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.bin = npm_install()
        cls.document = SERVER.client.openapi()

    def test_document_follows_the_tool_descriptions(self) -> None:
        doc = self.document
        self.assertEqual(doc["openapi"], "3.0.3")
        operations = {op["operationId"] for path in doc["paths"].values() for op in path.values()}
        for tool in SERVER.client.describe():
            for method in tool["methods"]:
                name = f"{tool['tool']}_{method['name']}"
                self.assertIn(name, operations)
                schema = doc["components"]["schemas"][name + "_args"]
                self.assertEqual(set(schema["properties"]), {p["name"] for p in method["params"]})
                self.assertEqual(set(schema.get("required", [])),
                                 {p["name"] for p in method["params"] if p.get("required")})
        self.assertNotIn("/v1/call/FileSystem.upload_chunk", doc["paths"])  # internal
        kinds = doc["components"]["schemas"]["RestProbe_kinds_args"]["properties"]
        self.assertEqual(kinds["count"]["type"], "integer")
        self.assertEqual(kinds["names"], dict(kinds["names"], type="array",
                                              items={"type": "string"}))
        self.assertEqual(kinds["colour"]["enum"], ["red", "green"])
        self.assertTrue(kinds["maybe"]["nullable"])
        self.assertEqual(kinds["where"]["default"], "/tmp")
        password = doc["components"]["schemas"]["RestProbe_login_args"]["properties"]["password"]
        self.assertEqual((password["format"], password["writeOnly"]), ("password", True))

    def test_redocly_lint_passes(self) -> None:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(self.document, f)
        try:
            lint = subprocess.run([os.path.join(self.bin, "redocly"), "lint", f.name,
                                   "--format", "stylish"],
                                  capture_output=True, text=True, timeout=300,
                                  env=dict(os.environ, REDOCLY_TELEMETRY="off",
                                           REDOCLY_SUPPRESS_UPDATE_NOTICE="true"))
        finally:
            os.unlink(f.name)
        self.assertEqual(lint.returncode, 0, lint.stdout + lint.stderr)
        self.assertNotIn("error", re.sub(r"\b0 errors?\b", "", lint.stdout.lower()) +
                         lint.stderr.lower().replace("no errors", ""))

    def test_node_client_driven_by_the_document(self) -> None:
        node = subprocess.run(["node", "-e", NODE_CLIENT, SERVER.url, SERVER.token, "db"],
                              capture_output=True, text=True, timeout=120,
                              env=dict(os.environ,
                                       NODE_PATH=os.path.join(NPM_DIR, "node_modules")))
        self.assertEqual(node.returncode, 0, node.stderr)
        answer = json.loads(node.stdout.strip().splitlines()[-1])
        RESPONSES.append(node.stdout.encode())
        self.assertEqual(answer["status"], 201)
        self.assertEqual(answer["run"]["state"], "finished")
        self.assertEqual(sorted(r["host"] for r in answer["run"]["records"]), all_hosts()[1::2])
        self.assertTrue(all(r["value"]["stdout"] == "from node\n"
                            for r in answer["run"]["records"]))
        self.assertEqual(answer["refused"]["status"], 400)
        self.assertEqual(answer["refused"]["error"]["field"], "args.text")
        self.assertIn("RestProbe", answer["tools"])


class LoadTest(unittest.TestCase):
    CLIENTS = 50

    def test_fifty_clients_stream_runs_at_once(self) -> None:
        hd = SERVER.client
        list(hd.call("all", "Exec.run", argv=["true"]))  # connections and agents are pooled
        before = SERVER.memory_kib("VmRSS")
        results: Dict[int, Any] = {}
        barrier = threading.Barrier(self.CLIENTS)

        def client(n: int) -> None:
            try:
                mine = SERVER.make_client()
                barrier.wait(timeout=60)
                run = mine.start("all", "Exec.run", argv=["echo", f"client {n}"])
                results[n] = (run.id, list(run.events()))
            except Exception as error:  # reported below
                results[n] = error

        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(self.CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=240)
        elapsed = time.monotonic() - started
        self.assertEqual(len(results), self.CLIENTS)
        run_ids = set()
        for n, outcome in results.items():
            self.assertNotIsInstance(outcome, Exception, f"client {n}: {outcome}")
            run_id, events = outcome
            run_ids.add(run_id)
            self.assertEqual(events[0]["event"], "run.started")
            self.assertEqual(events[-1]["event"], "run.finished")
            self.assertTrue(all(e["run"] == run_id for e in events))
            results_by_host = {e["host"]: e for e in events if e["event"] == "host.result"}
            self.assertEqual(sorted(results_by_host), all_hosts())
            outputs = {e["host"]: e["data"] for e in events if e["event"] == "step.output"}
            self.assertEqual(outputs, {h: f"client {n}\n" for h in all_hosts()})
            states = [(e["host"], e["state"]) for e in events if e["event"] == "host.state"]
            for host in all_hosts():  # pooled hosts need no `connecting`
                self.assertIn([s for h, s in states if h == host],
                              (["pending", "connecting", "running", "done"],
                               ["pending", "running", "done"]))
            stored = SERVER.client.run(run_id).fetch()
            self.assertEqual(stored["events"], len(events))  # none lost on the way
            self.assertEqual(stored["summary"]["ok"], HOSTS)
        self.assertEqual(len(run_ids), self.CLIENTS)
        peak = SERVER.memory_kib("VmHWM")
        after = SERVER.memory_kib("VmRSS")
        print(f"\nload: {self.CLIENTS} clients x {HOSTS} hosts in {elapsed:.1f} s; controller "
              f"RSS {before // 1024} -> {after // 1024} MiB, peak {peak // 1024} MiB",
              file=sys.stderr)
        self.assertLess(elapsed, 180)
        self.assertLess(peak, 256 * 1024, "controller memory")
        self.assertLess(after - before, 200 * 1024, "controller memory kept after the load")


class ZzNoSecretTest(unittest.TestCase):
    """Last (alphabetical order): every response of the suite, searched for the secrets."""

    def test_no_secret_in_any_response(self) -> None:
        hd = SERVER.client
        # Make sure each secret went through the server at least once more, then read all
        # that can show runs, hosts and history.
        list(hd.tools.RestProbe.login("h05", "someone", PASSWORD))
        for run in hd.runs():
            hd.run(run["run"]).fetch()
            list(hd.run(run["run"]).events())
        for entry in hd.history(limit=1000):
            hd.history_run(entry["id"])
        hd.hosts("all")
        hd.openapi()
        self.assertGreater(len(RESPONSES), 200)
        blob = b"\n".join(RESPONSES)
        self.assertIn(b"<redacted>", blob)  # the login calls were seen, redacted
        self.assertNotIn(PASSWORD.encode(), blob)
        self.assertNotIn(SECRET.encode(), blob)


if __name__ == "__main__":
    unittest.main(verbosity=2)

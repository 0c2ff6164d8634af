"""The client: finding the server, requests, runs and their event streams."""
from __future__ import annotations

import http.client
import json
import os
import urllib.parse
from typing import Any, Dict, Iterator, List, Optional, Tuple

# Run options hd.call() and the tool helpers take beside the tool's own arguments.
RUN_OPTIONS = ("inventory", "check", "forks", "call_timeout", "deadline", "serial",
               "max_fail_percentage")


class ApiError(Exception):
    """The server refused a request: HTTP status, error kind, message and the refused field."""

    def __init__(self, status: int, kind: str, message: str, field: Optional[str] = None):
        super().__init__(f"{status} {kind}: {message}")
        self.status = status
        self.kind = kind
        self.message = message
        self.field = field


class HostResult:
    """One host's record: host, status, ok, changed, check, value, error, duration, steps."""

    __slots__ = ("host", "status", "ok", "changed", "check", "value", "error", "duration",
                 "steps", "record")

    def __init__(self, record: Dict[str, Any]):
        self.record = record
        self.host: str = record.get("host", "")
        self.status: str = record.get("status", "")
        self.ok: bool = bool(record.get("ok"))
        self.changed: bool = bool(record.get("changed"))
        self.check: bool = bool(record.get("check"))
        self.value: Any = record.get("value")
        self.error: Optional[Dict[str, Any]] = record.get("error")
        self.duration: float = float(record.get("duration") or 0.0)
        self.steps: List[HostResult] = [HostResult(s) for s in record.get("steps") or []]

    def __repr__(self) -> str:
        return f"HostResult(host={self.host!r}, status={self.status!r}, changed={self.changed})"


class Summary:
    """The counts of a finished run (RunSummary::toJson)."""

    def __init__(self, summary: Dict[str, Any]):
        self.summary = summary
        for key in ("total", "ok", "changed", "failed", "unreachable", "skipped", "timed_out",
                    "cancelled"):
            setattr(self, key, int(summary.get(key) or 0))
        self.elapsed = float(summary.get("elapsed") or 0.0)
        self.refused: Optional[Dict[str, Any]] = summary.get("refused")

    @property
    def all_ok(self) -> bool:
        return not self.refused and self.ok + self.skipped == self.total  # type: ignore

    def __repr__(self) -> str:
        return f"Summary({self.summary!r})"


def find_server(path: Optional[str] = None) -> Tuple[str, str]:
    """(url, token) from the server's token file: `path`, $HOSTDECK_API_FILE,
    $XDG_RUNTIME_DIR/hostdeck/api.json, or the config folder's hostdeck/api.json."""
    candidates = [path, os.environ.get("HOSTDECK_API_FILE")]
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        candidates.append(os.path.join(runtime, "hostdeck", "api.json"))
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    candidates.append(os.path.join(config, "hostdeck", "api.json"))
    for candidate in candidates:
        if candidate and os.path.isfile(candidate):
            with open(candidate, encoding="utf-8") as f:
                info = json.load(f)
            return info["url"], info["token"]
    raise FileNotFoundError("no Hostdeck server found: start `hostdeck-cli serve` (or the "
                            "app's Tools > Serve REST API), or give the token file")


def connect(url: Optional[str] = None, token: Optional[str] = None,
            token_file: Optional[str] = None, timeout: float = 60.0) -> "Client":
    """A client of the running server (found through its token file unless url/token given)."""
    if url is None or token is None:
        found_url, found_token = find_server(token_file)
        url = url or found_url
        token = token or found_token
    return Client(url, token, timeout)


class Client:
    """The REST API as Python calls. Every method raises ApiError when the server refuses."""

    def __init__(self, url: str, token: str, timeout: float = 60.0):
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme != "http" or not parsed.hostname:
            raise ValueError(f"not an http URL: {url!r}")
        self.url = url.rstrip("/")
        self.host = parsed.hostname
        self.port = parsed.port or 80
        self._token = token
        self.timeout = timeout
        self._tools = None

    # --- plumbing -------------------------------------------------------------------------
    def _connection(self, timeout: Optional[float] = None) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port,
                                          timeout=self.timeout if timeout is None else timeout)

    def _headers(self) -> Dict[str, str]:
        return {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}

    @staticmethod
    def _raise(status: int, body: bytes) -> None:
        try:
            error = json.loads(body.decode("utf-8")).get("error", {})
        except (ValueError, AttributeError):
            error = {}
        raise ApiError(status, error.get("kind", "http"), error.get("message", body[:200]),
                       error.get("field"))

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """One request; the JSON answer, or ApiError."""
        connection = self._connection()
        try:
            data = None if body is None else json.dumps(body).encode("utf-8")
            headers = self._headers()
            if data is not None:
                headers["Content-Type"] = "application/json"
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            if response.status >= 400:
                self._raise(response.status, payload)
            return json.loads(payload.decode("utf-8")) if payload else None
        finally:
            connection.close()

    # --- what the server knows ------------------------------------------------------------
    def describe(self) -> List[Dict[str, Any]]:
        """The tool descriptions (internal methods left out)."""
        return self.request("GET", "/v1/tools")

    def openapi(self) -> Dict[str, Any]:
        return self.request("GET", "/openapi.json")

    def inventories(self) -> List[Dict[str, Any]]:
        return self.request("GET", "/v1/inventories")

    def hosts(self, pattern: str = "all", inventory: Optional[str] = None) -> List[Dict[str, Any]]:
        """The hosts `pattern` selects: name, groups, address, port, user (no variables)."""
        inventory = inventory or self.inventories()[0]["id"]
        query = urllib.parse.urlencode({"pattern": pattern})
        path = f"/v1/inventories/{urllib.parse.quote(inventory, safe='')}/hosts?{query}"
        return self.request("GET", path)["hosts"]

    @property
    def tools(self):
        """Typed helpers made from the tool descriptions: hd.tools.Tool.method(pattern, ...)."""
        if self._tools is None:
            from hostdeck._tools import ToolNamespace
            self._tools = ToolNamespace(self, self.describe())
        return self._tools

    # --- runs -----------------------------------------------------------------------------
    def start(self, pattern: Optional[str], tool_method: str, *, args: Optional[dict] = None,
              hosts: Optional[List[str]] = None, **kwargs: Any) -> "Run":
        """Starts `Tool.method` on the hosts `pattern` selects (or the ad-hoc `hosts`); run
        options (inventory, check, forks, call_timeout, deadline, serial,
        max_fail_percentage) and the tool's arguments as keywords (or `args`)."""
        tool, _, method = tool_method.partition(".")
        if not tool or not method:
            raise ValueError(f"expected Tool.method, got {tool_method!r}")
        body, call_args = self._split(kwargs)
        call_args.update(args or {})
        body.update({"tool": tool, "method": method, "args": call_args})
        return self._start(body, pattern, hosts)

    def call(self, pattern: Optional[str], tool_method: str, **kwargs: Any) -> "Run":
        """Like start(); iterate the run for each host's HostResult as it finishes."""
        return self.start(pattern, tool_method, **kwargs)

    def recipe(self, pattern: Optional[str], recipe: Any, **kwargs: Any) -> "Run":
        """Runs a recipe (by name or inline) with the run options given as keywords."""
        body, extra = self._split(kwargs)
        if extra:
            raise TypeError(f"unexpected arguments for a recipe: {sorted(extra)}")
        body["recipe"] = recipe
        return self._start(body, pattern, None)

    def run(self, run_id: str) -> "Run":
        """A run the server knows (started by this or another client)."""
        return Run(self, str(run_id))

    def runs(self) -> List[Dict[str, Any]]:
        return self.request("GET", "/v1/runs")

    @staticmethod
    def _split(kwargs: Dict[str, Any]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        body: Dict[str, Any] = {}
        args: Dict[str, Any] = {}
        for key, value in kwargs.items():
            if key in RUN_OPTIONS:
                if value is not None:
                    body["timeout" if key == "call_timeout" else key] = value
            else:
                args[key] = value
        return body, args

    def _start(self, body: Dict[str, Any], pattern: Optional[str],
               hosts: Optional[List[str]]) -> "Run":
        if hosts:
            body["hosts"] = list(hosts)
        elif pattern:
            body["pattern"] = pattern
        started = self.request("POST", "/v1/runs", body)
        return Run(self, started["run"], started.get("targets"))

    # --- history --------------------------------------------------------------------------
    def history(self, limit: int = 100) -> List[Dict[str, Any]]:
        return self.request("GET", f"/v1/history?limit={int(limit)}")

    def history_run(self, history_id: int) -> Dict[str, Any]:
        return self.request("GET", f"/v1/history/{int(history_id)}")

    def rerun(self, history_id: int, check: Optional[bool] = None) -> "Run":
        body = {} if check is None else {"check": bool(check)}
        started = self.request("POST", f"/v1/history/{int(history_id)}/rerun", body)
        return Run(self, started["run"], started.get("targets"))

    # --- host keys ------------------------------------------------------------------------
    def host_keys(self) -> List[Dict[str, Any]]:
        """Unknown host keys waiting for a decision."""
        return self.request("GET", "/v1/host-keys")

    def accept_host_key(self, question_id: str, save: bool = False) -> Dict[str, Any]:
        decision = "accept_and_save" if save else "accept_once"
        return self.request("POST", f"/v1/host-keys/{question_id}", {"decision": decision})

    def reject_host_key(self, question_id: str) -> Dict[str, Any]:
        return self.request("POST", f"/v1/host-keys/{question_id}", {"decision": "reject"})


class Run:
    """A run on the server. Iterate it for each host's HostResult as it finishes (Ctrl+C
    cancels the run); `events()` gives every event; `summary` is set once it finished."""

    def __init__(self, client: Client, run_id: str, targets: Optional[List[str]] = None):
        self.client = client
        self.id = str(run_id)
        self.targets = targets or []
        self.summary: Optional[Summary] = None
        self.results: List[HostResult] = []

    def __repr__(self) -> str:
        return f"Run({self.id!r}, targets={len(self.targets)})"

    def events(self, start: int = 0) -> Iterator[Dict[str, Any]]:
        """Every event of the run (RunEvent::toJson), from `start`, as it happens."""
        connection = self.client._connection(timeout=None)  # a run may be quiet for long
        try:
            headers = self.client._headers()
            headers["Accept"] = "application/x-ndjson"
            connection.request("GET", f"/v1/runs/{self.id}/events?format=jsonl&from={start}",
                               headers=headers)
            response = connection.getresponse()
            if response.status >= 400:
                self.client._raise(response.status, response.read())
            while True:
                line = response.readline()
                if not line:
                    break
                event = json.loads(line.decode("utf-8"))
                if event.get("event") == "run.finished":
                    self.summary = Summary(event.get("summary") or {})
                yield event
        finally:
            connection.close()

    def __iter__(self) -> Iterator[HostResult]:
        try:
            for event in self.events():
                if event.get("event") == "host.result":
                    result = HostResult(event.get("record") or {})
                    self.results.append(result)
                    yield result
        except KeyboardInterrupt:
            self.cancel()
            raise
        if self.summary is not None and self.summary.refused:
            refused = self.summary.refused
            raise ApiError(400, refused.get("kind", "invalid_argument"),
                           refused.get("message", "run refused"))

    def wait(self) -> Summary:
        """Consumes the stream (if nobody did) and returns the summary."""
        if self.summary is None:
            for _ in self:
                pass
        assert self.summary is not None
        return self.summary

    def cancel(self) -> None:
        self.client.request("POST", f"/v1/runs/{self.id}/cancel")

    def fetch(self) -> Dict[str, Any]:
        """The run as the server keeps it: state, records, summary."""
        return self.client.request("GET", f"/v1/runs/{self.id}")

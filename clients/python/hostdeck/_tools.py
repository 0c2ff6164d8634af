"""Typed helpers generated from the tool descriptions the server has loaded."""
from __future__ import annotations

import inspect
import keyword
from typing import Any, Callable, Dict, List

_OPTIONS = [
    ("hosts", None), ("inventory", None), ("check", False), ("forks", None),
    ("call_timeout", None), ("deadline", None), ("serial", None), ("max_fail_percentage", None),
]


def _doc(tool: str, method: Dict[str, Any]) -> str:
    lines = [(method.get("doc") or f"{tool}.{method['name']}").strip(), ""]
    params = method.get("params") or []
    if params:
        lines.append("Tool arguments:")
        for p in params:
            where = "required" if p.get("required") else f"default {p.get('default')!r}"
            lines.append(f"    {p['name']} ({p.get('type') or 'any'}): {where}")
        lines.append("")
    lines.append("Run: pattern (or hosts=[...]), inventory, check, forks, call_timeout, deadline, "
                 "serial, max_fail_percentage. Returns a Run: iterate it for each host's result.")
    if method.get("changes"):
        lines.append("Changes the host: check=True reports what would change.")
    return "\n".join(lines)


def _helper(client, tool: str, method: Dict[str, Any]) -> Callable[..., Any]:
    name = method["name"]
    params: List[inspect.Parameter] = [
        inspect.Parameter("pattern", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                          annotation="Optional[str]")]
    taken = {"pattern"}
    described = method.get("params") or []
    for p in described:
        if p.get("required") and p["name"] not in taken and not keyword.iskeyword(p["name"]):
            params.append(inspect.Parameter(p["name"], inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                            annotation=p.get("type") or "Any"))
            taken.add(p["name"])
    for p in described:
        if p["name"] not in taken and not keyword.iskeyword(p["name"]):
            params.append(inspect.Parameter(p["name"], inspect.Parameter.KEYWORD_ONLY,
                                            default=p.get("default"),
                                            annotation=p.get("type") or "Any"))
            taken.add(p["name"])
    for option, default in _OPTIONS:
        if option not in taken:
            params.append(inspect.Parameter(option, inspect.Parameter.KEYWORD_ONLY,
                                            default=default))
            taken.add(option)
    signature = inspect.Signature(params, return_annotation="hostdeck.Run")
    arg_names = {p["name"] for p in described}

    def helper(*args: Any, **kwargs: Any):
        bound = signature.bind(*args, **kwargs)  # only what the caller gave is sent
        given = dict(bound.arguments)
        pattern = given.pop("pattern", None)
        hosts = given.pop("hosts", None)
        call_args = {k: v for k, v in given.items() if k in arg_names}
        options = {k: v for k, v in given.items() if k not in arg_names}
        return client.start(pattern, f"{tool}.{name}", args=call_args, hosts=hosts, **options)

    helper.__name__ = name
    helper.__qualname__ = f"{tool}.{name}"
    helper.__doc__ = _doc(tool, method)
    helper.__signature__ = signature  # type: ignore[attr-defined]
    return helper


class ToolProxy:
    """One tool: its methods as functions (see their docstrings and signatures)."""

    def __init__(self, client, description: Dict[str, Any]):
        self.__name__ = description.get("tool", "")
        self.__doc__ = description.get("doc") or self.__name__
        self._methods = {m["name"]: _helper(client, self.__name__, m)
                         for m in description.get("methods") or []}

    def __getattr__(self, name: str):
        try:
            return self._methods[name]
        except KeyError:
            raise AttributeError(f"{self.__name__} has no method {name!r} "
                                 f"(methods: {', '.join(sorted(self._methods))})") from None

    def __dir__(self):
        return sorted(self._methods)


class ToolNamespace:
    """hd.tools.Tool.method(...), made from GET /v1/tools (custom tools included)."""

    def __init__(self, client, descriptions: List[Dict[str, Any]]):
        self._tools = {d["tool"]: ToolProxy(client, d) for d in descriptions if "tool" in d}

    def __getattr__(self, name: str) -> ToolProxy:
        try:
            return self._tools[name]
        except KeyError:
            raise AttributeError(f"no tool {name!r} (tools: {', '.join(sorted(self._tools))})") \
                from None

    def __dir__(self):
        return sorted(self._tools)

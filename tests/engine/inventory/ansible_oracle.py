"""What ansible-core says about an inventory file: the test oracle for Hostdeck's inventories.

It uses ansible's own Python API (the code behind `ansible-inventory --list` and
`ansible PATTERN --list-hosts`) in one process, so hundreds of inventories take seconds instead of
a second each. `crosscheck_cli` runs the real command-line tools on a file to show the API answers
are the ones the CLIs print.
"""
from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import tempfile
from typing import Any, Dict, List, Optional

# Ansible's own scratch and home directories live in a temp dir of this run, removed at exit.
_SCRATCH = tempfile.mkdtemp(prefix="hostdeck-ansible-")
atexit.register(shutil.rmtree, _SCRATCH, True)
os.environ["ANSIBLE_HOME"] = os.path.join(_SCRATCH, "home")
os.environ["ANSIBLE_LOCAL_TEMP"] = os.path.join(_SCRATCH, "tmp")
os.environ.setdefault("ANSIBLE_INVENTORY_UNPARSED_FAILED", "1")
os.environ.setdefault("ANSIBLE_HOST_PATTERN_MISMATCH", "ignore")
os.environ.setdefault("ANSIBLE_LOCALHOST_WARNING", "0")
os.environ.setdefault("ANSIBLE_NOCOLOR", "1")
os.environ.setdefault("ANSIBLE_DEPRECATION_WARNINGS", "0")
os.environ.setdefault("ANSIBLE_DUPLICATE_YAML_DICT_KEY", "ignore")
os.environ.setdefault("ANSIBLE_TRANSFORM_INVALID_GROUP_CHARS", "ignore")

from ansible import constants as C  # noqa: E402
from ansible.errors import AnsibleError  # noqa: E402
from ansible.inventory.manager import InventoryManager  # noqa: E402
from ansible.parsing.dataloader import DataLoader  # noqa: E402
from ansible.utils.display import Display  # noqa: E402
from ansible.vars.manager import VariableManager  # noqa: E402
from ansible.cli.inventory import INTERNAL_VARS  # noqa: E402

Display().verbosity = 0


def _plain(value: Any) -> Any:
    """Ansible's values as JSON would carry them (tuples are lists, dates text)."""
    return json.loads(json.dumps(value, default=str))


def _walk_is_ordered(group) -> bool:
    """Whether Ansible's host order for `group` is fixed: its descendant walk iterates a set of
    groups at each level, so once two groups of one level bring new children the order depends on
    memory addresses."""
    seen = {group} | set(group.child_groups)
    level = set(group.child_groups)
    while level:
        bringing = [g for g in level if any(c not in seen for c in g.child_groups)]
        if len(bringing) > 1:
            return False
        nxt = set()
        for g in level:
            for c in g.child_groups:
                if c not in seen:
                    nxt.add(c)
        seen |= nxt
        level = nxt
    return True


def connection(name: str, hostvars: Dict[str, Any]) -> Dict[str, Any]:
    """Address, port and user as Ansible's connection takes them (C.MAGIC_VARIABLE_MAPPING order,
    so ansible_ssh_host beats ansible_host; a null value counts as unset, as the ssh plugin's
    options do)."""
    out = {}
    for attr, default in (("remote_addr", name), ("port", None), ("remote_user", None)):
        out[attr] = default
        for var in C.MAGIC_VARIABLE_MAPPING[attr]:
            if hostvars.get(var) is not None:
                out[attr] = hostvars[var]
                break
    return out


def evaluate(path: str, patterns: List[str]) -> Dict[str, Any]:
    """Everything the comparison needs, or {"error": message} when Ansible cannot read it."""
    loader = DataLoader()
    try:
        inventory = InventoryManager(loader=loader, sources=[path])
    except AnsibleError as e:
        return {"error": str(e).splitlines()[0]}
    variables = VariableManager(loader=loader, inventory=inventory)
    hosts = {}
    for host in inventory.get_hosts("all"):
        hv = variables.get_vars(host=host, include_hostvars=False, stage="all")
        hv = {k: v for k, v in hv.items() if k not in INTERNAL_VARS}
        hosts[host.name] = _plain(hv)
    groups = {}
    ordered = {}
    for name, group in inventory.groups.items():
        groups[name] = [h.name for h in group.get_hosts()]
        ordered[name] = _walk_is_ordered(group)
    results = []
    for pattern in patterns:
        try:
            inventory.clear_pattern_cache()
            matched = [h.name for h in inventory.get_hosts(pattern)]
            results.append({"pattern": pattern, "hosts": matched, "error": ""})
        except AnsibleError as e:
            results.append({"pattern": pattern, "hosts": [], "error": str(e).splitlines()[0]})
        except Exception as e:  # ansible lets some reach the CLI (IndexError, re.error)
            results.append({"pattern": pattern, "hosts": [], "error": repr(e)})
    return {
        "error": "",
        "host_order": list(inventory.hosts.keys()),
        "hostvars": hosts,
        "connections": {name: connection(name, hv) for name, hv in hosts.items()},
        "groups": groups,
        "group_order": list(inventory.groups.keys()),
        "ordered": ordered,
        "patterns": results,
    }


def crosscheck_cli(path: str, pattern: str) -> Optional[str]:
    """Runs ansible-inventory --list and ansible --list-hosts; returns a difference or None."""
    oracle = evaluate(path, [pattern])
    env = dict(os.environ)
    listed = subprocess.run(["ansible-inventory", "-i", path, "--list"], capture_output=True,
                            text=True, env=env, timeout=120)
    if oracle["error"]:
        return None if listed.returncode != 0 else "CLI read a file the API refused"
    data = json.loads(listed.stdout)
    cli_vars = data.get("_meta", {}).get("hostvars", {})
    for host, hv in oracle["hostvars"].items():
        if _plain(cli_vars.get(host, {})) != hv:
            return "hostvars of %s differ: %r vs %r" % (host, cli_vars.get(host), hv)
    shown = subprocess.run(["ansible", "-i", path, pattern, "--list-hosts"], capture_output=True,
                           text=True, env=env, timeout=120)
    lines = [line.strip() for line in shown.stdout.splitlines()[1:] if line.strip()]
    api = oracle["patterns"][0]
    if api["error"]:
        return None if shown.returncode != 0 else "CLI answered a pattern the API refused"
    if lines != api["hosts"]:
        return "--list-hosts %r: %r vs %r" % (pattern, lines, api["hosts"])
    return None

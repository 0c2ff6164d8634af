#!/usr/bin/env python3
"""Man pages and shell completion generated at build time from a program's own help table.

    gen_docs.py man PROGRAM OUT.1.gz
    gen_docs.py completion PROGRAM BASH_TEMPLATE BASH_OUT ZSH_TEMPLATE ZSH_OUT
    gen_docs.py gzip FILE OUT.gz

PROGRAM is the built hostdeck-cli or hostdeck; it prints its table with the hidden
--help-format=man|json (app/cli/CliHelp.cpp). Outputs are written atomically; the man page is
gzipped without a timestamp so that builds are reproducible.
"""
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
from typing import Dict, List


def help_output(program: str, fmt: str) -> str:
    done = subprocess.run([program, "--help-format=" + fmt], capture_output=True, text=True,
                          env=dict(os.environ, LANG="C.UTF-8", QT_QPA_PLATFORM="offscreen"))
    if done.returncode != 0 or not done.stdout:
        sys.exit("gen_docs: %s --help-format=%s failed (%d): %s"
                 % (program, fmt, done.returncode, done.stderr.strip()))
    return done.stdout


def write_atomically(path: str, data: bytes, mode: int = 0o644) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def man(program: str, out: str) -> None:
    page = help_output(program, "man").encode("utf-8")
    write_atomically(out, gzip.compress(page, compresslevel=9, mtime=0))


def visible(options: List[dict]) -> List[dict]:
    return [o for o in options if not o["hidden"]]


def sh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


# --- bash ------------------------------------------------------------------------------------

def bash_assoc(name: str, entries: Dict[str, str]) -> str:
    body = " ".join("[%s]=%s" % (sh_quote(k), sh_quote(v)) for k, v in entries.items())
    return "declare -gA %s=(%s)" % (name, body)


def bash_data(table: dict) -> str:
    words: List[str] = []
    subs: Dict[str, List[str]] = {}
    opts: Dict[str, str] = {"_": " ".join(f for o in visible(table["options"]) for f in o["flags"])}
    kinds: Dict[str, str] = {}
    choices: Dict[str, str] = {}
    args: Dict[str, str] = {}
    argchoices: Dict[str, str] = {}
    for o in visible(table["options"]):
        for flag in o["flags"]:
            kinds["_ " + flag] = o["kind"]
    for c in table["commands"]:
        name = c["name"]
        first, _, sub = name.partition(" ")
        if first not in words:
            words.append(first)
        if sub:
            subs.setdefault(first, []).append(sub)
        opts[name] = " ".join(f for o in visible(c["options"]) for f in o["flags"])
        for o in visible(c["options"]):
            for flag in o["flags"]:
                kinds[name + " " + flag] = o["kind"]
                if o["choices"]:
                    choices[name + " " + flag] = " ".join(o["choices"])
        args[name] = " ".join(a["kind"] for a in c["arguments"])
        for i, a in enumerate(c["arguments"]):
            if a["choices"]:
                argchoices["%s %d" % (name, i)] = " ".join(a["choices"])
    return "\n".join([
        "declare -g _hostdeck_cli_words=%s" % sh_quote(" ".join(words)),
        bash_assoc("_hostdeck_cli_subs", {k: " ".join(v) for k, v in subs.items()}),
        bash_assoc("_hostdeck_cli_opts", opts),
        bash_assoc("_hostdeck_cli_kinds", kinds),
        bash_assoc("_hostdeck_cli_choices", choices),
        bash_assoc("_hostdeck_cli_args", args),
        bash_assoc("_hostdeck_cli_argchoices", argchoices),
    ])


# --- zsh -------------------------------------------------------------------------------------

ZSH_ACTIONS = {
    "text": " ", "number": " ", "file": "_files", "inventory": "_files", "directory": "_files -/",
    "command": "_command_names -e", "tool-method": "_hostdeck_cli_tool_methods",
    "hosts": "_sequence _hosts", "pattern": "_hostdeck_cli_pattern",
    "inventory-name": "_hostdeck_cli_names", "command-name": "_hostdeck_cli_commands",
}


def zsh_escape(text: str) -> str:
    """Text inside an _arguments [description] or :message: field."""
    first = re.split(r"(?<!e\.g)(?<!i\.e)\. ", text)[0].rstrip(".")
    for ch in "\\[]:":
        first = first.replace(ch, "\\" + ch)
    return first


def zsh_action(kind: str, choice_list: List[str]) -> str:
    if kind == "choice":
        return "(%s)" % " ".join(choice_list)
    return ZSH_ACTIONS.get(kind, " ")


def zsh_option_specs(o: dict) -> List[str]:
    flags = o["flags"]
    exclusion = "" if o["repeatable"] else "(%s)" % " ".join(flags)
    star = "*" if o["repeatable"] else ""
    specs = []
    for flag in flags:
        if o["value"]:
            spelled = flag + ("+" if len(flag) == 2 else "=")
            tail = ":%s:%s" % (zsh_escape(o["value"]), zsh_action(o["kind"], o["choices"]))
        else:
            spelled, tail = flag, ""
        specs.append(sh_quote("%s%s%s[%s]%s" % (exclusion, star, spelled,
                                                 zsh_escape(o["description"]), tail)))
    return specs


def zsh_command_function(c: dict) -> str:
    fn = "_hostdeck_cli_cmd_" + c["name"].replace(" ", "_").replace("-", "_")
    specs = ["-S"]
    for o in visible(c["options"]):
        specs += zsh_option_specs(o)
    for i, a in enumerate(c["arguments"]):
        colon = "::" if a["optional"] else ":"
        specs.append(sh_quote("%d%s%s:%s" % (i + 1, colon, zsh_escape(a["name"]),
                                             zsh_action(a["kind"], a["choices"]))))
    lines = [fn + "()", "{"]
    inventory_options = [f for o in c["options"] if o["kind"] == "inventory" for f in o["flags"]]
    valued = [f for o in c["options"] if o["value"] for f in o["flags"]]
    positional = [i for i, a in enumerate(c["arguments"]) if a["kind"] == "inventory"]
    if inventory_options:
        lines.append("    _hostdeck_cli_inventory=$(_hostdeck_cli_option_value %s)"
                     % " ".join(inventory_options))
    elif positional:
        lines.append("    _hostdeck_cli_inventory=$(_hostdeck_cli_positional %d %s)"
                     % (positional[0] + 1, " ".join(valued)))
    lines.append("    _arguments " + " \\\n        ".join(specs))
    lines.append("}")
    return "\n".join(lines)


def zsh_describe_list(name: str, entries: List[tuple]) -> str:
    items = " ".join(sh_quote("%s:%s" % (n.replace(":", "\\:"), s)) for n, s in entries)
    return "%s=(%s)" % (name, items)


def zsh_data(table: dict) -> str:
    parts = []
    top: List[tuple] = []
    groups: Dict[str, List[dict]] = {}
    for c in table["commands"]:
        first, _, sub = c["name"].partition(" ")
        if sub:
            if first not in groups:
                groups[first] = []
                top.append((first, "%s commands" % first))
            groups[first].append(c)
        else:
            top.append((first, c["summary"]))
        parts.append(zsh_command_function(c))
    parts.append("typeset -ga _hostdeck_cli_command_list")
    parts.append(zsh_describe_list("_hostdeck_cli_command_list", top))
    program_specs = []
    for o in visible(table["options"]):
        program_specs += zsh_option_specs(o)
    parts.append("typeset -ga _hostdeck_cli_program_specs")
    parts.append("_hostdeck_cli_program_specs=(%s)" % " ".join(program_specs))
    for first, commands in groups.items():
        fn = "_hostdeck_cli_group_" + first.replace("-", "_")
        subs = [(c["name"].partition(" ")[2], c["summary"]) for c in commands]
        cases = "\n".join("        %s) _hostdeck_cli_cmd_%s ;;" % (
            sub, c["name"].replace(" ", "_").replace("-", "_"))
            for (sub, _), c in zip(subs, commands))
        parts.append("""%s()
{
    local curcontext=$curcontext state line ret=1
    local -a subcommands
    %s
    _arguments -C '1: :->sub' '*:: :->args' && ret=0
    case $state in
    sub) _describe -t commands '%s command' subcommands && ret=0 ;;
    args)
        case $words[1] in
%s
        esac
        ret=$?
        ;;
    esac
    return ret
}""" % (fn, zsh_describe_list("subcommands", subs), first, cases))
    dispatch = []
    for first, _ in top:
        target = ("_hostdeck_cli_group_" if first in groups else "_hostdeck_cli_cmd_") + \
            first.replace("-", "_")
        dispatch.append("    %s) %s ;;" % (first, target))
    parts.append("_hostdeck_cli_dispatch()\n{\n    case $words[1] in\n%s\n    esac\n}"
                 % "\n".join(dispatch))
    return "\n\n".join(parts)


def completion(program: str, bash_in: str, bash_out: str, zsh_in: str, zsh_out: str) -> None:
    table = json.loads(help_output(program, "json"))
    for template, out, data in ((bash_in, bash_out, bash_data(table)),
                                (zsh_in, zsh_out, zsh_data(table))):
        with open(template) as f:
            text = f.read()
        if "@DATA@" not in text:
            sys.exit("gen_docs: %s has no @DATA@ line" % template)
        write_atomically(out, text.replace("@DATA@", data).encode("utf-8"))


def main(argv: List[str]) -> None:
    if len(argv) == 4 and argv[1] == "man":
        man(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "gzip":
        with open(argv[2], "rb") as f:
            write_atomically(argv[3], gzip.compress(f.read(), compresslevel=9, mtime=0))
    elif len(argv) == 7 and argv[1] == "completion":
        completion(*argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)

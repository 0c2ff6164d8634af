"""Pure text edits behind FileSystem.line_in_file / block_in_file / replace (no I/O here)."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: hosts never import typing
    from typing import Optional

import re

import hostdeck


def _lines(text: str) -> list[str]:
    return text.splitlines(True)


def _append(lines: list[str], new: list[str]) -> list[str]:
    """Append whole lines, first ending an unterminated last line (never glue onto it)."""
    if lines and not lines[-1].endswith("\n"):
        lines = lines[:-1] + [lines[-1] + "\n"]
    return lines + new


def _compile(regexp: str) -> "re.Pattern":
    try:
        return re.compile(regexp)
    except re.error as err:
        raise hostdeck.ToolError("invalid regular expression %r: %s" % (regexp, err), regexp=regexp)


def _bare(line: str) -> str:
    return line[:-1] if line.endswith("\n") else line


def line_in_file(text: str, line: str, regexp: Optional[str], match: str, state: str,
                 insert_after: Optional[str] = None) -> str:
    """The text after making `line` present (replacing regexp matches) or absent."""
    if match not in ("first", "all"):
        raise hostdeck.ToolError("match must be 'first' or 'all', not %r" % match, match=match)
    lines = _lines(text)
    pattern = _compile(regexp) if regexp else None

    def hit(candidate: str) -> bool:
        bare = _bare(candidate)
        return bool(pattern.search(bare)) if pattern else bare == line

    if state == "absent":
        return "".join(l for l in lines if not hit(l))
    if state != "present":
        raise hostdeck.ToolError("state must be 'present' or 'absent', not %r" % state)
    hits = [i for i, l in enumerate(lines) if hit(l)]
    if not hits:
        if any(_bare(l) == line for l in lines):
            return text
        return "".join(_insert(lines, line + "\n", insert_after))
    for i in hits if match == "all" else hits[:1]:
        ending = "\n" if lines[i].endswith("\n") else ""
        lines[i] = line + ending
    return "".join(lines)


def _insert(lines: list[str], new_line: str, insert_after: Optional[str]) -> list[str]:
    if insert_after:
        pattern = _compile(insert_after)
        found = [i for i, l in enumerate(lines) if pattern.search(_bare(l))]
        if found:
            at = found[-1]
            head = lines[:at + 1]
            if not head[-1].endswith("\n"):
                head[-1] += "\n"
            return head + [new_line] + lines[at + 1:]
    return _append(lines, [new_line])


def block_in_file(text: str, block: str, marker: str, state: str) -> str:
    """The text after putting `block` between BEGIN/END markers (or removing the marked block)."""
    if "{mark}" not in marker:
        raise hostdeck.ToolError("marker must contain '{mark}', got %r" % marker, marker=marker)
    begin, end = marker.replace("{mark}", "BEGIN"), marker.replace("{mark}", "END")
    lines = _lines(text)
    bare = [_bare(l) for l in lines]
    start = bare.index(begin) if begin in bare else -1
    stop = bare.index(end, start + 1) if start >= 0 and end in bare[start + 1:] else -1
    if start >= 0 and stop < 0:
        raise hostdeck.ToolError("found %r without a matching %r" % (begin, end), begin=begin, end=end)
    body = [] if state == "absent" else [begin + "\n"] + _block_lines(block) + [end + "\n"]
    if state not in ("present", "absent"):
        raise hostdeck.ToolError("state must be 'present' or 'absent', not %r" % state)
    if start >= 0:
        tail = lines[stop + 1:]
        if body and not tail and not lines[stop].endswith("\n"):
            body[-1] = body[-1][:-1]  # keep the file's missing final newline as it was
        return "".join(lines[:start] + body + tail)
    if not body:
        return text
    return "".join(_append(lines, body))


def _block_lines(block: str) -> list[str]:
    if block == "":
        return []
    return _lines(block if block.endswith("\n") else block + "\n")


def replace(text: str, regexp: str, replacement: str, count: int) -> str:
    """re.sub in multi-line mode; count 0 = all occurrences."""
    try:
        return _compile_multiline(regexp).sub(replacement, text, count=max(0, count))
    except re.error as err:
        raise hostdeck.ToolError("invalid replacement %r: %s" % (replacement, err))


def _compile_multiline(regexp: str) -> "re.Pattern":
    try:
        return re.compile(regexp, re.MULTILINE)
    except re.error as err:
        raise hostdeck.ToolError("invalid regular expression %r: %s" % (regexp, err), regexp=regexp)

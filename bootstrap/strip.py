#!/usr/bin/env python3
"""Shrink a Python source for the wire without moving any line: usage strip.py IN OUT.

- comments are removed;
- docstrings (first string statement of a module, class or function) become a bare `0`
  followed by as many newlines as the docstring spanned;
- logical lines are re-indented to one space per block level, continuation lines lose their
  leading blanks, and trailing blanks go, except inside multi-line strings.
Line numbers stay identical so tracebacks from the remote point at the real source.
"""
import ast
import io
import sys
import tokenize


def docstring_spans(tree: ast.AST) -> list:
    """(start line, start col, end line, end col) of every docstring expression."""
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                e = body[0]
                spans.append((e.lineno, e.col_offset, e.end_lineno, e.end_col_offset))
    return spans


def strip(source: str) -> str:
    text = [line.rstrip('\r\n') for line in source.splitlines(True)]
    edits = []  # (line, col, end line, end col, replacement), 1-based lines
    ends_in = set()  # lines whose end lies inside a string literal
    starts_in = set()  # lines whose start lies inside a string literal
    starts = {}  # line -> block depth, for lines that start a logical line
    depth = 0
    at_logical_start = True
    fstrings = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        kind = tok.type
        name = tokenize.tok_name[kind]
        span = None
        if kind == tokenize.COMMENT:
            edits.append((tok.start[0], tok.start[1], tok.end[0], tok.end[1], ''))
        elif kind == tokenize.STRING:
            span = (tok.start[0], tok.end[0])
        elif name == 'FSTRING_START':
            fstrings.append(tok.start[0])
        elif name == 'FSTRING_END':
            span = (fstrings.pop(), tok.end[0])
        if span:
            ends_in.update(range(span[0], span[1]))
            starts_in.update(range(span[0] + 1, span[1] + 1))
        if kind == tokenize.INDENT:
            depth += 1
        elif kind == tokenize.DEDENT:
            depth -= 1
        elif kind in (tokenize.NEWLINE, tokenize.NL):
            at_logical_start = at_logical_start or kind == tokenize.NEWLINE
        elif kind not in (tokenize.COMMENT, tokenize.ENDMARKER) and at_logical_start:
            starts[tok.start[0]] = depth
            at_logical_start = False
    for (l1, c1, l2, c2) in docstring_spans(ast.parse(source)):
        edits.append((l1, c1, l2, c2, '0' + '\n' * (l2 - l1)))
        ends_in.difference_update(range(l1, l2 + 1))
        starts_in.difference_update(range(l1, l2 + 1))
    for (l1, c1, l2, c2, new) in sorted(edits, reverse=True):
        text[l1 - 1:l2] = (text[l1 - 1][:c1] + new + text[l2 - 1][c2:]).split('\n')
    out = []
    for number, line in enumerate(text, 1):
        if number not in ends_in:
            line = line.rstrip()
        if number in starts:
            line = ' ' * starts[number] + line.lstrip()
        elif number not in starts_in:
            line = line.lstrip()
        out.append(line)
    return '\n'.join(out) + '\n'


def main() -> int:
    with open(sys.argv[1], encoding='utf-8') as f:
        source = f.read()
    result = strip(source)
    compile(result, sys.argv[1], 'exec')
    if result.count('\n') != source.count('\n') + (0 if source.endswith('\n') else 1):
        raise SystemExit('strip.py: line count changed')
    with open(sys.argv[2], 'w', encoding='utf-8') as f:
        f.write(result)
    return 0


if __name__ == '__main__':
    sys.exit(main())

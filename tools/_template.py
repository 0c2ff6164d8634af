"""The Hostdeck template engine (Mako-like), a helper module for tools/template.py.

Syntax, one template line at a time:
- `${expr}` inserts str(expr); braces nest and braces inside string literals are text;
  `\\${` is a literal `${`; any other `$` is text. An expression cannot span lines.
- A line whose first non-blank character is `%` is Python: `% for/if/while/with/try/def/class ...`
  open a block (trailing colon optional, `# comments` allowed), `% elif/else/except/finally`
  continue it, `% end`, `% end<keyword>` (endfor, endif, endwhile, endwith, endtry, enddef,
  endclass, endmatch) or a bare `%` close it; anything else is a statement (`% x = 1`).
- `%%` at the start of a line is a literal `%`; a line starting with `##` is a comment.
- Output lines are joined with `\\n`; a template ending in a newline renders with a final newline.
  CRLF line ends are read as LF (a CRLF template's final line break is dropped, as in the seed).

A template compiles to Python code with one line map, so every error (syntax or runtime) names
the template line: hostdeck.ToolError('line N: ...', line=N).
"""
import builtins
import re

try:
    from hostdeck import ToolError
except ImportError:  # used outside the agent (unit tests of the engine alone)
    class ToolError(Exception):
        def __init__(self, message, **details):
            super().__init__(message)
            self.details = details

OPENERS = {'for', 'if', 'while', 'with', 'try', 'def', 'class', 'async'}
SOFT_OPENERS = {'match', 'case'}
CONTINUERS = {'elif', 'else', 'except', 'finally'}
CLOSERS = {'end', 'endfor', 'endif', 'endwhile', 'endwith', 'endtry', 'enddef', 'endclass',
           'endmatch', 'endcase', 'endasync'}
WORD = re.compile(r'[A-Za-z_]\w*')
FILENAME = '<template>'
_cache = {}


class Compiled:
    """A compiled template: the code object, the Python line -> template line map, the output name."""

    def __init__(self, code, line_map, out_name, final_newline):
        self.code = code
        self.line_map = line_map
        self.out_name = out_name
        self.final_newline = final_newline


def fail(line, message, **details):
    raise ToolError('line %d: %s' % (line, message), line=line, **details)


def scan(s, i, stop):
    """Index of `stop` in s from i outside string literals (and, for '}', at brace depth 0).

    Returns -1 when there is none and -2 when a string literal is not terminated."""
    depth = 0
    n = len(s)
    while i < n:
        ch = s[i]
        if ch in '\'"':
            quote = s[i:i + 3] if s[i:i + 3] in ("'''", '"""') else ch
            j = i + len(quote)
            while not s.startswith(quote, j):
                if j >= n:
                    return -2
                j += 2 if s[j] == '\\' else 1
            i = j + len(quote)
            continue
        if ch == stop and (depth == 0 or stop == '#'):
            return i
        if ch in '([{':
            depth += 1
        elif ch in ')]}':
            depth -= 1
        i += 1
    return -1


def text_code(text, number):
    """Python expression that renders one text line."""
    literal = []  # literal pieces, braces doubled for str.format
    exprs = []
    i = 0
    while True:
        j = text.find('$', i)
        if j < 0:
            literal.append(text[i:])
            break
        if text.startswith('${', j) and j > 0 and text[j - 1] == '\\':
            literal.append(text[i:j - 1] + '$')
            i = j + 1
            continue
        if not text.startswith('${', j):
            literal.append(text[i:j + 1])
            i = j + 1
            continue
        end = scan(text, j + 2, '}')
        if end < 0:
            fail(number, 'unterminated ${' + (' (unterminated string)' if end == -2 else ''))
        literal.append(text[i:j])
        expr = text[j + 2:end].strip()
        if expr:
            exprs.append('(%s)' % expr)
            literal.append(None)
        i = end + 1
    if not exprs:
        return repr(''.join(literal))
    fmt = ''.join('{}' if piece is None else piece.replace('{', '{{').replace('}', '}}')
                  for piece in literal)
    return '%r.format(%s)' % (fmt, ', '.join(exprs))


def control_statement(body, number):
    """The statement of a `%` line without its trailing comment."""
    cut = scan(body, 0, '#')
    if cut == -2:
        fail(number, 'unterminated string in control line')
    if cut >= 0:
        body = body[:cut]
    body = body.strip()
    if body.endswith('\\'):
        fail(number, 'a control line cannot continue on the next line')
    return body


def translate(text):
    """(python source, line map, output name, final newline) for a template text."""
    crlf = '\r\n' in text
    if crlf:
        text = text.replace('\r\n', '\n')
    final_newline = text.endswith('\n') and not crlf
    lines = text.split('\n')
    if text.endswith('\n'):
        lines.pop()
    out = '_o'
    while out in text:
        out += '_'
    code = []
    line_map = []
    stack = []  # [keyword, opening line, block has a statement]

    def emit(number, statement):
        code.append(' ' * len(stack) + statement)
        line_map.append(number)
        if stack:
            stack[-1][2] = True

    def close_body(number):
        if not stack[-1][2]:
            emit(number, 'pass')

    for number, line in enumerate(lines, 1):
        stripped = line.lstrip()
        if stripped.startswith('##'):
            continue
        if stripped.startswith('%%'):
            cut = len(line) - len(stripped)
            emit(number, '%s(%s)' % (out, text_code(line[:cut] + stripped[1:], number)))
            continue
        if not stripped.startswith('%'):
            emit(number, '%s(%s)' % (out, text_code(line, number)))
            continue
        statement = control_statement(stripped[1:], number)
        match = WORD.match(statement)
        word = match.group(0) if match else ''
        if statement == '' or word in CLOSERS and statement == word:
            if not stack:
                fail(number, "'%%%s' without an open block" % (' ' + statement if statement else ''))
            close_body(number)
            stack.pop()
        elif word in CONTINUERS:
            if not stack:
                fail(number, "'%% %s' without an open block" % word)
            close_body(number)
            keyword = stack.pop()
            code.append(' ' * len(stack) + (statement if statement.endswith(':') else statement + ':'))
            line_map.append(number)
            stack.append([keyword[0], keyword[1], False])
        elif word in OPENERS or (word in SOFT_OPENERS and statement.endswith(':')):
            emit(number, statement if statement.endswith(':') else statement + ':')
            stack.append([word, number, False])
        elif word.startswith('end') and statement == word:
            fail(number, "unknown block end '%% %s' (use '%% end' or '%% end<keyword>')" % word)
        else:
            emit(number, statement)
    unclosed = (stack[-1][1], stack[-1][0]) if stack else None
    while stack:  # close them so that a syntax error inside is reported first
        close_body(len(lines))
        stack.pop()
    return '\n'.join(code) + '\n', line_map, out, final_newline, unclosed


def compile_template(text):
    """Compile (or fetch from the cache) a template text."""
    hit = _cache.get(text)
    if hit is not None:
        return hit
    source, line_map, out, final_newline, unclosed = translate(text)
    try:
        code = compile(source, FILENAME, 'exec')
    except SyntaxError as e:
        number = line_map[min(max((e.lineno or 1) - 1, 0), len(line_map) - 1)] if line_map else 1
        fail(number, '%s: %s' % (type(e).__name__, e.msg), error=type(e).__name__)
    if unclosed:
        fail(unclosed[0], "'%% %s' block is never closed" % unclosed[1])
    if len(_cache) > 256:
        _cache.clear()
    hit = _cache[text] = Compiled(code, line_map, out, final_newline)
    return hit


def render(text, variables=None):
    """Render a template text with the given variables; returns the text."""
    compiled = compile_template(text)
    output = []
    namespace = dict(variables or {})
    namespace['__builtins__'] = builtins
    namespace[compiled.out_name] = output.append
    try:
        exec(compiled.code, namespace)
    except Exception as e:
        number = None
        tb = e.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == FILENAME:
                number = compiled.line_map[tb.tb_lineno - 1]
            tb = tb.tb_next
        if number is None or isinstance(e, ToolError):
            raise
        fail(number, '%s: %s' % (type(e).__name__, e), error=type(e).__name__)
    result = '\n'.join(output)
    if compiled.final_newline and output:
        result += '\n'
    return result

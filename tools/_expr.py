"""Expressions of recipe steps, evaluated on the host (a helper module; see PROTOCOL.md, CALL
"render").

A step's arguments are JSON whose strings may hold `${expr}`: a string that is exactly one
`${expr}` becomes the expression's value (a list stays a list, a bool a bool); any other string
has each `${expr}` replaced by str(expr) (`\\${` is a literal `${`). A condition (`when`) is an
expression, with or without `${...}` around it. Expressions are Python over the step's names:
the host's inventory variables, the recipe's vars (and an include's), `vars` (all of those),
`facts`, `steps` (registered results: `steps.pkg.changed`), `inventory_hostname`,
`check_mode`. Mappings read as attributes too (`facts.os.id`). Errors name the expression.
"""
from __future__ import annotations

import builtins

import _template

try:
    from hostdeck import ToolError
except ImportError:  # outside the agent (tests)
    class ToolError(Exception):
        def __init__(self, message, **details):
            super().__init__(message)
            self.details = details


class Names(dict):
    """A mapping whose keys also read as attributes (`steps.pkg.changed`)."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None


def wrap(value):
    if isinstance(value, dict) and not isinstance(value, Names):
        return Names((k, wrap(v)) for k, v in value.items())
    if isinstance(value, list):
        return [wrap(v) for v in value]
    return value


def plain(value):
    """Back to JSON-able data (Names are dicts; tuples and sets become lists)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    return value


def evaluate(expr, ns, where):
    try:
        return eval(compile(expr.strip(), '<%s>' % where, 'eval'), ns)
    except Exception as e:
        raise ToolError('%s: %s in ${%s}: %s' % (where, type(e).__name__, expr.strip(), e),
                        expression=expr.strip(), error=type(e).__name__) from None


def whole(text):
    """The expression when `text` is exactly one ${...}, else None."""
    s = text.strip()
    if not s.startswith('${') or not s.endswith('}'):
        return None
    end = _template.scan(s, 2, '}')
    return s[2:end] if end == len(s) - 1 else None


def interpolate(text, ns, where):
    if '${' not in text:
        return text
    expr = whole(text)
    if expr is not None:
        return evaluate(expr, ns, where)
    out = []
    i = 0
    while True:
        j = text.find('${', i)
        if j < 0:
            out.append(text[i:])
            return ''.join(out)
        if j > 0 and text[j - 1] == '\\':
            out.append(text[i:j - 1] + '${')
            i = j + 2
            continue
        end = _template.scan(text, j + 2, '}')
        if end < 0:
            raise ToolError('%s: ${ without its closing }: %r' % (where, text[j:j + 40]))
        out.append(text[i:j])
        out.append(str(evaluate(text[j + 2:end], ns, where)))
        i = end + 1


def render(value, ns, where='argument'):
    if isinstance(value, str):
        return interpolate(value, ns, where)
    if isinstance(value, list):
        return [render(v, ns, where) for v in value]
    if isinstance(value, dict):
        return {k: render(v, ns, '%s %s' % (where, k)) for k, v in value.items()}
    return value


def namespace(context):
    """The names a step's expressions see, from the controller's context (PROTOCOL.md)."""
    ns = {}
    ns.update(context.get('hostvars') or {})
    merged = dict(context.get('hostvars') or {})
    for layer in [context.get('recipe_vars') or {}] + list(context.get('include_vars') or []):
        scope = dict(ns, vars=wrap(merged), __builtins__=builtins)
        for key, value in layer.items():
            rendered = render(value, scope, 'vars %s' % key)
            merged[key] = rendered
            ns[key] = rendered
    ns = {k: wrap(v) for k, v in ns.items()}
    ns['vars'] = wrap(merged)
    ns['facts'] = wrap(context.get('facts') or {})
    ns['steps'] = wrap(context.get('steps') or {})
    ns['inventory_hostname'] = context.get('inventory_hostname')
    ns['check_mode'] = bool(context.get('check_mode'))
    ns['__builtins__'] = builtins
    return ns


def truth(condition, ns):
    if isinstance(condition, bool):
        return condition
    text = str(condition)
    expr = whole(text)
    return bool(evaluate(expr if expr is not None else text, ns, 'when'))


def prepare(args, render_spec):
    """The call's arguments rendered, or None when its condition is false."""
    ns = namespace(render_spec.get('context') or {})
    when = render_spec.get('when')
    if when is not None and not truth(when, ns):
        return None
    return plain(render(args, ns))

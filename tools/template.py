"""Render Mako-like templates on the host (engine: tools/_template.py)."""
import hostdeck
from hostdeck import Path, Text

import _template


class Template:
    """Render templates: `${expr}` substitutions and `%` Python control lines."""

    @staticmethod
    def render(template: Text, vars: dict = None) -> str:
        """Render a template text with the given variables.

        Errors (syntax or runtime) name the template line: "line N: ..."."""
        return _template.render(template, vars or {})

    @staticmethod
    def render_file(path: Path, vars: dict = None) -> str:
        """Render the template file at `path` (UTF-8) on the host."""
        try:
            with open(path, encoding='utf-8') as f:
                text = f.read()
        except OSError as e:
            raise hostdeck.ToolError('cannot read template %s: %s' % (path, e.strerror), path=path)
        except UnicodeDecodeError as e:
            raise hostdeck.ToolError('template %s is not UTF-8: %s' % (path, e), path=path)
        return _template.render(text, vars or {})

    @staticmethod
    @hostdeck.changes
    def deploy(template: Text, dest: Path, vars: dict = None, mode: str = None, owner: str = None,
               group: str = None, backup: bool = False) -> dict:
        """Render a template and write it to dest atomically; returns changed + diff.

        mode (octal text such as '0644'), owner and group are applied when given, otherwise an
        existing file keeps its own. Check mode reports the same changed/diff and writes nothing.
        (Owned by the tools helper; writes through tools/_files.py.)"""
        import _files
        text = _template.render(template, vars or {})
        return _files.converge_text(dest, text, _files.parse_mode(mode), _files.resolve_uid(owner),
                                    _files.resolve_gid(group), backup)

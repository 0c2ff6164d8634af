"""The agent's Python logging: level and messages (forwarded to the controller as LOG frames)."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: hosts never import typing
    from typing import Union

import logging

import hostdeck

LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING,
          "error": logging.ERROR, "critical": logging.CRITICAL}


def _level(level: Union[str, int]) -> int:
    if isinstance(level, int):
        return level
    text = str(level).strip().lower()
    if text.isdigit():
        return int(text)
    if text not in LEVELS:
        raise hostdeck.ToolError("unknown log level %r (use %s or a number)" % (
            level, "/".join(LEVELS)), level=level)
    return LEVELS[text]


class Logger:
    """Log messages on the host and set the level of its loggers."""

    @staticmethod
    @hostdeck.changes
    @hostdeck.inline
    def set_level(level: str = "warning", logger: str = "") -> dict:
        """Set a logger's level (the root logger by default): debug, info, warning, error, critical.

        Which records reach the controller is also limited by the session's CONFIG log_level.
        Check mode reports the level it would set and leaves the logger alone.
        """
        target = logging.getLogger(logger or None)
        before, wanted = target.level, _level(level)
        result = {"logger": logger or "root", "level": wanted, "before": before,
                  "changed": before != wanted}
        if hostdeck.context().check:
            result["check"] = True
        else:
            target.setLevel(wanted)
        return result

    @staticmethod
    @hostdeck.inline
    def log(message: str, level: str = "info", logger: str = "hostdeck.remote") -> dict:
        """Log a message through the host's logging (useful to mark steps in the session log)."""
        number = _level(level)
        logging.getLogger(logger).log(number, "%s", message)
        return {"logged": logging.getLogger(logger).isEnabledFor(number)}

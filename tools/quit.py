"""Ending the agent on purpose."""
from __future__ import annotations

import hostdeck


class Quit:
    """End the agent process."""

    @staticmethod
    def exit(code: int = 0) -> dict:
        """Make the agent exit with this code right after it has replied to this call."""
        if not 0 <= int(code) <= 255:
            raise hostdeck.ToolError("exit code must be 0..255, not %r" % (code,), code=code)
        hostdeck.exit_after_reply(int(code))
        return {"exiting": True, "code": int(code)}

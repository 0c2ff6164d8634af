"""Ending the agent on purpose."""
from __future__ import annotations

import hostdeck


class Quit:
    """End the agent process."""

    @staticmethod
    @hostdeck.changes
    def exit(code: int = 0) -> dict:
        """Make the agent exit with this code right after it has replied to this call.

        In check mode the agent stays: the answer says it would exit (exiting=false)."""
        if not 0 <= int(code) <= 255:
            raise hostdeck.ToolError("exit code must be 0..255, not %r" % (code,), code=code)
        if hostdeck.context().check:
            return {"exiting": False, "code": int(code), "changed": True, "check": True}
        hostdeck.exit_after_reply(int(code))
        return {"exiting": True, "code": int(code), "changed": True}

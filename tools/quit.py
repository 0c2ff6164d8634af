"""Ending the agent on purpose."""
from __future__ import annotations

import os
import threading
import time

import hostdeck


def _exit_after_reply(ctx, code: int) -> None:
    # The agent marks the call done just before it writes the reply frame; give the write a
    # moment, then leave without running Python's shutdown (worker threads may be busy).
    deadline = time.monotonic() + 5.0
    while ctx is not None and not getattr(ctx, "done", True) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    os._exit(code)


class Quit:
    """End the agent process."""

    @staticmethod
    def exit(code: int = 0) -> dict:
        """Make the agent exit with this code shortly after it has replied to this call."""
        if not 0 <= int(code) <= 255:
            raise hostdeck.ToolError("exit code must be 0..255, not %r" % (code,), code=code)
        ctx = hostdeck.context()
        threading.Thread(target=_exit_after_reply, args=(ctx, int(code)), daemon=True).start()
        return {"exiting": True, "code": int(code)}

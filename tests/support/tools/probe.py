"""Test-only tool: exercises every corner of the agent (replies, errors, logs, cancel, stdio)."""
import logging
import os
import sys
import time
from typing import Optional  # noqa: F401 (named in a string annotation below)

import hostdeck


class Probe:
    """Methods the agent tests call; none of them is shipped to real hosts."""

    @staticmethod
    @hostdeck.inline
    def echo(value):
        """Return the value unchanged (runs on the reader thread)."""
        return value

    @staticmethod
    def sleep(seconds: float) -> float:
        """Sleep on a worker thread."""
        time.sleep(seconds)
        return seconds

    @staticmethod
    def wait_cancel(marker: str) -> str:
        """Loop until the call is cancelled, then write the marker file."""
        ctx = hostdeck.context()
        while not ctx.cancelled.wait(0.01):
            pass
        with open(marker, 'w') as f:
            f.write('cancelled')
        return 'late result'

    @staticmethod
    def fail(message: str) -> None:
        """Raise a plain exception (the ERROR frame carries a traceback into this file)."""
        raise ValueError(message)

    @staticmethod
    def tool_error(message: str) -> None:
        """Raise a ToolError with details."""
        raise hostdeck.ToolError(message, code=7)

    @staticmethod
    @hostdeck.inline
    def unencodable() -> object:
        """Return something JSON cannot carry."""
        return object()

    @staticmethod
    def log(level: int, message: str) -> bool:
        """Log through the standard logging module."""
        logging.getLogger('probe').log(level, message)
        return True

    @staticmethod
    def noisy() -> str:
        """Write to every stdio channel a tool can reach; none of it may reach the stream."""
        print('print-out')
        print('print-err', file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        os.write(1, b'fd1-out\n')
        os.write(2, b'fd2-err\n')
        hostdeck.run_process(['sh', '-c', 'echo child-out; echo child-err >&2'],
                             stdout=None, stderr=None)
        os.system('echo system-out; echo system-err >&2')
        return 'clean'

    @staticmethod
    def stream(n: int) -> int:
        """Emit n stdout chunks, then return n."""
        ctx = hostdeck.context()
        for i in range(n):
            ctx.emit('stdout', 'line %d\n' % i)
        return n

    @staticmethod
    def bytes_echo(data: bytes) -> bytes:
        """Return the bytes unchanged (worker thread)."""
        return data

    @staticmethod
    @hostdeck.inline
    def pid() -> int:
        """The agent's process id."""
        return os.getpid()

    @staticmethod
    def spawn_sleeper(seconds: float = 60.0) -> int:
        """Run `sleep` through run_process (CANCEL must kill it); returns its exit code."""
        return hostdeck.run_process(['sleep', str(seconds)]).returncode

    @staticmethod
    def spawn_marked(marker: str, seconds: float = 60.0) -> int:
        """Run a sleeping python whose argv carries `marker` through run_process."""
        return hostdeck.run_process([sys.executable, '-c', 'import time, sys; time.sleep(%r)'
                                     % seconds, marker]).returncode

    @staticmethod
    def _hidden() -> str:
        """Not callable: a helper of the tool."""
        return 'hidden'

    limit = 3  # a class attribute, not a method

    @staticmethod
    @hostdeck.changes
    def check_mode(path: hostdeck.Path, text: hostdeck.Text = 'x', *, mode: int = 0o644) -> dict:
        """Report the check flag; write `text` to `path` only when not in check mode."""
        ctx = hostdeck.context()
        if not ctx.check:
            with open(path, 'w') as f:
                f.write(text)
        return {'check': ctx.check, 'id': ctx.id, 'mode': mode}

    @classmethod
    def sample(cls, items: 'list[str]', limit: 'Optional[int]' = None) -> 'dict[str, int]':
        """A classmethod with string annotations, for describe()."""
        return {cls.__name__: len(items[:limit])}

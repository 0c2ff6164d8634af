"""Scripting Hostdeck from Python: a stdlib-only client of the local REST API.

    import hostdeck

    hd = hostdeck.connect()          # finds the server and its token by itself
    for r in hd.call("web:&prod", "Exec.run", argv=["uptime"]):
        print(r.host, r.changed, r.value)

Results stream in as each host finishes, one record per host (the shape of
``hostdeck-cli call --json``). Ctrl+C while iterating cancels the run on the server.
Typed helpers are generated from the tool descriptions the server has loaded::

    hd.tools.FileSystem.line_in_file("web", path="/etc/motd", line="hello", check=True)
"""
from hostdeck._client import ApiError, Client, HostResult, Run, Summary, connect, find_server

__all__ = ["ApiError", "Client", "HostResult", "Run", "Summary", "connect", "find_server"]
__version__ = "0.1.0"

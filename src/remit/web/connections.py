"""The HTTP connections of ``remit serve``: uvicorn's protocol, with Nagle's algorithm off.

asyncio turns Nagle's algorithm off (``TCP_NODELAY``) on every TCP connection it
accepts - but only when the listening socket says it is TCP (``proto ==
IPPROTO_TCP``). ``uvicorn --workers N`` binds the listening socket itself with
``socket.socket(family)``, whose ``proto`` is 0, so with several workers every
connection kept Nagle's algorithm on. A response written in two parts (headers,
then a body that fills less than a segment) then waits for the client's delayed
acknowledgement of the first: about 40 ms on Linux. That was the patient page's
p50 at one user going from 12 to 61 ms between the first two load runs
(docs/reliability.md, "Load"), while the figure, whose body happened to fill its
segments, mostly did not wait.
"""

from __future__ import annotations

import asyncio
import socket
from contextlib import suppress

from uvicorn.protocols.http.auto import AutoHTTPProtocol


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc,valid-type]
    """uvicorn's HTTP protocol (h11 or httptools, whichever it picks) on a connection with
    ``TCP_NODELAY`` set, whatever the listening socket."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with suppress(OSError):  # the connection may already be gone; serving it still fails cleanly
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)

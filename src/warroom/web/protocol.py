"""The HTTP protocol ``warroom serve`` runs: uvicorn's (httptools when installed), with
``TCP_NODELAY`` set on every connection.

asyncio sets ``TCP_NODELAY`` itself only when the listening socket says it is TCP, and the
socket ``serve --workers N`` shares with its worker processes no longer says so. Without it,
Nagle's algorithm holds back the last segment of a response until the client's delayed ACK
(about 40 ms on Linux): every keep-alive request then took ≥ 40 ms, whatever the work.
"""

from __future__ import annotations

import asyncio
import socket
from contextlib import suppress

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Base
except ImportError:  # httptools is optional for uvicorn; h11 is pure Python and always there
    from uvicorn.protocols.http.h11_impl import H11Protocol as _Base  # type: ignore[assignment]


class NoDelayProtocol(_Base):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


PROTOCOL = f"{__name__}:NoDelayProtocol"  # as uvicorn takes it: an import string

"""The exceptions consumers raise or see, as in Django Channels, plus the function form's ``Disconnected``."""

from __future__ import annotations


class StopConsumer(Exception):
    """Raised by a handler to end the consumer (its ``disconnect()`` still runs once)."""


class AcceptConnection(Exception):
    """Raised in ``connect()`` to accept the connection."""


class DenyConnection(Exception):
    """Raised in ``connect()`` to refuse the connection (the server answers the handshake with 403)."""


class Disconnected(Exception):
    """The connection is closed: the client left, or the server closed it; ``code`` is the close code."""

    def __init__(self, code: int = 1000) -> None:
        super().__init__(code)
        self.code = code

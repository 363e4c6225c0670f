"""The channel layer interface: named channels and groups of them, shaped like Django Channels' layers.

A layer carries messages (dicts with a ``"type"`` key) between consumers, in one process
(``microdj.websocket.layers.inmemory.InMemoryChannelLayer``) or across processes and machines
(``microdj.websocket.layers.redis.RedisChannelLayer``). Every backend implements the coroutines below with
the same meaning, so consumer code never depends on which one ``CHANNEL_LAYERS`` names.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any

# Channel and group names as Channels allows them: ASCII letters, digits, hyphens, underscores and periods
# (plus ``!`` once, in channel names of the process-local kind), shorter than MAX_NAME_LENGTH.
MAX_NAME_LENGTH = 100
_GROUP_NAME = re.compile(r"^[a-zA-Z\d\-_.]+\Z")
_CHANNEL_NAME = re.compile(r"^[a-zA-Z\d\-_.]+(![\w\-.]*)?\Z")


class ChannelFull(Exception):
    """``send()`` to a channel whose queue already holds ``capacity`` messages."""


class BaseChannelLayer(ABC):
    """What every channel layer offers; ``extensions`` lists the optional parts a backend has."""

    extensions: tuple[str, ...] = ("groups", "flush")

    def __init__(self, expiry: float = 60, capacity: int = 100, group_expiry: float = 86400) -> None:
        # Seconds a message waits in a channel before it is dropped; messages a channel holds at most;
        # seconds a group membership lasts without being renewed.
        self.expiry = expiry
        self.capacity = capacity
        self.group_expiry = group_expiry

    @abstractmethod
    async def send(self, channel: str, message: dict[str, Any]) -> None:
        """Put ``message`` on ``channel``; raise ``ChannelFull`` when its queue is at ``capacity``."""

    @abstractmethod
    async def receive(self, channel: str) -> dict[str, Any]:
        """Wait for the next message on ``channel`` and return it."""

    @abstractmethod
    async def new_channel(self, prefix: str = "specific.") -> str:
        """Return a new channel name, unique across every process sharing this layer."""

    @abstractmethod
    async def group_add(self, group: str, channel: str) -> None:
        """Make ``channel`` a member of ``group`` (for ``group_expiry`` seconds)."""

    @abstractmethod
    async def group_discard(self, group: str, channel: str) -> None:
        """Remove ``channel`` from ``group``; no error if it was not a member."""

    @abstractmethod
    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        """Send ``message`` to every channel of ``group`` (full channels are skipped, not raised)."""

    @abstractmethod
    async def flush(self) -> None:
        """Drop every channel, message and group this layer holds (tests use it between cases)."""

    async def discard_channel(self, channel: str) -> None:  # noqa: B027 - optional, like close()
        """Forget ``channel``, whose consumer has ended, and what waits on it (default: let it expire)."""

    async def close(self) -> None:  # noqa: B027 - optional: most backends have nothing to release
        """Release connections and tasks; the default has none to release."""

    # ------------------------------------------------------------------------------------------ names
    def require_valid_group_name(self, name: object) -> str:
        """Return ``name`` if it is a valid group name, else raise ``TypeError``."""
        if not isinstance(name, str) or len(name) >= MAX_NAME_LENGTH or not _GROUP_NAME.match(name):
            raise TypeError(
                f"Group name {name!r} is not valid: it must be a str shorter than {MAX_NAME_LENGTH} "
                "characters of ASCII letters, digits, hyphens, underscores or periods."
            )
        return name

    def require_valid_channel_name(self, name: object) -> str:
        """Return ``name`` if it is a valid channel name, else raise ``TypeError``."""
        if not isinstance(name, str) or len(name) >= MAX_NAME_LENGTH or not _CHANNEL_NAME.match(name):
            raise TypeError(
                f"Channel name {name!r} is not valid: it must be a str shorter than {MAX_NAME_LENGTH} "
                "characters of ASCII letters, digits, hyphens, underscores or periods (and one '!')."
            )
        return name

    def require_valid_message(self, message: object) -> dict[str, Any]:
        """Return ``message`` if it is a dict with a str ``"type"``, else raise ``TypeError``."""
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            raise TypeError(f"A channel message must be a dict with a str 'type' key, not {message!r}.")
        return message

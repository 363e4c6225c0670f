"""``InMemoryChannelLayer``: channels and groups inside one process, on one event loop.

Good for development, tests and single-process deployments. Consumers in other processes (several server
workers) never see its messages: use the Redis layer there.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import deque
from copy import deepcopy
from typing import Any

from microdj.websocket.layers.base import BaseChannelLayer, ChannelFull

# Values a message may hold and still be handed to several receivers as a shallow copy.
_IMMUTABLE = (str, bytes, int, float, bool, type(None))


class _Channel:
    """The messages waiting on one channel, and the receivers waiting for one."""

    __slots__ = ("messages", "waiters")

    def __init__(self) -> None:
        self.messages: deque[tuple[float, dict[str, Any]]] = deque()
        self.waiters: deque[asyncio.Future[dict[str, Any]]] = deque()


def _copy(message: dict[str, Any]) -> dict[str, Any]:
    """A copy the receiver may change freely (shallow when every value is immutable)."""
    # PERF: group messages are usually flat dicts of strings and numbers; deepcopy costs ~10x a dict().
    for value in message.values():
        if not isinstance(value, _IMMUTABLE):
            return deepcopy(message)
    return dict(message)


class InMemoryChannelLayer(BaseChannelLayer):
    """A channel layer held in this process's memory (see :class:`BaseChannelLayer` for the contract)."""

    def __init__(
        self, expiry: float = 60, group_expiry: float = 86400, capacity: int = 100, **kwargs: Any
    ) -> None:
        super().__init__(expiry=expiry, capacity=capacity, group_expiry=group_expiry)
        self.channels: dict[str, _Channel] = {}
        # group name -> {channel name: time its membership ends}
        self.groups: dict[str, dict[str, float]] = {}
        self._next_sweep = time.monotonic() + expiry

    # ----------------------------------------------------------------------------------------- channels
    async def send(self, channel: str, message: dict[str, Any]) -> None:
        """Put ``message`` on ``channel``; raise ``ChannelFull`` when it already holds ``capacity``."""
        self.require_valid_channel_name(channel)
        self.require_valid_message(message)
        now = time.monotonic()
        self._sweep_if_due(now)
        self._put(channel, _copy(message), now)

    def _put(self, name: str, message: dict[str, Any], now: float) -> None:
        channel = self.channels.get(name)
        if channel is None:
            channel = self.channels[name] = _Channel()
        # PERF: a waiting receiver gets the message straight away; nothing is queued.
        waiters = channel.waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(message)
                return
        messages = channel.messages
        while messages and messages[0][0] <= now:
            messages.popleft()
        if len(messages) >= self.capacity:
            raise ChannelFull(f"Channel {name!r} holds {self.capacity} messages already.")
        messages.append((now + self.expiry, message))

    async def receive(self, channel: str) -> dict[str, Any]:
        """Wait for the next message on ``channel`` (messages older than ``expiry`` are dropped)."""
        self.require_valid_channel_name(channel)
        entry = self.channels.get(channel)
        if entry is None:
            entry = self.channels[channel] = _Channel()
        messages = entry.messages
        now = time.monotonic()
        while messages:
            deadline, message = messages.popleft()
            if deadline > now:
                return message
        waiter: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        entry.waiters.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                # Delivered just as the receiver was cancelled: keep it for the next receive().
                messages.appendleft((time.monotonic() + self.expiry, waiter.result()))
            raise
        finally:
            if not waiter.done() or waiter.cancelled():
                try:
                    entry.waiters.remove(waiter)
                except ValueError:
                    pass
            if not entry.messages and not entry.waiters and self.channels.get(channel) is entry:
                # Nobody waits and nothing is left: a finished consumer's channel goes away with it.
                del self.channels[channel]

    async def discard_channel(self, channel: str) -> None:
        """Drop ``channel`` and the messages waiting on it (receivers still waiting keep waiting)."""
        entry = self.channels.get(channel)
        if entry is not None:
            entry.messages.clear()
            if not entry.waiters:
                del self.channels[channel]

    async def new_channel(self, prefix: str = "specific.") -> str:
        """A new channel name: ``prefix`` + ``inmemory!`` + a random part."""
        name = f"{prefix}inmemory!{secrets.token_hex(8)}"
        return self.require_valid_channel_name(name)

    # ------------------------------------------------------------------------------------------- groups
    async def group_add(self, group: str, channel: str) -> None:
        """Make ``channel`` a member of ``group`` for ``group_expiry`` seconds (renewed by a new add)."""
        self.require_valid_group_name(group)
        self.require_valid_channel_name(channel)
        now = time.monotonic()
        self._sweep_if_due(now)
        self.groups.setdefault(group, {})[channel] = now + self.group_expiry

    async def group_discard(self, group: str, channel: str) -> None:
        """Remove ``channel`` from ``group`` (an empty group is forgotten)."""
        self.require_valid_group_name(group)
        self.require_valid_channel_name(channel)
        members = self.groups.get(group)
        if members is not None:
            members.pop(channel, None)
            if not members:
                del self.groups[group]

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        """Send ``message`` to every member of ``group``; full channels are skipped."""
        self.require_valid_group_name(group)
        self.require_valid_message(message)
        members = self.groups.get(group)
        if not members:
            return
        now = time.monotonic()
        expired = []
        put = self._put
        for channel, until in members.items():
            if until <= now:
                expired.append(channel)
                continue
            try:
                put(channel, _copy(message), now)
            except ChannelFull:
                pass
        for channel in expired:
            del members[channel]
        if not members:
            del self.groups[group]

    # ----------------------------------------------------------------------------------------- upkeep
    async def flush(self) -> None:
        """Drop every message and group; receivers still waiting keep waiting on their channels."""
        self.groups.clear()
        for name, channel in list(self.channels.items()):
            channel.messages.clear()
            if not channel.waiters:
                del self.channels[name]

    def _sweep_if_due(self, now: float) -> None:
        """Drop expired messages, idle channels and expired memberships, at most once per ``expiry``."""
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.expiry
        for name, channel in list(self.channels.items()):
            messages = channel.messages
            while messages and messages[0][0] <= now:
                messages.popleft()
            if not messages and not channel.waiters:
                del self.channels[name]
        for group, members in list(self.groups.items()):
            for member in [name for name, until in members.items() if until <= now]:
                del members[member]
            if not members:
                del self.groups[group]

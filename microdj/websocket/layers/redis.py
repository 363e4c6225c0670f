"""``RedisChannelLayer``: channels and groups in Redis, shared by every worker and machine using it.

Layout (every key under ``prefix``):

* a normal channel ``name`` is the Redis list ``<prefix>:<name>``;
* a process-local channel from ``new_channel()`` (``specific.<process id>!<random>``) shares the list of its
  process, ``<prefix>:specific.<process id>!``; one task per such list and event loop pops it and hands
  each message to the local queue of its channel, so a thousand WebSocket consumers cost one connection;
* a group is the sorted set ``<prefix>:group:<name>`` of its channels, scored by when each was added;
  members older than ``group_expiry`` are dropped at the next ``group_send``.

A message is pickled with its channel and send time; one older than ``expiry`` is dropped instead of
delivered. ``send`` checks the capacity and pushes in one script, so concurrent senders cannot overfill a
channel (for process-local channels the capacity counts their whole process list, which the receiving
task keeps short; each local queue then keeps at most ``capacity`` messages, dropping the oldest). When
Redis cannot be reached, ``send``/``group_*`` raise redis-py's ``ConnectionError`` and the receiving task
logs the error and retries once a second until Redis is back.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import secrets
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from microdj.core.cache.backends.redis import connection_identity
from microdj.websocket.layers.base import BaseChannelLayer, ChannelFull

try:
    import redis.asyncio as aioredis
    from redis.backoff import NoBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
    from redis.retry import Retry
except ImportError as error:  # pragma: no cover - the redis extra is not installed
    raise ImportError("RedisChannelLayer needs redis-py: pip install 'microdj[redis]'") from error

logger = logging.getLogger("microdj.websocket.layers")

# Push ARGV[1] onto KEYS[1] unless it already holds ARGV[2] messages; the list lives ARGV[3] seconds.
_PUSH = """
if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""
# Seconds one BLPOP waits before it is issued again (the blocking connection's read timeout is longer).
BLOCK_SECONDS = 1
RETRY_SECONDS = 1.0


def _unpickle(data: Any) -> Any:
    return pickle.loads(data)  # noqa: S301 - written by this layer: Redis must be trusted (see the README)


def _host_url(host: Any) -> str:
    if isinstance(host, str):
        return host
    if isinstance(host, dict):
        return _host_url(host["address"])
    name, port = host
    return f"redis://{name}:{port}/0"


@dataclass
class _LoopState:
    """What one event loop of this process holds: its pools, local queues and the receiving task."""

    client: aioredis.Redis
    blocking: aioredis.Redis
    queues: dict[str, asyncio.Queue[tuple[float, dict[str, Any]]]] = field(default_factory=dict)
    # One receiving task per process list (``specific.<id>!``, ``other.<id>!``, ...).
    tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    closing: bool = False


class RedisChannelLayer(BaseChannelLayer):
    """A layer on one Redis server, ``hosts[0]``: a URL, a ``(host, port)`` pair or ``{"address": ...}``."""

    def __init__(
        self,
        hosts: Iterable[Any] | None = None,
        prefix: str = "asgi",
        expiry: float = 60,
        group_expiry: float = 86400,
        capacity: int = 100,
        **options: Any,
    ) -> None:
        super().__init__(expiry=expiry, capacity=capacity, group_expiry=group_expiry)
        hosts = list(hosts or ["redis://127.0.0.1:6379/0"])
        self.url = _host_url(hosts[0])
        self.prefix = prefix
        options.setdefault("socket_timeout", 1.0)
        options.setdefault("socket_connect_timeout", 1.0)
        options.setdefault("retry", Retry(NoBackoff(), 0))
        options.update(connection_identity(options))
        self._options = options
        self._states: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopState] = (
            weakref.WeakKeyDictionary()
        )
        self._process: tuple[int, str] = (0, "")

    # ------------------------------------------------------------------------------------ plumbing
    @property
    def process_name(self) -> str:
        """This process's part of channel names: random, made again in a forked child."""
        pid = os.getpid()
        if self._process[0] != pid:
            self._process = (pid, secrets.token_hex(8))
        return self._process[1]

    def _state(self) -> _LoopState:
        loop = asyncio.get_running_loop()
        state = self._states.get(loop)
        if state is None:
            pool = aioredis.ConnectionPool.from_url(self.url, **self._options)
            blocking_options = {**self._options, "socket_timeout": BLOCK_SECONDS + 2 * self._timeout()}
            blocking_pool = aioredis.ConnectionPool.from_url(self.url, **blocking_options)
            state = _LoopState(
                aioredis.Redis(connection_pool=pool, retry=self._options["retry"]),
                aioredis.Redis(connection_pool=blocking_pool, retry=self._options["retry"]),
            )
            self._states[loop] = state
        return state

    def _timeout(self) -> float:
        return float(self._options.get("socket_timeout") or 1.0)

    def list_key(self, channel: str) -> str:
        """The Redis list holding ``channel``'s messages (its process's list for ``x!y`` names)."""
        bang = channel.find("!")
        return f"{self.prefix}:{channel if bang < 0 else channel[: bang + 1]}"

    def _group_key(self, group: str) -> str:
        return f"{self.prefix}:group:{group}"

    def _payload(self, channel: str, message: dict[str, Any]) -> bytes:
        return pickle.dumps((channel, time.time(), message), pickle.HIGHEST_PROTOCOL)

    def _fresh(self, sent_at: float) -> bool:
        return time.time() - sent_at < self.expiry

    # ------------------------------------------------------------------------------------ channels
    async def send(self, channel: str, message: dict[str, Any]) -> None:
        self.require_valid_channel_name(channel)
        self.require_valid_message(message)
        state = self._state()
        pushed = await state.client.eval(
            _PUSH,
            1,
            self.list_key(channel),
            self._payload(channel, message),
            self.capacity,
            int(self.expiry) + 1,
        )
        if not pushed:
            raise ChannelFull(f"Channel {channel!r} is full ({self.capacity} messages)")

    async def new_channel(self, prefix: str = "specific.") -> str:
        return f"{prefix}{self.process_name}!{secrets.token_hex(12)}"

    async def receive(self, channel: str) -> dict[str, Any]:
        self.require_valid_channel_name(channel)
        state = self._state()
        if "!" not in channel:
            return await self._receive_shared(state, channel)
        queue = state.queues.get(channel)
        if queue is None:
            queue = state.queues[channel] = asyncio.Queue()
        key = self.list_key(channel)
        task = state.tasks.get(key)
        if task is None or task.done():
            state.tasks[key] = asyncio.get_running_loop().create_task(self._pump(state, key))
        try:
            while True:
                sent_at, message = await queue.get()
                if self._fresh(sent_at):
                    return message
        finally:
            if queue.empty():
                state.queues.pop(channel, None)

    async def _receive_shared(self, state: _LoopState, channel: str) -> dict[str, Any]:
        key = self.list_key(channel)
        while True:
            item = await state.blocking.blpop([key], timeout=BLOCK_SECONDS)
            if item is None:
                continue
            _channel, sent_at, message = _unpickle(item[1])
            if self._fresh(sent_at):
                return message  # type: ignore[no-any-return]

    async def _pump(self, state: _LoopState, key: str) -> None:
        """Move messages from this process's Redis list to the local queues, for as long as the loop runs."""
        failing = False
        # A cancelled BLPOP may be swallowed by the client, so the flag is what reliably ends the loop.
        while not state.closing:
            try:
                item = await state.blocking.blpop([key], timeout=BLOCK_SECONDS)
            except (RedisConnectionError, RedisTimeoutError, OSError) as error:
                if not failing:
                    logger.error("Channel layer at %s unavailable: %s; retrying", self.url, error)
                    failing = True
                await asyncio.sleep(RETRY_SECONDS)
                continue
            if failing:
                logger.warning("Channel layer at %s reachable again", self.url)
                failing = False
            if item is None:
                continue
            channel, sent_at, message = _unpickle(item[1])
            queue = state.queues.get(channel)
            if queue is None:
                queue = state.queues[channel] = asyncio.Queue()
            if queue.qsize() >= self.capacity:
                queue.get_nowait()  # a channel nobody reads keeps only its newest messages
            queue.put_nowait((sent_at, message))

    # -------------------------------------------------------------------------------------- groups
    async def group_add(self, group: str, channel: str) -> None:
        self.require_valid_group_name(group)
        self.require_valid_channel_name(channel)
        key = self._group_key(group)
        pipeline = self._state().client.pipeline(transaction=False)
        pipeline.zadd(key, {channel: time.time()})
        pipeline.expire(key, int(self.group_expiry))
        await pipeline.execute()

    async def group_discard(self, group: str, channel: str) -> None:
        self.require_valid_group_name(group)
        self.require_valid_channel_name(channel)
        await self._state().client.zrem(self._group_key(group), channel)

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        self.require_valid_group_name(group)
        self.require_valid_message(message)
        client = self._state().client
        key = self._group_key(group)
        await client.zremrangebyscore(key, 0, time.time() - self.group_expiry)
        members = [m.decode() if isinstance(m, bytes) else str(m) for m in await client.zrange(key, 0, -1)]
        if not members:
            return
        pipeline = client.pipeline(transaction=False)
        for channel in members:
            payload = self._payload(channel, message)
            pipeline.eval(_PUSH, 1, self.list_key(channel), payload, self.capacity, int(self.expiry) + 1)
        await pipeline.execute()  # full channels answer 0 and are skipped

    # ---------------------------------------------------------------------------------- lifecycle
    async def flush(self) -> None:
        state = self._state()
        keys = [key async for key in state.client.scan_iter(match=f"{self.prefix}:*", count=500)]
        if keys:
            await state.client.delete(*keys)
        state.queues.clear()

    async def close(self) -> None:
        """Stop this loop's receiving task and disconnect its pools."""
        state = self._states.pop(asyncio.get_running_loop(), None)
        if state is None:
            return
        state.closing = True
        for task in state.tasks.values():
            task.cancel()
        if state.tasks:
            await asyncio.wait(state.tasks.values(), timeout=BLOCK_SECONDS + 3 * self._timeout())
        await state.client.aclose()
        await state.blocking.aclose()
        await state.client.connection_pool.disconnect()
        await state.blocking.connection_pool.disconnect()

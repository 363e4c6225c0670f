"""RedisChannelLayer against a real redis-server, within one process and across processes."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from microdj.websocket.layers.base import ChannelFull
from microdj.websocket.layers.redis import RedisChannelLayer
from tests.support.redis_server import RedisServer, requires_redis

pytestmark = requires_redis
ROOT = Path(__file__).resolve().parents[3]


def run(layer, body):
    async def main():
        try:
            return await body()
        finally:
            await layer.close()

    return asyncio.run(main())


def receive(layer, channel, timeout=5.0):
    return asyncio.wait_for(layer.receive(channel), timeout)


def test_send_and_receive_on_a_named_channel(redis_url):
    layer = RedisChannelLayer(hosts=[redis_url])

    async def body():
        await layer.send("work", {"type": "job.run", "n": 1})
        await layer.send("work", {"type": "job.run", "n": 2, "data": b"\x00bytes"})
        assert await receive(layer, "work") == {"type": "job.run", "n": 1}
        assert (await receive(layer, "work"))["data"] == b"\x00bytes"
        with pytest.raises(asyncio.TimeoutError):
            await receive(layer, "work", timeout=1.5)

    run(layer, body)


def test_process_local_channels(redis_url):
    layer = RedisChannelLayer(hosts=[(("127.0.0.1", int(redis_url.split(":")[2].split("/")[0])))])

    async def body():
        first, second = await layer.new_channel(), await layer.new_channel("other.")
        assert first != second and first.startswith("specific.") and second.startswith("other.")
        assert first.split("!")[0].removeprefix("specific.") == layer.process_name
        await layer.send(second, {"type": "b"})
        await layer.send(first, {"type": "a"})
        assert await receive(layer, first) == {"type": "a"}
        assert await receive(layer, second) == {"type": "b"}

    run(layer, body)


def test_capacity_raises_channel_full(redis_url):
    layer = RedisChannelLayer(hosts=[{"address": redis_url}], capacity=2)

    async def body():
        await layer.send("small", {"type": "m"})
        await layer.send("small", {"type": "m"})
        with pytest.raises(ChannelFull, match="is full"):
            await layer.send("small", {"type": "m"})
        await receive(layer, "small")
        await layer.send("small", {"type": "m"})

    run(layer, body)


def test_expired_messages_are_dropped(redis_url):
    layer = RedisChannelLayer(hosts=[redis_url], expiry=1)

    async def body():
        channel = await layer.new_channel()
        await layer.send("named", {"type": "old"})
        await layer.send(channel, {"type": "old"})
        await asyncio.sleep(1.2)
        await layer.send("named", {"type": "new"})
        await layer.send(channel, {"type": "new"})
        assert await receive(layer, "named") == {"type": "new"}
        assert await receive(layer, channel) == {"type": "new"}

    run(layer, body)


def test_groups(redis_url):
    layer = RedisChannelLayer(hosts=[redis_url], capacity=1)

    async def body():
        a, b, c = "member-a", "member-b", "member-c"
        for channel in (a, b, c):
            await layer.group_add("room", channel)
        await layer.group_discard("room", c)
        await layer.group_discard("room", "never.joined")
        await layer.send(b, {"type": "fills b"})
        await layer.group_send("room", {"type": "chat.message", "text": "hi"})  # b is full: skipped
        await layer.group_send("empty", {"type": "nobody"})
        assert await receive(layer, a) == {"type": "chat.message", "text": "hi"}
        assert await receive(layer, b) == {"type": "fills b"}
        with pytest.raises(asyncio.TimeoutError):
            await receive(layer, c, timeout=1.5)

    run(layer, body)


def test_group_membership_expires(redis_url):
    layer = RedisChannelLayer(hosts=[redis_url], group_expiry=1)

    async def body():
        channel = await layer.new_channel()
        await layer.group_add("short", channel)
        await asyncio.sleep(1.2)
        await layer.group_send("short", {"type": "late"})
        with pytest.raises(asyncio.TimeoutError):
            await receive(layer, channel, timeout=1.5)

    run(layer, body)


def test_flush_and_name_validation(redis_url):
    layer = RedisChannelLayer(hosts=[redis_url], prefix="flushme")

    async def body():
        await layer.send("x", {"type": "m"})
        await layer.group_add("g", "x")
        await layer.flush()
        await layer.flush()  # nothing left: still fine
        with pytest.raises(asyncio.TimeoutError):
            await receive(layer, "x", timeout=1.5)
        with pytest.raises(TypeError, match="Channel name"):
            await layer.send("bad name", {"type": "m"})
        with pytest.raises(TypeError, match="Group name"):
            await layer.group_add("bad/group", "x")
        with pytest.raises(TypeError, match="'type'"):
            await layer.send("x", {"no": "type"})

    run(layer, body)
    asyncio.run(layer.close())  # no state on this loop: nothing to do


def test_receiver_recovers_when_redis_restarts(tmp_path, caplog):
    server = RedisServer(tmp_path)
    server.start()
    layer = RedisChannelLayer(hosts=[server.url])

    async def body():
        channel = await layer.new_channel()
        waiting = asyncio.ensure_future(layer.receive(channel))
        await asyncio.sleep(0.3)
        server.stop()
        await asyncio.sleep(1.5)
        server.start()
        deadline = time.monotonic() + 10
        while True:
            try:
                await layer.send(channel, {"type": "after restart"})
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)
        assert await asyncio.wait_for(waiting, 10) == {"type": "after restart"}

    try:
        run(layer, body)
    finally:
        server.stop()
    assert "unavailable" in caplog.text and "reachable again" in caplog.text


def test_group_send_reaches_other_processes(redis_url):
    """Two peer processes join one group; a message sent from here reaches both, and each channel name is
    unique across the processes."""
    peers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.websocket.layers.layer_peer", redis_url, "lobby", "2"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        channels = [json.loads(peer.stdout.readline())["channel"] for peer in peers]
        assert channels[0] != channels[1]
        assert channels[0].split("!")[0] != channels[1].split("!")[0]
        layer = RedisChannelLayer(hosts=[redis_url])

        async def body():
            assert (await layer.new_channel()).split("!")[0] not in {c.split("!")[0] for c in channels}
            await layer.group_send("lobby", {"type": "chat.message", "text": "to all"})
            await layer.send(channels[1], {"type": "direct", "to": 1})
            await layer.send(channels[0], {"type": "direct", "to": 0})

        run(layer, body)
        for index, peer in enumerate(peers):
            out, _ = peer.communicate(timeout=30)
            lines = [json.loads(line) for line in out.splitlines()]
            assert lines == [{"type": "chat.message", "text": "to all"}, {"type": "direct", "to": index}]
            assert peer.returncode == 0
    finally:
        for peer in peers:
            if peer.poll() is None:
                peer.kill()
                peer.wait(timeout=5)


def test_a_local_queue_keeps_the_newest_messages(redis_url):
    layer = RedisChannelLayer(hosts=[redis_url], capacity=2)

    async def body():
        unread, other = await layer.new_channel(), await layer.new_channel()
        listening = asyncio.ensure_future(layer.receive(other))  # starts the process's receiving task
        await asyncio.sleep(0.1)
        import redis.asyncio

        client = redis.asyncio.from_url(redis_url)
        for n in range(3):
            await layer.send(unread, {"type": "m", "n": n})
            for _ in range(200):  # the task has moved it from Redis to the local queue
                if not await client.llen(layer.list_key(unread)):
                    break
                await asyncio.sleep(0.02)
        assert [(await receive(layer, unread))["n"] for _ in range(2)] == [1, 2]
        listening.cancel()
        await client.aclose()

    run(layer, body)

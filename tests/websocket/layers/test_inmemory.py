"""InMemoryChannelLayer: the BaseChannelLayer contract in one process."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from microdj.websocket.layers import ChannelFull, InMemoryChannelLayer
from tests.websocket.conftest import run


def test_send_receive_and_names() -> None:
    async def main() -> None:
        layer = InMemoryChannelLayer()
        name = await layer.new_channel()
        assert name.startswith("specific.inmemory!")
        assert await layer.new_channel("other.") != name
        await layer.send(name, {"type": "a.b", "n": 1})
        assert await layer.receive(name) == {"type": "a.b", "n": 1}
        waiting = asyncio.ensure_future(layer.receive(name))
        await asyncio.sleep(0)
        await layer.send(name, {"type": "direct"})
        assert await waiting == {"type": "direct"}
        assert layer.channels == {}
        for bad in ("", "a b", "x" * 100, 5):
            with pytest.raises(TypeError, match="not valid"):
                await layer.send(bad, {"type": "t"})  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="'type' key"):
            await layer.send(name, {"no": "type"})

    run(main())


def test_messages_are_copied() -> None:
    async def main() -> None:
        layer = InMemoryChannelLayer()
        message: dict[str, Any] = {"type": "t", "items": [1], "text": "x"}
        await layer.send("c", message)
        received = await layer.receive("c")
        received["items"].append(2)
        assert message["items"] == [1]
        flat = {"type": "t", "text": "x"}
        await layer.send("c", flat)
        assert (await layer.receive("c")) is not flat

    run(main())


def test_capacity_and_expiry() -> None:
    async def main() -> None:
        layer = InMemoryChannelLayer(capacity=2, expiry=0.05)
        await layer.send("c", {"type": "1"})
        await layer.send("c", {"type": "2"})
        with pytest.raises(ChannelFull):
            await layer.send("c", {"type": "3"})
        await asyncio.sleep(0.06)
        await layer.send("c", {"type": "4"})  # the expired ones made room
        assert await layer.receive("c") == {"type": "4"}
        await layer.send("d", {"type": "old"})
        await asyncio.sleep(0.06)
        waiting = asyncio.ensure_future(layer.receive("d"))  # the old message is dropped, not returned
        await asyncio.sleep(0)
        assert not waiting.done()
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        await layer.send("e", {"type": "stale"})
        await layer.group_add("g", "e")
        await asyncio.sleep(0.06)
        await layer.send("f", {"type": "sweeps"})  # the periodic sweep drops idle channels
        assert set(layer.channels) == {"f"}

    run(main())


def test_a_delivery_racing_a_cancellation_is_kept() -> None:
    async def main() -> None:
        layer = InMemoryChannelLayer()
        waiting = asyncio.ensure_future(layer.receive("c"))
        await asyncio.sleep(0)
        await layer.send("c", {"type": "kept"})
        waiting.cancel()  # before the receiver ran
        await asyncio.gather(waiting, return_exceptions=True)
        assert await layer.receive("c") == {"type": "kept"}

    run(main())


def test_groups() -> None:
    async def main() -> None:
        layer = InMemoryChannelLayer(capacity=1)
        await layer.group_add("g", "one")
        await layer.group_add("g", "two")
        await layer.send("two", {"type": "fills"})
        await layer.group_send("g", {"type": "hello"})  # "two" is full: skipped
        assert await layer.receive("one") == {"type": "hello"}
        assert await layer.receive("two") == {"type": "fills"}
        await layer.group_discard("g", "one")
        await layer.group_discard("g", "two")
        await layer.group_discard("g", "two")
        await layer.group_discard("nobody", "two")
        assert layer.groups == {}
        await layer.group_send("nobody", {"type": "lost"})
        with pytest.raises(TypeError, match="Group name"):
            await layer.group_add("bad name", "one")

    run(main())


def test_group_memberships_expire() -> None:
    async def main() -> None:
        layer = InMemoryChannelLayer(group_expiry=0.02)
        await layer.group_add("g", "a")
        await asyncio.sleep(0.03)
        await layer.group_send("g", {"type": "late"})
        assert layer.groups == {} and layer.channels == {}
        layer = InMemoryChannelLayer(group_expiry=0.02, expiry=0.02)
        await layer.group_add("h", "a")
        await asyncio.sleep(0.03)
        await layer.group_add("other", "b")  # the sweep drops the expired membership
        assert set(layer.groups) == {"other"}

    run(main())


def test_flush_and_discard_channel() -> None:
    async def main() -> None:
        layer = InMemoryChannelLayer()
        await layer.send("a", {"type": "x"})
        await layer.group_add("g", "a")
        waiting = asyncio.ensure_future(layer.receive("b"))
        await asyncio.sleep(0)
        await layer.flush()
        assert layer.groups == {} and set(layer.channels) == {"b"}
        await layer.send("b", {"type": "after flush"})
        assert await waiting == {"type": "after flush"}
        await layer.send("c", {"type": "x"})
        await layer.discard_channel("c")
        await layer.discard_channel("never")
        assert layer.channels == {}
        waiting = asyncio.ensure_future(layer.receive("d"))
        await asyncio.sleep(0)
        await layer.discard_channel("d")  # a waiting receiver keeps its channel
        assert "d" in layer.channels
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        await layer.close()

    run(main())

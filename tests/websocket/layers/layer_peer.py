"""Another process on the same Redis layer: ``python -m tests.websocket.layers.layer_peer URL GROUP N``.

Prints its new channel's name (after joining GROUP), then each of the N messages it receives, as JSON lines.
"""

from __future__ import annotations

import asyncio
import json
import sys

from microdj.websocket.layers.redis import RedisChannelLayer


async def main(url: str, group: str, count: int) -> None:
    layer = RedisChannelLayer(hosts=[url])
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    print(json.dumps({"channel": channel}), flush=True)  # noqa: T201 - the test reads it
    for _ in range(count):
        message = await asyncio.wait_for(layer.receive(channel), timeout=20)
        print(json.dumps(message), flush=True)  # noqa: T201 - the test reads it
    await layer.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))

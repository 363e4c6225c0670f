"""WebSocket benchmark: echo round trips per second and group broadcast cost, microdj against its peers.

    python -m benchmarks.bench_websocket                 # in-process echo + broadcast (+ e2e with --e2e)
    python -m benchmarks.bench_websocket --e2e --save    # also under uvicorn; write results/websocket.*
    python -m benchmarks.bench_websocket --only microdj --messages 20000   # one app, for callgrind

In-process, each application is called directly with a prepared ``websocket`` scope: the driver's
``receive()`` hands over the next text message at once and ``send()`` counts the echoes, so a round trip
costs only the framework's own work. Applications take their rounds in turn; the best round is kept.
Broadcast: 1,000 connections to a consumer with ``groups = ["room"]`` over the in-memory layer, one
``group_send``, timed until every connection has sent the message on. End-to-end: one uvicorn process per
application on 127.0.0.1, the ``websockets`` client running sequential round trips on a few connections.
Ratios against the other applications of the same run are the figures to read (`make bench-websocket`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.apps import websocket_apps

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
TEXT = "hello, websocket"


def _scope(path: str) -> dict[str, Any]:
    return {
        "type": "websocket",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "scheme": "ws",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"localhost"), (b"upgrade", b"websocket")],
        "subprotocols": [],
        "client": ("127.0.0.1", 50000),
        "server": ("localhost", 80),
        "extensions": {},
    }


async def echo_round(app: Any, path: str, messages: int) -> float:
    """Round trips per second over one connection of ``messages`` echoes (checked)."""
    left = messages
    echoed = 0
    connected = False
    started = 0.0
    incoming = {"type": "websocket.receive", "text": TEXT}

    async def receive() -> dict[str, Any]:
        nonlocal left, connected, started
        if not connected:
            connected = True
            return {"type": "websocket.connect"}
        if left:
            if left == messages:
                started = time.perf_counter()
            left -= 1
            return incoming
        return {"type": "websocket.disconnect", "code": 1000}

    async def send(message: dict[str, Any]) -> None:
        nonlocal echoed
        if message["type"] == "websocket.send":
            if message.get("text") != TEXT:
                raise AssertionError(f"wrong echo {message!r}")
            echoed += 1
        elif message["type"] == "websocket.close":
            raise AssertionError(f"the application closed the connection: {message!r}")

    await app(_scope(path), receive, send)
    elapsed = time.perf_counter() - started
    if echoed != messages:
        raise AssertionError(f"{echoed} echoes for {messages} messages")
    return messages / elapsed


def measure_inprocess(names: tuple[str, ...], messages: int, rounds: int) -> dict[str, float]:
    """Best round trips/s per application, rounds taken in turn."""
    apps = {name: websocket_apps.build(name) for name in names}
    best = dict.fromkeys(names, 0.0)

    async def run() -> None:
        for name in names:  # warm-up (and correctness check) of each
            await echo_round(apps[name], websocket_apps.path_of(name), 200)
        for _ in range(rounds):
            for name in names:
                rate = await echo_round(apps[name], websocket_apps.path_of(name), messages)
                best[name] = max(best[name], rate)

    asyncio.run(run())
    return best


async def broadcast_round(app: Any, members: int) -> float:
    """Microseconds per member for one group_send to ``members`` consumers, until each has sent it on."""
    from microdj.websocket.layers import get_channel_layer

    layer = get_channel_layer()
    assert layer is not None
    await layer.flush()
    loop = asyncio.get_running_loop()
    accepted = 0
    delivered = 0
    all_accepted = loop.create_future()
    all_delivered = loop.create_future()
    finish = loop.create_future()

    def connection() -> tuple[Any, Any]:
        state = {"connected": False}

        async def receive() -> dict[str, Any]:
            if not state["connected"]:
                state["connected"] = True
                return {"type": "websocket.connect"}
            await asyncio.shield(finish)
            return {"type": "websocket.disconnect", "code": 1000}

        async def send(message: dict[str, Any]) -> None:
            nonlocal accepted, delivered
            if message["type"] == "websocket.accept":
                accepted += 1
                if accepted == members:
                    all_accepted.set_result(None)
            elif message["type"] == "websocket.send":
                delivered += 1
                if delivered == members:
                    all_delivered.set_result(None)

        return receive, send

    tasks = [asyncio.ensure_future(app(_scope("/ws/room/"), *connection())) for _ in range(members)]
    await all_accepted
    started = time.perf_counter()
    await layer.group_send("room", {"type": "room.message", "text": TEXT})
    await all_delivered
    elapsed = time.perf_counter() - started
    finish.set_result(None)
    await asyncio.gather(*tasks)
    return elapsed / members * 1e6


def measure_broadcast(members: int, rounds: int) -> float:
    """The best microseconds per member of ``rounds`` broadcasts."""
    app = websocket_apps.build("microdj")

    async def run() -> float:
        return min([await broadcast_round(app, members) for _ in range(rounds)])

    return asyncio.run(run())


# ------------------------------------------------------------------------------------------- end to end
def _serve(name: str) -> tuple[subprocess.Popen[bytes], int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MICRODJ_BENCH_WS_APP": name}
    command = [
        sys.executable, "-m", "uvicorn", "benchmarks.apps.websocket_apps:application", "--fd",
        str(sock.fileno()), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, pass_fds=[sock.fileno()])
    sock.close()
    return process, port


async def _e2e_round(port: int, path: str, connections: int, messages: int) -> float:
    from websockets.asyncio.client import connect

    async def one() -> None:
        async with connect(f"ws://127.0.0.1:{port}{path}") as ws:
            for _ in range(messages):
                await ws.send(TEXT)
                if await ws.recv() != TEXT:
                    raise AssertionError("wrong echo")

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(connections)))
    return connections * messages / (time.perf_counter() - started)


def measure_e2e(names: tuple[str, ...], connections: int, messages: int, rounds: int) -> dict[str, float]:
    """Best round trips/s per application under uvicorn (served at once, rounds taken in turn)."""
    servers = {name: _serve(name) for name in names}
    best = dict.fromkeys(names, 0.0)
    try:

        async def ready(port: int) -> None:
            from websockets.asyncio.client import connect

            deadline = time.monotonic() + 30
            while True:
                try:
                    async with connect(f"ws://127.0.0.1:{port}/ws/echo/"):
                        return
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(0.1)

        async def run() -> None:
            for name, (_, port) in servers.items():
                await ready(port)
                await _e2e_round(port, websocket_apps.path_of(name), connections, 50)
            for _ in range(rounds):
                for name, (_, port) in servers.items():
                    rate = await _e2e_round(port, websocket_apps.path_of(name), connections, messages)
                    best[name] = max(best[name], rate)

        asyncio.run(run())
    finally:
        for process, _ in servers.values():
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return best


# ------------------------------------------------------------------------------------------------- report
def table(title: str, rates: dict[str, float]) -> str:
    """A markdown table of round trips/s with ratios to Starlette and the raw application."""
    lines = [
        f"### {title}",
        "",
        "| application | round trips/s | vs starlette | vs raw ASGI |",
        "|---|---:|---:|---:|",
    ]
    for name, rate in rates.items():
        ratios = [f"{rate / rates[peer]:.2f}x" if rates.get(peer) else "-" for peer in ("starlette", "raw")]
        lines.append(f"| {name} | {rate:,.0f} | {ratios[0]} | {ratios[1]} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Command-line entry point (see the module docstring); returns the results."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_websocket")
    parser.add_argument("--only", action="append", choices=websocket_apps.NAMES, help="repeatable")
    parser.add_argument("--messages", type=int, default=20000, help="echoes per in-process round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--members", type=int, default=1000, help="broadcast group size (0: skip)")
    parser.add_argument("--e2e", action="store_true", help="also end to end under uvicorn")
    parser.add_argument("--connections", type=int, default=4, help="e2e connections")
    parser.add_argument("--e2e-messages", type=int, default=2000, help="e2e round trips per connection")
    parser.add_argument("--save", action="store_true", help="write benchmarks/results/websocket.{json,md}")
    args = parser.parse_args(argv)
    names = tuple(args.only or [n for n in websocket_apps.NAMES if n != "starlette" or _has_starlette()])
    results: dict[str, Any] = {"inprocess": measure_inprocess(names, args.messages, args.rounds)}
    parts = [table("In-process echo", results["inprocess"])]
    if args.members:
        results["broadcast_us_per_member"] = measure_broadcast(args.members, args.rounds)
        parts.append(
            f"### Group broadcast\n\n{args.members} in-memory members: "
            f"{results['broadcast_us_per_member']:.1f} µs per member (best of {args.rounds})."
        )
    if args.e2e:
        results["e2e"] = measure_e2e(names, args.connections, args.e2e_messages, args.rounds)
        parts.append(table(f"End to end (uvicorn, {args.connections} connections)", results["e2e"]))
    text = "\n\n".join(parts)
    print(text)
    if args.save:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "websocket.json").write_text(json.dumps(results, indent=2) + "\n")
        (RESULTS / "websocket.md").write_text(text + "\n")
    return results


def _has_starlette() -> bool:
    import importlib.util

    return importlib.util.find_spec("starlette") is not None


if __name__ == "__main__":
    main()

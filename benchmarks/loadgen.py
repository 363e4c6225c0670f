"""The bundled load generator (used when ``wrk`` is not installed): HTTP/1.1 keep-alive over asyncio streams.

``python -m benchmarks.loadgen PORT SCENARIO [--connections N] [--duration S]`` keeps N connections busy,
one request in flight on each, for S seconds against 127.0.0.1:PORT, and prints one JSON line:
``{"requests": completed, "errors": failed, "unexpected": wrong status, "seconds": S, "rate": requests/s}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from dataclasses import dataclass

from benchmarks.scenarios import BY_NAME, Scenario

HOST = "127.0.0.1"


def request_bytes(scenario: Scenario, port: int) -> bytes:
    """The raw HTTP/1.1 request for ``scenario``."""
    target = scenario.path + ("?" + scenario.query.decode() if scenario.query else "")
    lines = [f"{scenario.method} {target} HTTP/1.1".encode(), f"Host: {HOST}:{port}".encode()]
    lines += [name + b": " + value for name, value in scenario.headers]
    if scenario.body or scenario.method == "POST":
        lines.append(b"Content-Length: " + str(len(scenario.body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + scenario.body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Read one response; return its status, body and whether the connection stays open."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head[:-4].split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = -1
    chunked = False
    keep_alive = True
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        value = value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = value.endswith(b"chunked")
        elif name == b"connection":
            keep_alive = value != b"close"
    if chunked:
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            parts.append((await reader.readexactly(size + 2))[:-2])
            if size == 0:
                break
        return status, b"".join(parts), keep_alive
    if length >= 0:
        return status, await reader.readexactly(length), keep_alive
    return status, await reader.read(), False


@dataclass
class Counts:
    """What the connections saw."""

    requests: int = 0
    errors: int = 0
    unexpected: int = 0


async def _connection(port: int, request: bytes, expect: int, deadline: float, counts: Counts) -> None:
    loop = asyncio.get_running_loop()
    while loop.time() < deadline:
        try:
            reader, writer = await asyncio.open_connection(HOST, port)
        except OSError:
            counts.errors += 1
            await asyncio.sleep(0.01)
            continue
        try:
            keep_alive = True
            while keep_alive:
                writer.write(request)
                status, _, keep_alive = await read_response(reader)
                if loop.time() > deadline:
                    return
                counts.requests += 1
                if status != expect:
                    counts.unexpected += 1
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            counts.errors += 1
        finally:
            writer.close()


async def run(port: int, scenario: Scenario, connections: int, duration: float) -> dict:
    """Load 127.0.0.1:``port`` with ``scenario`` for ``duration`` seconds; return the counts and rate."""
    loop = asyncio.get_running_loop()
    request = request_bytes(scenario, port)
    counts = Counts()
    start = loop.time()
    deadline = start + duration
    tasks = [
        asyncio.ensure_future(_connection(port, request, scenario.expect, deadline, counts))
        for _ in range(connections)
    ]
    # Bounded: a connection stuck past the deadline (a server that stopped answering) is cancelled.
    _, pending = await asyncio.wait(tasks, timeout=duration + 5)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    counts.errors += len(pending)
    return {
        "requests": counts.requests,
        "errors": counts.errors,
        "unexpected": counts.unexpected,
        "seconds": duration,
        "rate": counts.requests / duration,
    }


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.loadgen")
    parser.add_argument("port", type=int)
    parser.add_argument("scenario", choices=sorted(BY_NAME))
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=float, default=5.0)
    args = parser.parse_args(argv)
    try:
        import uvloop
    except ImportError:  # the stdlib loop still works, only slower
        runner = asyncio.run
    else:
        runner = uvloop.run
    started = time.perf_counter()
    result = runner(run(args.port, BY_NAME[args.scenario], args.connections, args.duration))
    result["wall"] = time.perf_counter() - started
    print(json.dumps(result))


if __name__ == "__main__":
    main()

"""In-process ASGI benchmark: call an application directly (no server, no sockets) and count requests.

Run one framework per process: ``python -m benchmarks.inprocess MODULE:ATTR`` prints JSON rates.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
import time

from benchmarks.scenarios import SCENARIOS, Scenario

ROUND_SECONDS = 0.4
ROUNDS = 5


def _scope(scenario: Scenario) -> dict:
    headers = [(b"host", b"localhost"), *scenario.headers]
    if scenario.body:
        headers.append((b"content-length", str(len(scenario.body)).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": scenario.method,
        "scheme": "http",
        "path": scenario.path,
        "raw_path": scenario.path.encode(),
        "query_string": scenario.query,
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("localhost", 8000),
    }


async def _rate(app, scenario: Scenario) -> float:
    scope = _scope(scenario)
    body_message = {"type": "http.request", "body": scenario.body, "more_body": False}
    status = []

    async def receive():
        return body_message

    async def send(message):
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(dict(scope), receive, send)
    if status != [scenario.expect]:
        raise RuntimeError(f"{scenario.name}: expected {scenario.expect}, got {status}")
    best = 0.0
    for _ in range(ROUNDS):
        count = 0
        start = time.perf_counter()
        deadline = start + ROUND_SECONDS
        while True:
            for _ in range(200):
                await app(dict(scope), receive, send)
            count += 200
            now = time.perf_counter()
            if now >= deadline:
                break
        best = max(best, count / (now - start))
    return best


async def measure(target: str, names: list[str] | None = None) -> dict[str, float]:
    module_name, _, attr = target.partition(":")
    app = getattr(importlib.import_module(module_name), attr or "application")
    results = {}
    for scenario in SCENARIOS:
        if names and scenario.name not in names:
            continue
        results[scenario.name] = await _rate(app, scenario)
    return results


if __name__ == "__main__":
    print(json.dumps(asyncio.run(measure(sys.argv[1], sys.argv[2:] or None))))

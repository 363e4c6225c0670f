"""In-process ASGI benchmark: call an application directly (no server, no sockets) and count requests.

One framework variant per process (settings and route tables are global in some frameworks)::

    python -m benchmarks.inprocess SLUG [VARIANT] [--check] [--scenario NAME ...]
    python -m benchmarks.inprocess MODULE:ATTR [SCENARIO ...]      # any app, base-variant scenarios

The last line printed is JSON: ``{"rates": {scenario: requests/s}}`` or, with ``--check`` (one request per
scenario, no timing), ``{"checks": {scenario: null or the reason it failed}}``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import json
import sys
import time

from benchmarks.scenarios import SCENARIOS, Scenario

ROUND_SECONDS = 0.5
ROUNDS = 5
BATCH = 100
_DISCONNECT = {"type": "http.disconnect"}


def scope_for(scenario: Scenario) -> dict:
    """The ASGI HTTP scope a server would build for ``scenario``'s request."""
    headers = [(b"host", b"localhost"), *scenario.headers]
    if scenario.body:
        headers.append((b"content-length", str(len(scenario.body)).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
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


class Exchange:
    """One request/response cycle, with a server's receive/send semantics.

    ``receive`` returns the whole body once; a later call waits until the response is complete and then
    reports a disconnect (as uvicorn does), so frameworks that watch for disconnects behave as served.
    """

    __slots__ = ("body_message", "capture", "status", "chunks", "complete", "waiter")

    def __init__(self, body_message: dict, capture: bool = False) -> None:
        self.body_message = body_message
        self.capture = capture
        self.status = 0
        self.chunks: list[bytes] = []
        self.complete = False
        self.waiter: asyncio.Future | None = None

    async def receive(self) -> dict:
        message = self.body_message
        if message is not None:
            self.body_message = None
            return message
        if not self.complete:
            self.waiter = asyncio.get_running_loop().create_future()
            await self.waiter
        return _DISCONNECT

    async def send(self, message: dict) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.status = message["status"]
        elif kind == "http.response.body":
            if self.capture:
                self.chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                self.complete = True
                if self.waiter is not None and not self.waiter.done():
                    self.waiter.set_result(None)


async def check(app, scenario: Scenario) -> str | None:
    """Send ``scenario`` once; return None if the answer is the expected one, else why not."""
    exchange = Exchange({"type": "http.request", "body": scenario.body, "more_body": False}, capture=True)
    try:
        await app(scope_for(scenario), exchange.receive, exchange.send)
    except Exception as exc:  # reported, not raised: the caller shows every failing scenario
        return f"{scenario.name}: {type(exc).__name__}: {exc}"
    return scenario.check(exchange.status, b"".join(exchange.chunks))


async def rate(app, scenario: Scenario, rounds: int = ROUNDS, seconds: float = ROUND_SECONDS) -> float:
    """Best-of-``rounds`` requests per second for ``scenario`` (after one checked request)."""
    problem = await check(app, scenario)
    if problem:
        raise RuntimeError(problem)
    scope = scope_for(scenario)
    body, expect = scenario.body, scenario.expect
    best = 0.0
    for _ in range(rounds):
        gc.collect()
        count = 0
        start = time.perf_counter()
        deadline = start + seconds
        while True:
            for _ in range(BATCH):
                exchange = Exchange({"type": "http.request", "body": body, "more_body": False})
                await app(dict(scope), exchange.receive, exchange.send)
                if exchange.status != expect:
                    raise RuntimeError(f"{scenario.name}: status {exchange.status} during the run")
            count += BATCH
            now = time.perf_counter()
            if now >= deadline:
                break
        best = max(best, count / (now - start))
    return best


def _scenarios(variant: str | None, names: list[str]) -> list[Scenario]:
    return [
        s for s in SCENARIOS if (variant is None or s.variant == variant) and (not names or s.name in names)
    ]


async def _run(app, scenarios: list[Scenario], checking: bool) -> dict:
    if checking:
        return {"checks": {s.name: await check(app, s) for s in scenarios}}
    rates = {}
    for scenario in scenarios:
        rates[scenario.name] = await rate(app, scenario)
        print(f"  {scenario.name}: {rates[scenario.name]:,.0f} req/s", file=sys.stderr, flush=True)
    return {"rates": rates}


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.inprocess")
    parser.add_argument("target", help="framework slug (see benchmarks.apps) or MODULE:ATTR")
    parser.add_argument("rest", nargs="*", help="VARIANT for a slug; scenario names for MODULE:ATTR")
    parser.add_argument("--check", action="store_true", help="one request per scenario, no timing")
    parser.add_argument("--scenario", action="append", default=[], help="only this scenario (repeatable)")
    args = parser.parse_args(argv)
    if ":" in args.target:
        module_name, _, attr = args.target.partition(":")
        app = getattr(importlib.import_module(module_name), attr or "application")
        scenarios = _scenarios("", args.rest + args.scenario)
    else:
        from benchmarks.apps import BY_SLUG

        variant = args.rest[0] if args.rest else ""
        app = BY_SLUG[args.target].build(variant)
        scenarios = _scenarios(variant, args.scenario)
    print(json.dumps(asyncio.run(_run(app, scenarios, args.check))))


if __name__ == "__main__":
    main()

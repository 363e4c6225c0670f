"""In-process ASGI benchmark: call an application directly (no server, no sockets) and count requests.

One framework variant per process (settings and route tables are global in some frameworks)::

    python -m benchmarks.inprocess SLUG [VARIANT] [--check] [--scenario NAME ...]
    python -m benchmarks.inprocess SLUG VARIANT --serve                 # a worker for measure()
    python -m benchmarks.inprocess MODULE:ATTR [SCENARIO ...]      # any app, base-variant scenarios

The last line printed is JSON: ``{"rates": {scenario: requests/s}}`` or, with ``--check`` (one request per
scenario, no timing), ``{"checks": {scenario: null or the reason it failed}}``.

:func:`measure` is what ``make bench`` runs: one worker process per framework and variant, all alive at once
and pinned to the same CPU, each measuring one short round when asked; the rounds of every framework and
scenario are interleaved, pass after pass, and each keeps its best. A slow phase of a shared machine then
lands on every framework alike instead of on whichever happened to run during it.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import json
import os
import select
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from benchmarks.scenarios import BY_NAME, SCENARIOS, Scenario

ROUND_SECONDS = 0.5
ROUNDS = 5
BATCH = 100
# measure(): PASSES passes, each of fresh workers; per pass and scenario, every framework gets a warm-up round
# of WARMUP_SECONDS, then SLICES rounds of SLICE_SECONDS taken in turn with the others'.
PASSES = 2
SLICES = 20
SLICE_SECONDS = 0.05
WARMUP_SECONDS = 0.2
WORKER_TIMEOUT = 120.0
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

    __slots__ = ("body_message", "capture", "chunks", "complete", "status", "waiter")

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
    except Exception as exc:  # noqa: BLE001 - reported, not raised: the caller shows every failing scenario
        return f"{scenario.name}: {type(exc).__name__}: {exc}"
    return scenario.check(exchange.status, b"".join(exchange.chunks))


async def one_round(app, scenario: Scenario, seconds: float, collect: bool = True) -> float:
    """Requests per second over one round of about ``seconds`` (whole batches of BATCH requests)."""
    scope = scope_for(scenario)
    body, expect = scenario.body, scenario.expect
    if collect:
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
            return count / (now - start)


async def rate(app, scenario: Scenario, rounds: int = ROUNDS, seconds: float = ROUND_SECONDS) -> float:
    """Best-of-``rounds`` requests per second for ``scenario`` (after one checked request)."""
    problem = await check(app, scenario)
    if problem:
        raise RuntimeError(problem)
    return max([await one_round(app, scenario, seconds) for _ in range(rounds)])


async def serve(app) -> None:
    """Worker side of measure(): answer each command line on stdin with one JSON line on stdout.

    First ``{"ready": true}``; then ``{"scenario": NAME, "seconds": S, "collect": C}`` ->
    ``{"rate": requests/s}`` (a full garbage collection first unless C is false; the first command for a
    scenario also checks its answer: ``{"problem": why}`` when it is wrong); EOF or ``{"quit": true}``
    ends the worker.
    """
    checked: set[str] = set()
    print(json.dumps({"ready": True}), flush=True)
    while line := sys.stdin.readline():  # blocking is fine: nothing else runs while the parent decides
        command = json.loads(line)
        if command.get("quit"):
            return
        scenario = BY_NAME[command["scenario"]]
        try:
            if scenario.name not in checked:
                problem = await check(app, scenario)
                if problem:
                    raise RuntimeError(problem)
                checked.add(scenario.name)
            reply = {"rate": await one_round(app, scenario, command["seconds"], command.get("collect", True))}
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which records it as a problem
            reply = {"problem": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(reply), flush=True)


class Worker:
    """A ``--serve`` process for one framework variant, asked for one measured round at a time."""

    def __init__(self, slug: str, variant: str, cpu: int | None) -> None:
        self.slug, self.variant = slug, variant
        command = [sys.executable, "-m", "benchmarks.inprocess", slug, variant, "--serve"]
        if cpu is not None:
            command += ["--cpu", str(cpu)]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def _reply(self, what: str) -> dict:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], WORKER_TIMEOUT)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            raise RuntimeError(f"{what}: the worker stopped answering (exit code {self.process.poll()})")
        reply = json.loads(line)
        if "problem" in reply:
            raise RuntimeError(reply["problem"])
        return reply

    def wait_ready(self) -> None:
        """Wait until the application is built (RuntimeError if the worker died instead)."""
        self._reply(f"{self.slug} (variant {self.variant or 'base'!r}) start-up")

    def round(self, scenario: str, seconds: float, collect: bool = True) -> float:
        """One round of ``scenario``: its rate, or RuntimeError with the worker's problem."""
        assert self.process.stdin is not None
        command = {"scenario": scenario, "seconds": seconds, "collect": collect}
        try:
            self.process.stdin.write(json.dumps(command) + "\n")
            self.process.stdin.flush()
        except OSError:
            pass  # the worker is gone: said by _reply()
        return self._reply(scenario)["rate"]

    def close(self) -> None:
        """Stop the worker (killed if it does not exit promptly)."""
        try:
            self.process.communicate('{"quit": true}\n', timeout=10)
        except (subprocess.TimeoutExpired, OSError, ValueError):
            self.process.kill()
            self.process.wait()


def measure(
    targets: list[tuple[str, str]],
    scenarios: list[Scenario],
    cpu: int | None = None,
    passes: int = PASSES,
    slices: int = SLICES,
    log: Callable[[str], None] = lambda message: None,
) -> tuple[dict[str, dict[str, float]], list[str]]:
    """Every scenario for every ``(name, slug)`` target, in short rounds taken in turn; the median kept.

    The machines are shared virtual machines whose speed swings by half within a second but barely moves
    between two rounds 50 ms apart: so the targets run short rounds (SLICE_SECONDS) one after the other,
    ``slices`` times per pass, and each keeps the median of its rounds. Each pass starts fresh workers (one
    per target and variant, pinned to ``cpu`` once built), so several memory layouts are sampled too; in a
    pass, each scenario starts with a warm-up round per target (which also checks the answer). Returns
    name -> scenario -> requests/s, and the problems seen (a pair that failed is left out of the rates).
    """
    variants = sorted({scenario.variant for scenario in scenarios})
    found: dict[tuple[str, str], list[float]] = {}
    problems: list[str] = []
    failed: set[tuple[str, str]] = set()
    for number in range(1, passes + 1):
        started = time.monotonic()
        workers = {
            (name, variant): Worker(slug, variant, cpu)
            for name, slug in targets
            for variant in variants
            if any(s.runs_on(slug) for s in scenarios if s.variant == variant)
        }
        try:
            # Nothing is measured while another worker is still starting (its imports would compete).
            for (name, variant), worker in workers.items():
                try:
                    worker.wait_ready()
                except RuntimeError as exc:
                    failed.update((name, s.name) for s in scenarios if s.variant == variant)
                    problems.append(f"{name}: {exc}")
            for scenario in scenarios:
                ready = [
                    name
                    for name, slug in targets
                    if scenario.runs_on(slug) and (name, scenario.name) not in failed
                ]
                for turn in range(slices + 1):  # turn 0 warms up
                    for name in ready:
                        if (name, scenario.name) in failed:
                            continue
                        worker = workers[name, scenario.variant]
                        try:
                            if turn:
                                rate = worker.round(scenario.name, SLICE_SECONDS, collect=False)
                                found.setdefault((name, scenario.name), []).append(rate)
                            else:
                                worker.round(scenario.name, WARMUP_SECONDS)
                        except RuntimeError as exc:
                            failed.add((name, scenario.name))
                            problems.append(f"{name}: {exc}")
                            log(f"  {name}: {exc}")
        finally:
            for worker in workers.values():
                worker.close()
        log(f"  pass {number}/{passes} in {time.monotonic() - started:.0f} s")
    rates: dict[str, dict[str, float]] = {name: {} for name, _ in targets}
    for (name, scenario), values in found.items():
        if (name, scenario) not in failed:
            rates[name][scenario] = statistics.median(values)
    return rates, problems


def _scenarios(variant: str | None, names: list[str], slug: str | None = None) -> list[Scenario]:
    return [
        s
        for s in SCENARIOS
        if (variant is None or s.variant == variant)
        and (not names or s.name in names)
        and (slug is None or s.runs_on(slug))
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
    parser.add_argument("--serve", action="store_true", help="measure rounds on request (see measure())")
    parser.add_argument("--cpu", type=int, help="with --serve: run on this CPU once the app is built")
    parser.add_argument("--scenario", action="append", default=[], help="only this scenario (repeatable)")
    args = parser.parse_args(argv)
    if ":" in args.target:
        module_name, _, attr = args.target.partition(":")
        app = getattr(importlib.import_module(module_name), attr or "application")
        scenarios = _scenarios("", args.rest + args.scenario)
    else:
        from benchmarks.apps import BY_SLUG

        variant = args.rest[0] if args.rest else ""
        if not _scenarios(variant, args.scenario, args.target):
            print(json.dumps({"checks": {}} if args.check else {"rates": {}}))
            return
        app = BY_SLUG[args.target].build(variant)
        if args.serve:
            if args.cpu is not None:
                try:
                    os.sched_setaffinity(0, {args.cpu})
                except (AttributeError, OSError):  # not Linux, or not allowed here: run unpinned
                    pass
            asyncio.run(serve(app))
            return
        scenarios = _scenarios(variant, args.scenario, args.target)
    print(json.dumps(asyncio.run(_run(app, scenarios, args.check))))


if __name__ == "__main__":
    main()

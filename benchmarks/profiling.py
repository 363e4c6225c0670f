"""Profile one framework on one scenario, in-process: where does a request's time go?

    python -m benchmarks.profiling SLUG SCENARIO [--requests N] [--sort tottime|cumtime] [--top K]
    py-spy record -o profile.svg -- python -m benchmarks.profiling SLUG SCENARIO --plain --seconds 10

The first form runs the requests under cProfile and prints the heaviest functions. ``--plain`` runs them
with no profiler for ``--seconds`` so that a sampling profiler (py-spy, in the bench extra) can watch.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import time

from benchmarks.apps import BY_SLUG
from benchmarks.inprocess import Exchange, check, scope_for
from benchmarks.scenarios import BY_NAME, Scenario


async def _requests(app, scenario: Scenario, count: int | None, seconds: float | None) -> int:
    """Send ``count`` requests (or as many as fit in ``seconds``); return how many were sent."""
    scope = scope_for(scenario)
    deadline = None if seconds is None else time.monotonic() + seconds
    sent = 0
    while (count is None or sent < count) and (deadline is None or time.monotonic() < deadline):
        exchange = Exchange({"type": "http.request", "body": scenario.body, "more_body": False})
        await app(dict(scope), exchange.receive, exchange.send)
        sent += 1
    return sent


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profiling")
    parser.add_argument("slug", choices=sorted(BY_SLUG))
    parser.add_argument("scenario", choices=sorted(BY_NAME), metavar="SCENARIO")
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumtime", "ncalls"])
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--plain", action="store_true", help="no cProfile (for a sampling profiler)")
    parser.add_argument("--seconds", type=float, default=10.0, help="with --plain: how long to run")
    args = parser.parse_args(argv)
    scenario = BY_NAME[args.scenario]
    app = BY_SLUG[args.slug].build(scenario.variant)
    problem = asyncio.run(check(app, scenario))
    if problem:
        raise SystemExit(problem)
    asyncio.run(_requests(app, scenario, 200, None))  # warm-up: caches, specialised bytecode
    if args.plain:
        sent = asyncio.run(_requests(app, scenario, None, args.seconds))
        print(f"{sent} requests in {args.seconds:g} s")
        return
    profiler = cProfile.Profile()
    profiler.enable()
    asyncio.run(_requests(app, scenario, args.requests, None))
    profiler.disable()
    print(f"{args.requests} requests of {scenario.name!r} to {args.slug} (times are cProfile's, inflated):")
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()

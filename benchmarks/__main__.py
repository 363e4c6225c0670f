"""``make bench`` / ``make bench-e2e``: run every framework in its own process(es), print and save the tables.

    python -m benchmarks                      # in-process: ASGI calls, no server (framework overhead alone)
    python -m benchmarks --e2e                # end-to-end: one uvicorn worker per app + wrk / bundled client
    python -m benchmarks -f microdj -f falcon -s plaintext   # a subset (printed, not saved unless --save)

Results go to ``benchmarks/results/{inprocess,e2e}.{json,md,png}``.
"""

from __future__ import annotations

import argparse
import sys
import time

from benchmarks import e2e, inprocess, report
from benchmarks.apps import BY_SLUG, FRAMEWORKS
from benchmarks.scenarios import SCENARIOS, VARIANTS


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _how(args: argparse.Namespace) -> str:
    if not args.e2e:
        return (
            "In-process: the ASGI app is called directly with a prepared scope (no server, no sockets), one "
            "request at a time, in one worker process per framework and route-table/middleware variant, all "
            f"pinned to one CPU. {args.passes} passes, each of fresh processes; per pass and scenario, a "
            f"checked warm-up round per framework, then {args.slices} rounds of "
            f"{inprocess.SLICE_SECONDS:g} s taken by the frameworks in turn; the median round is kept. "
            "Command: `python -m benchmarks` (`make bench`)."
        )
    server_cpu, client_cpu = e2e.cpus()
    pinning = (
        f"server on CPU {server_cpu}, load generator on CPU {client_cpu}"
        if server_cpu is not None
        else "unpinned"
    )
    return (
        "End-to-end: one uvicorn worker per app (uvloop, httptools, log level warning, no access log) on "
        f"127.0.0.1; load generator: {e2e.client_name(args.client)}, {args.connections} keep-alive "
        f"connections; all apps of a variant served at once, per scenario {args.warmup} s warm-up each, "
        f"then {args.rounds} interleaved rounds of {args.duration} s per app, best kept; {pinning}. "
        "Command: `python -m benchmarks --e2e` (`make bench-e2e`)."
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--e2e", action="store_true", help="end-to-end under uvicorn instead of in-process")
    parser.add_argument("-f", "--framework", action="append", choices=list(BY_SLUG), help="repeatable")
    parser.add_argument(
        "-s", "--scenario", action="append", choices=[s.name for s in SCENARIOS], metavar="NAME"
    )
    parser.add_argument("--save", action="store_true", help="save results even for a subset")
    parser.add_argument(
        "--client", choices=["auto", "wrk", "asyncio"], default="auto", help="e2e load generator"
    )
    parser.add_argument("--duration", type=int, default=e2e.DURATION, help="e2e seconds per scenario")
    parser.add_argument("--warmup", type=int, default=e2e.WARMUP, help="e2e warm-up seconds per scenario")
    parser.add_argument("--rounds", type=int, default=e2e.ROUNDS, help="e2e runs per scenario (best kept)")
    parser.add_argument("--connections", type=int, default=e2e.CONNECTIONS, help="e2e connections")
    parser.add_argument("--passes", type=int, default=inprocess.PASSES, help="in-process passes")
    parser.add_argument("--slices", type=int, default=inprocess.SLICES, help="in-process rounds per pass")
    args = parser.parse_args(argv)

    frameworks = [f for f in FRAMEWORKS if not args.framework or f.slug in args.framework]
    scenarios = [s for s in SCENARIOS if not args.scenario or s.name in args.scenario]
    problems: list[str] = []
    missing = [
        f"{f.name}: not installed (`pip install -e '.[bench]'`)" for f in frameworks if not f.installed
    ]
    for line in missing:
        _log(f"skip {line}")
    frameworks = [f for f in frameworks if f.installed]
    rates: dict[str, dict[str, float]] = {f.name: {} for f in frameworks}
    started = time.monotonic()
    variants = [(v, [s for s in scenarios if s.variant == v]) for v in VARIANTS]
    variants = [(v, chosen) for v, chosen in variants if chosen]
    if args.e2e:  # all frameworks of a variant served at once, measured in interleaved rounds
        for variant, chosen in variants:
            _log(f"[{time.monotonic() - started:5.0f} s] variant {variant or 'base'!r}")
            found, trouble = e2e.measure(
                frameworks,
                variant,
                chosen,
                client=args.client,
                duration=args.duration,
                warmup=args.warmup,
                rounds=args.rounds,
                connections=args.connections,
            )
            problems += trouble
            for name, values in found.items():
                rates[name].update(values)
    else:
        # Every framework's workers run on one CPU: its event loop and any worker threads (sync views) share
        # it, as in a server pinned to a core, and cross-CPU wake-ups (slow on virtual machines) are avoided.
        _log(f"{len(frameworks)} frameworks x {len(variants)} variants, {args.passes} passes")
        found, problems = inprocess.measure(
            [(f.name, f.slug) for f in frameworks],
            scenarios,
            cpu=e2e.cpus()[0],
            passes=args.passes,
            slices=args.slices,
            log=_log,
        )
        for name, values in found.items():
            rates[name].update(values)
    _log(f"done in {time.monotonic() - started:.0f} s")

    settings = (
        {
            "client": e2e.client_name(args.client),
            "connections": args.connections,
            "duration": args.duration,
            "rounds": args.rounds,
            "warmup": args.warmup,
        }
        if args.e2e
        else {"passes": args.passes, "rounds_per_pass": args.slices, "round_seconds": inprocess.SLICE_SECONDS}
    )
    data = report.record("e2e" if args.e2e else "inprocess", rates, _how(args), settings, missing + problems)
    print(report.markdown(data))
    if args.save or (args.framework is None and args.scenario is None):
        _log(f"saved {report.save(data)} (+ .json, .png)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Instructions per request, counted by callgrind: a measure that noise on a shared machine cannot move.

    python -m benchmarks.instructions SLUG SCENARIO [--low 500] [--high 2500]

Runs the app in-process twice under callgrind (``PYTHONHASHSEED=0``, address randomisation off), once with
``--low`` and once with ``--high`` requests after the same warm-up, and prints the difference divided by the
difference in requests: start-up and warm-up cancel out. Compare two checkouts with the same command; a change
of well under 1% is noise from the interpreter's caches.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.apps import BY_SLUG
from benchmarks.scenarios import BY_NAME

_TOTALS = re.compile(rb"^(?:summary|totals):\s+(\d+)", re.MULTILINE)


def _child(slug: str, scenario_name: str, count: int) -> None:
    from benchmarks.inprocess import check
    from benchmarks.profiling import _requests

    scenario = BY_NAME[scenario_name]
    app = BY_SLUG[slug].build(scenario.variant)
    problem = asyncio.run(check(app, scenario))
    if problem:
        raise SystemExit(problem)
    asyncio.run(_requests(app, scenario, 300, None))  # warm-up: caches, specialised bytecode
    asyncio.run(_requests(app, scenario, count, None))


def count(slug: str, scenario: str, requests: int) -> int:
    """Total instructions of one run of ``requests`` requests (after the warm-up), under callgrind."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        command = [
            valgrind,
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-m",
            "benchmarks.instructions",
            "--child",
            slug,
            scenario,
            str(requests),
        ]
        if shutil.which("setarch"):
            command = ["setarch", platform.machine(), "-R", *command]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        found = _TOTALS.search(out.read_bytes())
        if found is None:
            raise SystemExit(f"no totals in {out}")
        return int(found.group(1))


def per_request(slug: str, scenario: str, low: int = 500, high: int = 2500) -> float:
    """Instructions per request: the difference of two runs over the difference of their request counts."""
    return (count(slug, scenario, high) - count(slug, scenario, low)) / (high - low)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.instructions")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("slug", choices=sorted(BY_SLUG))
    parser.add_argument("scenario", choices=sorted(BY_NAME), metavar="SCENARIO")
    parser.add_argument("requests", type=int, nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("--low", type=int, default=500)
    parser.add_argument("--high", type=int, default=2500)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.slug, args.scenario, args.requests)
        return
    result = per_request(args.slug, args.scenario, args.low, args.high)
    print(f"{args.slug} {args.scenario}: {result:,.0f} instructions per request")


if __name__ == "__main__":
    main()

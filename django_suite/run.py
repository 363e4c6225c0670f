"""Run Django's own tests of the modules microdj mirrors, against microdj and against Django.

``make django-suite`` (or ``python -m django_suite.run [UNIT ...] [--target microdj|django] [-v]``).
Django's test sources come from its sdist, downloaded once into ``.cache/django-src`` (gitignored). Each
unit runs in a child process per target, bounded in time and memory, so a hang or a runaway URLconf costs
one unit, not the run. Printed: per unit, passed / failed / errors / skipped of the applicable tests
(those not excluded as out of scope, see exclusions.py, and not skipped by Django itself), for both targets.
Django must pass every applicable test it runs: that is what shows the shim is sound.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tarfile
from collections import Counter
from pathlib import Path

from django_suite.scope import UNITS

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "django-src"
REQUIREMENT = "django>=5.2,<6"
UNIT_TIMEOUT = 300.0  # seconds for one unit on one target
MEMORY_LIMIT = 1536 * 1024 * 1024  # bytes of address space for one unit's process
TARGETS = ("django", "microdj")


def installed_django_version() -> str:
    from importlib.metadata import version

    return version("django")


def django_tests_dir() -> Path:
    """Django's ``tests`` folder of the installed version's sdist, downloading and unpacking it once."""
    version = installed_django_version()
    tests = CACHE / f"django-{version}" / "tests"
    if tests.is_dir():
        return tests
    CACHE.mkdir(parents=True, exist_ok=True)
    archive = CACHE / f"django-{version}.tar.gz"
    if not archive.exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-binary",
                ":all:",
                "--no-deps",
                f"django=={version}",
                "-d",
                str(CACHE),
            ],
            check=True,
        )
    prefix = f"django-{version}/tests/"
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if m.name.startswith(prefix)]
        tar.extractall(CACHE, members=members, filter="data")
    return tests


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_unit_saved(out: Path) -> dict[str, tuple[str, str]]:
    """The results a previous run left in ``out``."""
    results: dict[str, tuple[str, str]] = {}
    if out.exists():
        for line in out.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            results[entry["id"]] = (entry["outcome"], entry["detail"])
    return results


def run_unit(target: str, unit: str, tests: Path, out: Path) -> dict[str, tuple[str, str]]:
    """Run ``unit`` on ``target`` in a child process; test id -> (outcome, detail)."""
    out.unlink(missing_ok=True)
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("MICRODJ_SETTINGS_MODULE", None)
    cmd = [sys.executable, "-m", "django_suite.worker", target, unit, str(tests), str(out)]
    problem = ""
    try:
        proc = subprocess.run(
            cmd,
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=UNIT_TIMEOUT,
            preexec_fn=_limit_memory,
        )
        if proc.returncode != 0:
            problem = f"worker exited with {proc.returncode}: {proc.stderr[-2000:]}"
    except subprocess.TimeoutExpired:
        problem = f"unit timed out after {UNIT_TIMEOUT:.0f} s"
    results = run_unit_saved(out)
    for test_id, (outcome, _) in list(results.items()):
        if outcome == "started":  # the worker died or hung inside this test
            results[test_id] = ("error", problem or "the test never finished")
    if problem:
        results[f"{unit} (worker)"] = ("error", problem)
    return results


def tally(
    reference: dict[str, tuple[str, str]], results: dict[str, tuple[str, str]]
) -> tuple[Counter[str], list[tuple[str, str, str]]]:
    """Counts of ``results`` over the tests applicable per ``reference`` (Django's run), and the problems."""
    counts: Counter[str] = Counter()
    problems = []
    applicable = [t for t, (o, _) in reference.items() if o not in ("excluded", "skipped") and "(" not in t]
    for test_id in applicable:
        outcome, detail = results.get(test_id, ("error", ""))
        if test_id not in results:
            fixture = [(t, d) for t, (o, d) in results.items() if "(" in t and o == "error"]
            detail = "\n".join(f"{t}: {d}" for t, d in fixture) or "not run"
        counts[outcome] += 1
        if outcome in ("failed", "error"):
            problems.append((test_id, outcome, detail))
    counts["applicable"] = len(applicable)
    counts["excluded"] = sum(1 for o, _ in reference.values() if o == "excluded")
    counts["django-skipped"] = sum(1 for o, _ in reference.values() if o == "skipped")
    for test_id, (outcome, detail) in results.items():
        if "(" in test_id and outcome == "error":
            problems.append((test_id, outcome, detail))
    return counts, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("units", nargs="*", help="units to run (default: all in scope)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="list failures (-vv: with detail)")
    parser.add_argument(
        "--target", choices=TARGETS, help="run only this target (microdj reuses Django's saved results)"
    )
    parser.add_argument("--results", type=Path, default=CACHE / "results", help="folder for raw results")
    args = parser.parse_args(argv)
    units = args.units or list(UNITS)
    unknown = [u for u in units if u not in UNITS]
    if unknown:
        parser.error(f"unknown units: {', '.join(unknown)}")
    tests = django_tests_dir()
    args.results.mkdir(parents=True, exist_ok=True)
    columns = f"{'microdj pass/fail/err/skip':>27} | {'Django pass/fail/err/skip':>26}"
    header = f"{'unit':<24}{'applicable':>11} | {columns}"
    rows = [header, "-" * len(header)]
    totals = {t: Counter() for t in TARGETS}
    shim_ok = True
    report = []
    for unit in units:
        raw = {}
        for t in TARGETS:
            out = args.results / f"{t}-{unit}.jsonl"
            if args.target in (None, t) or not out.exists():
                raw[t] = run_unit(t, unit, tests, out)
            else:
                raw[t] = run_unit_saved(out)
        counted = {t: tally(raw["django"], raw[t]) for t in TARGETS}
        cells = []
        for t in TARGETS:
            c = counted[t][0]
            totals[t].update(c)
            cells.append(f"{c['passed']}/{c['failed']}/{c['error']}/{c['skipped']}")
        applicable = counted["django"][0]["applicable"]
        rows.append(f"{unit:<24}{applicable:>11} | {cells[1]:>27} | {cells[0]:>26}")
        print(rows[-1], flush=True)
        if counted["django"][1]:
            shim_ok = False
        for t in TARGETS:
            for test_id, outcome, detail in counted[t][1]:
                report.append((t, test_id, outcome, detail))
    rows.append("-" * len(header))
    cells = [
        f"{totals[t]['passed']}/{totals[t]['failed']}/{totals[t]['error']}/{totals[t]['skipped']}"
        for t in TARGETS
    ]
    applicable = totals["django"]["applicable"]
    rows.append(f"{'total':<24}{applicable:>11} | {cells[1]:>27} | {cells[0]:>26}")
    print("\n".join(rows[-2:]))
    print(
        f"excluded as out of scope: {totals['django']['excluded']}; skipped by Django itself: "
        f"{totals['django']['django-skipped']}"
    )
    for t in ("microdj", "django"):
        share = 100.0 * totals[t]["passed"] / applicable if applicable else 0.0
        print(f"{t}: {totals[t]['passed']} of {applicable} applicable tests pass ({share:.1f}%)")
    if args.verbose:
        for t, test_id, outcome, detail in report:
            print(f"\n[{t}] {outcome.upper()}: {test_id}")
            if args.verbose > 1:
                print(detail.rstrip())
    if not shim_ok:
        print("Django itself failed tests through the shim: the shim or the exclusions are wrong.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""benchmarks.bench_cache runs every row (a real redis-server, in its own process) and prints the ratios."""

import os
import subprocess
import sys
from pathlib import Path

from tests.support.redis_server import requires_redis

ROOT = Path(__file__).resolve().parents[2]


@requires_redis
def test_every_row_runs_and_the_ratios_are_printed():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("MICRODJ_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_cache", "--rounds", "1", "--seconds", "0.02"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for row in (
        "microdj: cache_page hit (async view)",
        "django: cache_page hit",
        "django: session read+write",
    ):
        assert f"| {row}" in done.stdout
    assert "x Django's" in done.stdout and "µs per request" in done.stdout

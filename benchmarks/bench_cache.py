"""Page cache and session benchmark on a real Redis: microdj's ``cache_page`` hit against the uncached view
and against Django's ``cache_page`` on the same Redis, and the cost of a Redis session read+write.

    python -m benchmarks.bench_cache                     # starts its own redis-server (or --redis URL)
    python -m benchmarks.bench_cache --rounds 3 --seconds 0.2

Both frameworks run in this one process, called directly with prepared ASGI scopes (no server, no sockets;
the Redis round trips are real, over 127.0.0.1), their rounds taken in turn and the best of each kept.
Scenarios: a small page, uncached; the same page from ``cache_page`` (async and sync view); a view reading
and writing one session value with the cache session engine on Redis, and the same view without sessions
(the difference is the session's cost per request, in microseconds). Ratios within one run are the
figures to read (`make bench-cache`); timings on a shared machine are not.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.inprocess import rate
from benchmarks.scenarios import Scenario

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
BODY = b"<html><body>" + b"<p>cached page</p>" * 50 + b"</body></html>"

# (row, path, framework): the rows of the table, in order.
ROWS = [
    ("uncached view", "/plain", "microdj"),
    ("cache_page hit (async view)", "/cached", "microdj"),
    ("cache_page hit (sync view)", "/cached-sync", "microdj"),
    ("cache_page hit", "/cached", "django"),
    ("no session", "/plain", "microdj"),
    ("session read+write (Redis)", "/session", "microdj"),
    ("session read+write (Redis)", "/session", "django"),
]


def _microdj(url: str) -> tuple[Any, str]:
    """microdj's application (pages at its own key prefix) and a stored session's key."""
    from microdj.conf import settings

    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=["*"],
        SECRET_KEY="benchmark",
        ROOT_URLCONF="benchmarks.apps.cache_apps",
        MIDDLEWARE=["benchmarks.apps.cache_apps.sessions_on_session_paths"],
        SESSION_ENGINE="microdj.contrib.sessions.backends.cache",
        CACHES={
            "default": {
                "BACKEND": "microdj.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "mdj",
            }
        },
    )
    from microdj.asgi import get_asgi_application
    from microdj.contrib.sessions.backends.cache import SessionStore

    session = SessionStore()
    session["n"] = 0
    session.save()
    return get_asgi_application(), str(session.session_key)


def _django(url: str) -> tuple[Any, str]:
    """Django's application on the same Redis (its own key prefix) and a stored session's key."""
    import logging

    from django.conf import settings

    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=["*"],
        SECRET_KEY="benchmark",
        ROOT_URLCONF="benchmarks.apps.cache_apps_django",
        MIDDLEWARE=["benchmarks.apps.cache_apps_django.sessions_on_session_paths"],
        SESSION_ENGINE="django.contrib.sessions.backends.cache",
        INSTALLED_APPS=[],
        DATABASES={},
        USE_TZ=True,
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "dj",
            }
        },
    )
    from django.contrib.sessions.backends.cache import SessionStore
    from django.core.asgi import get_asgi_application

    application = get_asgi_application()
    logging.getLogger("django.request").setLevel(logging.ERROR)
    session = SessionStore()
    session["n"] = 0
    session.save()
    return application, str(session.session_key)


def _scenario(name: str, path: str, session_key: str) -> Scenario:
    headers = ((b"cookie", b"sessionid=" + session_key.encode()),) if path == "/session" else ()
    text = BODY if path != "/session" else None
    return Scenario(name, "GET", path, headers=headers, text=text)


async def _measure(apps: dict[str, tuple[Any, str]], rounds: int, seconds: float) -> dict[str, float]:
    best: dict[str, float] = {}
    for _ in range(rounds):  # rounds interleaved over the rows, so a slow phase lands on all alike
        for name, path, framework in ROWS:
            app, key = apps[framework]
            label = f"{framework}: {name}"
            found = await rate(app, _scenario(label, path, key), rounds=1, seconds=seconds)
            best[label] = max(best.get(label, 0.0), found)
    return best


def table(rates: dict[str, float]) -> str:
    """The results as a Markdown table, with the ratios the benchmark is about."""
    lines = ["| scenario | requests/s |", "| --- | ---: |"]
    lines += [f"| {label} | {value:,.0f} |" for label, value in rates.items()]
    hit = rates["microdj: cache_page hit (async view)"]
    lines.append("")
    lines.append(f"cache_page hit: {hit / rates['django: cache_page hit']:.2f}x Django's, "
                 f"{hit / rates['microdj: uncached view']:.2f}x the uncached view")  # fmt: skip
    overhead = 1e6 / rates["microdj: session read+write (Redis)"] - 1e6 / rates["microdj: no session"]
    lines.append(f"session read+write on Redis: {overhead:.0f} µs per request")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Command-line entry point (see the module docstring); returns the results."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_cache", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--redis", help="a Redis URL (default: start redis-server on a free port)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.5)
    parser.add_argument("--save", action="store_true", help="write benchmarks/results/cache.{json,md}")
    args = parser.parse_args(argv)
    from tests.support.redis_server import RedisServer

    server = None
    url = args.redis
    if url is None:
        server = RedisServer(Path(tempfile.mkdtemp(prefix="bench-redis-")))
        server.start()
        url = server.url
    try:
        apps = {"microdj": _microdj(url), "django": _django(url)}
        rates = asyncio.run(_measure(apps, args.rounds, args.seconds))
    finally:
        if server is not None:
            server.stop()
    text = table(rates)
    print(text)
    results = {"rates": rates, "rounds": args.rounds, "seconds": args.seconds}
    if args.save:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "cache.json").write_text(json.dumps(results, indent=2) + "\n")
        (RESULTS / "cache.md").write_text(text + "\n")
    return results


if __name__ == "__main__":
    main()

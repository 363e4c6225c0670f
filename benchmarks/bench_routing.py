"""URL routing micro-benchmark: microseconds per ``resolve()`` with 10 and 1,000 routes.

Run with ``python -m benchmarks.bench_routing`` (or ``python benchmarks/bench_routing.py``). For each table
size it times a static route, a two-parameter dynamic route at the end of the table, and a miss. Not a test.
"""

from __future__ import annotations

import functools
import sys
import timeit
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from microdj.conf import settings  # noqa: E402
from microdj.urls import Resolver404, get_resolver, path  # noqa: E402


def view(request: object, **kwargs: object) -> None:
    """A view that is never called."""


class URLconf:
    """An URLconf object (hashable, so get_resolver() caches it like a module)."""

    def __init__(self, urlpatterns: list) -> None:
        self.urlpatterns = urlpatterns


def urlconf(size: int) -> URLconf:
    """An URLconf of ``size`` routes: half static, half with two parameters (int and slug)."""
    patterns = []
    for i in range(size // 2):
        patterns.append(path(f"static{i}/page/", view, name=f"static-{i}"))
        patterns.append(path(f"items{i}/<int:pk>/<slug:slug>/", view, name=f"item-{i}"))
    return URLconf(patterns)


def per_call(func: object, number: int) -> float:
    """Best-of-five microseconds per call of ``func``."""
    return min(timeit.repeat(func, number=number, repeat=5)) / number * 1e6  # type: ignore[arg-type]


def miss(resolve: object, path_info: str) -> None:
    try:
        resolve(path_info)  # type: ignore[operator]
    except Resolver404:
        pass


def main() -> None:
    if not settings.configured:
        settings.configure()
    number = 20000
    print(f"{'routes':>7} {'static (us)':>12} {'dynamic, last (us)':>19} {'miss (us)':>10}")
    for size in (10, 1000):
        resolve = get_resolver(urlconf(size)).resolve
        last = size // 2 - 1
        static_path = f"/static{last}/page/"
        dynamic_path = f"/items{last}/42/hello-world/"
        assert resolve(dynamic_path).kwargs == {"pk": 42, "slug": "hello-world"}
        static = per_call(functools.partial(resolve, static_path), number)
        dynamic = per_call(functools.partial(resolve, dynamic_path), number)
        missed = per_call(functools.partial(miss, resolve, "/no/such/page/"), number)
        print(f"{size:>7} {static:>12.2f} {dynamic:>19.2f} {missed:>10.2f}")


if __name__ == "__main__":
    main()

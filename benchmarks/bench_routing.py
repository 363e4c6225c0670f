"""URL routing micro-benchmark: microseconds per ``resolve()`` with 10 and 1,000 routes.

Run with ``python -m benchmarks.bench_routing`` (or ``python benchmarks/bench_routing.py``). For each table
size it times a static route, a two-parameter dynamic route at the end of the table, and a miss, in
interleaved rounds. Not a test.
"""

from __future__ import annotations

import functools
import sys
import timeit
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from microdj.conf import settings
from microdj.urls import Resolver404, get_resolver, path

SIZES = (10, 1000)


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


def miss(resolve: object, path_info: str) -> None:
    try:
        resolve(path_info)  # type: ignore[operator]
    except Resolver404:
        pass


def cases(size: int) -> list[Callable[[], object]]:
    """The static, dynamic (last in the table) and missing-path resolves for a table of ``size`` routes."""
    resolve = get_resolver(urlconf(size)).resolve
    last = size // 2 - 1
    dynamic_path = f"/items{last}/42/hello-world/"
    assert resolve(dynamic_path).kwargs == {"pk": 42, "slug": "hello-world"}
    return [
        functools.partial(resolve, f"/static{last}/page/"),
        functools.partial(resolve, dynamic_path),
        functools.partial(miss, resolve, "/no/such/page/"),
    ]


def measure(sizes: tuple[int, ...] = SIZES, number: int = 20000, rounds: int = 5) -> dict[int, list[float]]:
    """Microseconds per call for each size and case: the best of ``rounds`` rounds, each of which times
    every size and case in turn, so that a slow phase of a shared machine lands on all of them alike."""
    table = {size: cases(size) for size in sizes}
    best = {size: [float("inf")] * len(funcs) for size, funcs in table.items()}
    for _ in range(rounds):
        for size, funcs in table.items():
            for i, func in enumerate(funcs):
                seconds = timeit.timeit(func, number=number)
                best[size][i] = min(best[size][i], seconds / number * 1e6)
    return best


def main(sizes: tuple[int, ...] = SIZES, number: int = 20000, rounds: int = 5) -> None:
    """Print the table of times per call."""
    if not settings.configured:
        settings.configure()
    print(f"{'routes':>7} {'static (us)':>12} {'dynamic, last (us)':>19} {'miss (us)':>10}")
    for size, (static, dynamic, missed) in measure(sizes, number, rounds).items():
        print(f"{size:>7} {static:>12.2f} {dynamic:>19.2f} {missed:>10.2f}")


if __name__ == "__main__":
    main()

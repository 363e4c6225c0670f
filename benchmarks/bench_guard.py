"""The cost of the blocking-call guard: async-view plaintext with the guard off and on, in one process.

    python -m benchmarks.bench_guard

Issue 4's expectation: with the guard on, throughput stays at or above 0.9x the guard-off rate.
"""

from __future__ import annotations

import asyncio

from microdj.conf import settings

if not settings.configured:
    settings.configure(DEBUG=False, ALLOWED_HOSTS=["*"], ROOT_URLCONF="benchmarks.bench_guard")

from benchmarks.inprocess import rate
from benchmarks.scenarios import BY_NAME, PLAINTEXT
from microdj.asgi import get_asgi_application
from microdj.http import HttpResponse
from microdj.urls import path


async def plaintext(request):
    return HttpResponse(b"Hello, world!", content_type="text/plain")


urlpatterns = [path("plaintext", plaintext)]


async def main() -> None:
    scenario = BY_NAME[PLAINTEXT]
    off = get_asgi_application(async_safety="off")
    on = get_asgi_application(async_safety="raise")
    rates = {"off": 0.0, "on": 0.0}
    # Interleaved rounds, best kept, so that machine noise hits both alike.
    for _ in range(3):
        rates["off"] = max(rates["off"], await rate(off, scenario, rounds=2))
        rates["on"] = max(rates["on"], await rate(on, scenario, rounds=2))
    print("| guard | async plaintext (req/s) | ratio to off |")
    print("|---|---:|---:|")
    for name, value in rates.items():
        print(f"| {name} | {value:,.0f} | {value / rates['off']:.2f}x |")


if __name__ == "__main__":
    asyncio.run(main())

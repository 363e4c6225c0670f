"""``current_task(loop)``: the asyncio task running on ``loop``, as cheaply as this Python allows."""

from __future__ import annotations

import asyncio
import sys

__all__ = ["current_task"]

if sys.version_info < (3, 12):  # pragma: no branch
    # PERF: 3.11's asyncio.current_task() is pure Python (~170 ns); the lookup it does is one dict get.
    current_task = asyncio.tasks._current_tasks.get  # type: ignore[attr-defined]
else:  # pragma: no cover - C-accelerated since 3.12
    current_task = asyncio.current_task

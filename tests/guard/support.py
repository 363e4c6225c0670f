"""Helpers shared by the guard's tests."""

from __future__ import annotations

import asyncio
import time

from microdj.guard import user_code

LABEL = "tests.views.index (url name 'index')"
MISSING = object()
ORIGINAL_SLEEP = time.sleep


def sleep_in_async_code(label: str = LABEL) -> None:
    """Sleep in async code marked as user code labelled ``label``."""

    async def view() -> None:
        with user_code(label):
            time.sleep(0.001)

    asyncio.run(view())

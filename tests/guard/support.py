"""Helpers shared by the guard's tests."""

from __future__ import annotations

import asyncio
import http.server
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def run_guarded(func: Callable[[], Any]) -> Any:
    """Run ``func`` as user async code on a loop; return its result."""

    async def view() -> Any:
        with user_code(LABEL):
            return func()

    return asyncio.run(view())


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Resources:
    tcp: tuple[str, int]
    http_port: int
    url: str
    file: Path

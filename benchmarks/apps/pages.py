"""What the page scenarios share across frameworks: the template page's context and the static files.

The page is ``templates/bench_page.html``: 10 variables and a loop of 20 rows, rendered by each framework's
own Jinja2 integration. The static files (16 KiB and 1 MiB) are written once per process into a temporary
folder, removed at exit.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from functools import cache
from typing import Any

TEMPLATE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
TEMPLATE = "bench_page.html"
STATIC_FILES = {"bench16k.bin": 16 * 1024, "bench1m.bin": 1024 * 1024}


def page_context() -> dict[str, Any]:
    """The page's 10 variables (``rows`` is the loop of 20)."""
    rows = [{"name": f"item {i} <b>", "price": i * 3} for i in range(20)]
    letters = {k: f"{k}-value" for k in "abcdef"}
    return {
        "title": "Price list",
        "intro": "Today's prices",
        "author": "A & B",
        "day": "Monday",
        "rows": rows,
        **letters,
    }


@cache
def static_root() -> str:
    """A folder holding the static files, made on first use."""
    root = tempfile.mkdtemp(prefix="microdj-bench-static-")
    atexit.register(shutil.rmtree, root, True)
    for name, size in STATIC_FILES.items():
        with open(os.path.join(root, name), "wb") as file:
            file.write((bytes(range(256)) * (size // 256 + 1))[:size])
    return root

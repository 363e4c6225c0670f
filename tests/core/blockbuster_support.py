"""blockbuster around microdj's own code, for tests proving the framework never blocks the event loop.

``framework_blockbuster()`` activates blockbuster (https://github.com/cbornet/blockbuster) with microdj as
the scanned package: a blocking call (``time.sleep``, file and socket I/O, ``os.stat``/``os.unlink``, a
contended ``threading.Lock.acquire``, ...) made on a thread that runs an event loop while a microdj frame is
on the stack raises ``blockbuster.BlockingError``. Worker threads (sync views) have no running loop and are
not checked. The test is skipped when blockbuster is not installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest


@contextmanager
def framework_blockbuster() -> Iterator[Any]:
    """Activate blockbuster for the microdj package for the duration of the block; yield it."""
    blockbuster = pytest.importorskip("blockbuster")
    with blockbuster.blockbuster_ctx(["microdj"]) as active:
        yield active

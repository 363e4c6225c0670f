"""Fixtures shared by the blocking-call guard tests (test_asyncio.py, test_blocking.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from microdj.utils.asyncio import install, uninstall


@pytest.fixture
def guard() -> Iterator[None]:
    """The guard installed in "raise" mode for the test, uninstalled afterwards."""
    install("raise")
    try:
        yield
    finally:
        uninstall()

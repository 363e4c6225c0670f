"""Fixtures shared by the blocking-call guard tests."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from microdj.guard import install, is_installed, uninstall

# The test client installs the guard for the whole process; these tests start from the originals.
_GUARD_WAS_INSTALLED = is_installed()
uninstall()
ORIGINAL_SLEEP = time.sleep


@pytest.fixture(autouse=True)
def _nothing_left_installed() -> Iterator[None]:
    was_installed = is_installed()
    uninstall()
    yield
    assert not is_installed()
    assert time.sleep is ORIGINAL_SLEEP
    if was_installed or _GUARD_WAS_INSTALLED:
        install("raise")


@pytest.fixture
def guard() -> Iterator[None]:
    """The guard installed in "raise" mode for the test, uninstalled afterwards."""
    install("raise")
    try:
        yield
    finally:
        uninstall()

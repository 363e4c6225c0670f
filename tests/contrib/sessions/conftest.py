"""Fixtures of the session tests."""

import pytest

from tests.support.sessions import MemoryStore


@pytest.fixture(autouse=True)
def empty_memory_store():
    MemoryStore.data = {}

"""Fixtures for the command-line tests: a fresh command list, the sample project's settings module."""

import pytest

from microdj.conf import settings
from microdj.core.management import get_commands

PROJECT_SETTINGS = "tests.core.management.project.settings"


@pytest.fixture(autouse=True)
def fresh_commands():
    get_commands.cache_clear()
    yield
    get_commands.cache_clear()


@pytest.fixture
def project(monkeypatch, override):
    """The sample project: its settings module's package has management/commands, COMMANDS lists more."""
    monkeypatch.setattr(settings, "SETTINGS_MODULE", PROJECT_SETTINGS)
    override(COMMANDS=["tests.core.management.extra_commands", "tests.core.management.single_command"])
    get_commands.cache_clear()

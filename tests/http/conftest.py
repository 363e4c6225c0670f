"""Fixtures of the microdj.http tests."""

import pytest

from microdj.conf import settings


@pytest.fixture
def upload_dir(tmp_path, monkeypatch):
    """A private FILE_UPLOAD_TEMP_DIR, so tests can see every temporary file."""
    directory = tmp_path / "uploads"
    directory.mkdir()
    monkeypatch.setattr(settings, "FILE_UPLOAD_TEMP_DIR", str(directory))
    return directory

"""Static file trees in tmp_path: a source folder (STATICFILES_DIRS) and a STATIC_ROOT."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from microdj.test import override_settings

CSS = "body { background: url('../img/dot.png') } @import 'extra.css';\n" + "p { color: #333 }\n" * 40
JS = "console.log('hello');\n" * 30


@pytest.fixture
def tree(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Source files, an outside secret and a symlink to it, and settings pointing at them."""
    source = tmp_path / "assets"
    (source / "css").mkdir(parents=True)
    (source / "img").mkdir()
    (source / "js").mkdir()
    (source / "css" / "site.css").write_text(CSS)
    (source / "css" / "extra.css").write_text("h1 { font-weight: 700 }\n")
    (source / "img" / "dot.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (source / "js" / "app.js").write_text(JS)
    (source / "data.bin").write_bytes(bytes(range(256)) * 64)  # 16 KiB
    (source / ".hidden").write_text("ignored")
    (source / "notes.txt~").write_text("ignored")
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    os.symlink(secret, source / "link.txt")
    root = tmp_path / "collected"
    with override_settings(
        STATIC_URL="/static/",
        STATIC_ROOT=str(root),
        STATICFILES_DIRS=[str(source)],
        STORAGES={"staticfiles": {"BACKEND": "microdj.contrib.staticfiles.storage.StaticFilesStorage"}},
        DEBUG=False,
        STATIC_MAX_AGE=None,
    ):
        yield {"source": source, "root": root, "secret": secret, "tmp": tmp_path}


MANIFEST = {"staticfiles": {"BACKEND": "microdj.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}

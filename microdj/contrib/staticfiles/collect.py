"""``collectstatic()``: copy ``STATICFILES_DIRS`` into ``STATIC_ROOT``, hash names, pre-compress.

With ``ManifestStaticFilesStorage`` each file also gets a content-hashed copy (``app.3f2a1c9b04e1.css``),
the ``url()``/``@import`` references inside CSS files pointing at the hashed names, and the mapping is
written to ``staticfiles.json``. Text files (CSS, JS, SVG, JSON, ...) get a ``.gz`` twin (and ``.br`` when
the ``brotli`` package is installed) when that saves space; the server picks one by ``Accept-Encoding``.
"""

from __future__ import annotations

import gzip
import os
import posixpath
import re
import shutil
from dataclasses import dataclass, field
from typing import Any

from microdj.contrib.staticfiles.finders import FileSystemFinder
from microdj.contrib.staticfiles.storage import ManifestStaticFilesStorage, hashed_name, staticfiles_storage
from microdj.contrib.staticfiles.utils import IGNORE_PATTERNS

__all__ = ["COMPRESSIBLE", "CollectResult", "collectstatic"]

#: Extensions worth compressing (already-compressed formats such as images and fonts are not).
COMPRESSIBLE = frozenset(
    {".css", ".js", ".mjs", ".map", ".json", ".svg", ".html", ".htm", ".txt", ".xml", ".ico", ".wasm", ".md"}
)
MIN_COMPRESS_SIZE = 200
_CSS_REFERENCE = re.compile(
    r"""(?P<all>url\(\s*(?P<quote>['"]?)(?P<url>[^'")]+?)(?P=quote)\s*\))"""
    r"""|(?P<import>@import\s*(?P<iquote>['"])(?P<iurl>[^'"]+)(?P=iquote))""",
    re.IGNORECASE,
)


@dataclass
class CollectResult:
    """What ``collectstatic()`` did; names are relative to ``root``."""

    root: str
    copied: list[str] = field(default_factory=list)
    unmodified: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    #: original name -> hashed name (ManifestStaticFilesStorage only).
    hashed: dict[str, str] = field(default_factory=dict)
    #: compressed files written (``name.gz``, ``name.br``).
    compressed: list[str] = field(default_factory=list)
    manifest: str | None = None
    dry_run: bool = False

    def summary(self) -> str:
        """One line, as ``collectstatic`` prints it."""
        verb = "would be" if self.dry_run else ""
        parts = [f"{len(self.copied)} static files {verb} copied to '{self.root}'".replace("  ", " ")]
        if self.unmodified:
            parts.append(f"{len(self.unmodified)} unmodified")
        if self.hashed:
            parts.append(f"{len(self.hashed)} post-processed")
        if self.compressed:
            parts.append(f"{len(self.compressed)} compressed")
        return ", ".join(parts) + "."


def _brotli() -> Any:
    try:
        import brotli  # type: ignore[import-not-found]
    except ImportError:
        return None
    return brotli


def collectstatic(
    *,
    clear: bool = False,
    dry_run: bool = False,
    compress: bool = True,
    ignore_patterns: tuple[str, ...] = IGNORE_PATTERNS,
    storage: Any = None,
) -> CollectResult:
    """Collect every file of ``STATICFILES_DIRS`` into the storage's folder (``STATIC_ROOT``).

    A file whose copy is as recent and as large is left alone. ``clear`` first deletes what the folder
    holds; ``dry_run`` only reports. Returns what was (or would be) done.
    """
    storage = staticfiles_storage if storage is None else storage
    root = storage.location
    result = CollectResult(root=root, dry_run=dry_run)
    if clear and os.path.isdir(root):
        for directory, _subdirs, files in os.walk(root, topdown=False):
            for filename in files:
                path = os.path.join(directory, filename)
                result.deleted.append(os.path.relpath(path, root).replace(os.sep, "/"))
                if not dry_run:
                    os.remove(path)
            if not dry_run and directory != root:
                os.rmdir(directory)
    found = list(FileSystemFinder().list(ignore_patterns))
    for name, source in found:
        target = storage.path(name)
        if _unchanged(source, target) and not clear:
            result.unmodified.append(name)
            continue
        result.copied.append(name)
        if not dry_run:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(source, target)
    if dry_run:
        return result
    served = [name for name, _ in found]
    if callable(getattr(storage, "save_manifest", None)):  # ManifestStaticFilesStorage and subclasses
        result.hashed = _hash_files(storage, served)
        result.manifest = storage.save_manifest(result.hashed)
        served += [hashed for name, hashed in result.hashed.items() if hashed != name]
    if compress:
        result.compressed = _compress(storage, served)
    return result


def _unchanged(source: str, target: str) -> bool:
    try:
        have, want = os.stat(target), os.stat(source)
    except OSError:
        return False
    return have.st_size == want.st_size and int(have.st_mtime) >= int(want.st_mtime)


def _hash_files(storage: ManifestStaticFilesStorage, names: list[str]) -> dict[str, str]:
    """Write the hashed copies: other files first, then CSS (its references rewritten), in passes."""
    paths: dict[str, str] = {}
    css = [name for name in names if name.endswith(".css")]
    for name in names:
        if name not in css:
            with open(storage.path(name), "rb") as file:
                paths[name] = _write_hashed(storage, name, file.read())
    # A stylesheet importing another needs that one's final name: repeat until no name changes.
    for _ in range(5):
        changed = False
        for name in css:
            with open(storage.path(name), encoding="utf-8", errors="surrogateescape") as file:
                text = _rewrite_css(name, file.read(), paths)
            new = _write_hashed(storage, name, text.encode("utf-8", "surrogateescape"))
            if paths.get(name) != new:
                changed = True
                paths[name] = new
        if not changed:
            break
    return paths


def _write_hashed(storage: ManifestStaticFilesStorage, name: str, content: bytes) -> str:
    hashed = hashed_name(name, content)
    target = storage.path(hashed)
    if not os.path.exists(target):
        with open(target, "wb") as file:
            file.write(content)
    return hashed


def _rewrite_css(name: str, text: str, paths: dict[str, str]) -> str:
    """``text`` with each relative ``url()``/``@import`` target replaced by its hashed name."""
    base = posixpath.dirname(name)

    def replace(match: re.Match[str]) -> str:
        url = match.group("url") or match.group("iurl")
        if url.startswith(("#", "data:", "http:", "https:", "//", "/")) or ":" in url.split("/")[0]:
            return match.group(0)
        path, sep, rest = url.partition("?") if "?" in url else url.partition("#")
        target = posixpath.normpath(posixpath.join(base, path))
        hashed = paths.get(target)
        if hashed is None:
            return match.group(0)
        relative = posixpath.relpath(hashed, base or ".")
        new_url = relative + sep + rest
        if match.group("import"):
            quote = match.group("iquote")
            return f"@import {quote}{new_url}{quote}"
        quote = match.group("quote")
        return f"url({quote}{new_url}{quote})"

    return _CSS_REFERENCE.sub(replace, text)


def _compress(storage: Any, names: list[str]) -> list[str]:
    brotli = _brotli()
    written = []
    for name in names:
        if posixpath.splitext(name)[1].lower() not in COMPRESSIBLE:
            continue
        path = storage.path(name)
        with open(path, "rb") as file:
            content = file.read()
        if len(content) < MIN_COMPRESS_SIZE:
            continue
        variants = [(".gz", gzip.compress(content, compresslevel=9, mtime=0))]
        if brotli is not None:
            variants.append((".br", brotli.compress(content)))
        for suffix, packed in variants:
            # Only worth serving when it saves at least 5%.
            if len(packed) < len(content) * 0.95:
                with open(path + suffix, "wb") as file:
                    file.write(packed)
                shutil.copystat(path, path + suffix)
                written.append(name + suffix)
    return written

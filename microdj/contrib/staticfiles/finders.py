"""Finding static files in ``STATICFILES_DIRS`` (paths, or ``(prefix, path)`` pairs), first match wins."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence

from microdj.conf import settings
from microdj.contrib.staticfiles.utils import IGNORE_PATTERNS, clean_name, inside
from microdj.core.exceptions import ImproperlyConfigured

__all__ = ["FileSystemFinder", "find", "get_finder"]


class FileSystemFinder:
    """The files of the ``STATICFILES_DIRS`` folders (or of ``dirs`` when given)."""

    def __init__(self, dirs: Sequence[str | tuple[str, str]] | None = None) -> None:
        self.locations: list[tuple[str, str]] = []
        for entry in settings.STATICFILES_DIRS if dirs is None else dirs:
            prefix, root = entry if isinstance(entry, list | tuple) else ("", entry)
            prefix = str(prefix).strip("/")
            root = os.fspath(root)
            static_root = settings.STATIC_ROOT
            if static_root and os.path.abspath(root) == os.path.abspath(static_root):
                raise ImproperlyConfigured(
                    "The STATICFILES_DIRS setting should not contain the STATIC_ROOT setting."
                )
            self.locations.append((prefix, os.path.abspath(root)))

    def find(self, name: str) -> str | None:
        """The absolute path of the file served as ``name``, or None (refused names are never found)."""
        safe = clean_name(name)
        if safe is None:
            return None
        for prefix, root in self.locations:
            relative = safe
            if prefix:
                if not safe.startswith(prefix + "/"):
                    continue
                relative = safe[len(prefix) + 1 :]
            path = os.path.join(root, *relative.split("/"))
            if os.path.isfile(path) and inside(root, path):
                return path
        return None

    def list(self, ignore_patterns: Sequence[str] = IGNORE_PATTERNS) -> Iterator[tuple[str, str]]:
        """Every ``(name, absolute path)``, the first folder's file winning a name found twice."""
        seen: set[str] = set()
        for prefix, root in self.locations:
            for directory, subdirs, files in os.walk(root):
                subdirs[:] = sorted(d for d in subdirs if not _ignored(d, ignore_patterns))
                for filename in sorted(files):
                    if _ignored(filename, ignore_patterns):
                        continue
                    path = os.path.join(directory, filename)
                    if not inside(root, path):
                        continue
                    relative = os.path.relpath(path, root).replace(os.sep, "/")
                    name = f"{prefix}/{relative}" if prefix else relative
                    if name not in seen:
                        seen.add(name)
                        yield name, path


def _ignored(name: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def get_finder() -> FileSystemFinder:
    """The finder over ``STATICFILES_DIRS``."""
    return FileSystemFinder()


def find(name: str) -> str | None:
    """The absolute path of static file ``name`` in ``STATICFILES_DIRS``, or None."""
    return get_finder().find(name)

"""Checking static file names: a relative name that cannot leave its folder, or None."""

from __future__ import annotations

import os

IGNORE_PATTERNS = ("CVS", ".*", "*~")


def clean_name(name: str) -> str | None:
    """``name`` as a safe relative path (``/``-separated), or None for a name that is refused.

    Refused: empty names, NUL, backslashes, absolute paths, and ``.``/``..``/empty segments.
    """
    if not name or "\x00" in name or "\\" in name or name.startswith("/"):
        return None
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts[:-1]) or parts[-1] in ("", ".", ".."):
        return None
    return name


def inside(root: str, path: str) -> bool:
    """Whether ``path``, with symlinks resolved, lies inside ``root`` (also resolved)."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    return real.startswith(os.path.join(real_root, ""))

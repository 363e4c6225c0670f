"""File-name helpers shared by uploaded files and the multipart parser."""

from __future__ import annotations

import html
import os

from microdj.core.exceptions import SuspiciousFileOperation

__all__ = ["MAX_FILE_NAME_LENGTH", "get_base_name", "sanitize_upload_name", "validate_file_name"]

# Longest file name kept, in characters (older file systems refuse longer names); as in Django.
MAX_FILE_NAME_LENGTH = 255
_UNSAFE_NAMES = frozenset(("", ".", ".."))


def get_base_name(name: str) -> str:
    """Return the last path component of ``name`` for both '/' and '\\' separators, without any
    non-printable character (NUL, C0 and C1 controls, DEL, format and separator characters but space)."""
    # PERF: rpartition is a no-op scan for the usual plain names.
    name = name.rpartition("/")[2].rpartition("\\")[2]
    if not name.isprintable():
        name = "".join(char for char in name if char.isprintable())
    return name


def truncate_name(name: str) -> str:
    """Shorten ``name`` to MAX_FILE_NAME_LENGTH characters, keeping its extension."""
    if len(name) <= MAX_FILE_NAME_LENGTH:
        return name
    stem, ext = os.path.splitext(name)
    ext = ext[:MAX_FILE_NAME_LENGTH]
    return stem[: MAX_FILE_NAME_LENGTH - len(ext)] + ext


def validate_file_name(name: str) -> str:
    """Return ``name`` if it is a plain file name; raise SuspiciousFileOperation for '', '.', '..' and
    names holding a path separator."""
    if name in _UNSAFE_NAMES:
        raise SuspiciousFileOperation(f"Could not derive file name from {name!r}")
    if "/" in name or "\\" in name:
        raise SuspiciousFileOperation(f"File name {name!r} includes path elements")
    return name


def sanitize_upload_name(name: str) -> str | None:
    """Reduce a client-sent upload file name to a safe base name, or None when nothing usable is left.

    HTML character references are resolved first (as Django does), so an encoded separator such as
    '&#47;' is treated like a real one.
    """
    if "&" in name:
        name = html.unescape(name)
    name = truncate_name(get_base_name(name))
    return None if name in _UNSAFE_NAMES else name

"""Terminal colours for command output: ``self.style.SUCCESS("...")`` as in Django.

Colours are used when the stream is a terminal, unless ``NO_COLOR`` is set or ``--no-color`` is given;
``--force-color`` forces them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TextIO

_CODES = {
    "ERROR": "1;31",
    "ERROR_OUTPUT": "1;31",
    "WARNING": "33",
    "NOTICE": "31",
    "SUCCESS": "32",
    "HTTP_INFO": "1",
    "HTTP_SUCCESS": "",
    "HTTP_REDIRECT": "32",
    "HTTP_NOT_MODIFIED": "36",
    "HTTP_BAD_REQUEST": "1;31",
    "HTTP_NOT_FOUND": "33",
    "HTTP_SERVER_ERROR": "1;35",
    "MIGRATE_HEADING": "1;36",
    "MIGRATE_LABEL": "1",
}


def supports_color(stream: TextIO | Any = None) -> bool:
    """True when ``stream`` (default: stdout) is a terminal and ``NO_COLOR`` is not set."""
    stream = sys.stdout if stream is None else stream
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _painter(code: str) -> Callable[[str], str]:
    def paint(text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if code else text

    return paint


def _unchanged(text: str) -> str:
    return text


class Style:
    """One callable per role (``ERROR``, ``WARNING``, ``SUCCESS``, ``NOTICE``, ``HTTP_*``...)."""

    ERROR: Callable[[str], str]
    ERROR_OUTPUT: Callable[[str], str]
    WARNING: Callable[[str], str]
    NOTICE: Callable[[str], str]
    SUCCESS: Callable[[str], str]
    HTTP_INFO: Callable[[str], str]
    HTTP_SUCCESS: Callable[[str], str]
    HTTP_REDIRECT: Callable[[str], str]
    HTTP_NOT_MODIFIED: Callable[[str], str]
    HTTP_BAD_REQUEST: Callable[[str], str]
    HTTP_NOT_FOUND: Callable[[str], str]
    HTTP_SERVER_ERROR: Callable[[str], str]
    MIGRATE_HEADING: Callable[[str], str]
    MIGRATE_LABEL: Callable[[str], str]

    def __init__(self, colored: bool) -> None:
        for role, code in _CODES.items():
            setattr(self, role, _painter(code) if colored else _unchanged)


def color_style(force_color: bool = False) -> Style:
    """A style that colours when stdout supports it (or always, with ``force_color``)."""
    return Style(force_color or supports_color())


def no_style() -> Style:
    """A style that leaves text unchanged."""
    return Style(False)

"""Python version facts, at Django's import path (``utils.version``)."""

from __future__ import annotations

import sys

__all__ = ["PY311", "PY312", "PY313", "PYPY"]

PY311 = sys.version_info >= (3, 11)
PY312 = sys.version_info >= (3, 12)
PY313 = sys.version_info >= (3, 13)
PYPY = sys.implementation.name == "pypy"

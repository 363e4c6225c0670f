"""Tests of the in-scope modules that are out of scope, grouped by reason.

An entry is a test id (``module.Class.test``) or a prefix of one (a class or a module). Both targets skip
these alike, so neither count includes them.
"""

from __future__ import annotations

EXCLUDED: dict[str, list[str]] = {}


def excluded_reason(test_id: str) -> str | None:
    """The reason ``test_id`` is out of scope, or None."""
    for reason, entries in EXCLUDED.items():
        for entry in entries:
            if test_id == entry or test_id.startswith(entry + "."):
                return reason
    return None

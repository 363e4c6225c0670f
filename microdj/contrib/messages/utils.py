"""The level → tag mapping in force: the defaults, then the ``MESSAGE_TAGS`` setting."""

from __future__ import annotations

from typing import Any

from microdj.conf import settings
from microdj.contrib.messages.constants import DEFAULT_TAGS

_level_tags: dict[int, str] | None = None


def get_level_tags() -> dict[int, str]:
    """The tag of each level: ``DEFAULT_TAGS`` updated with ``MESSAGE_TAGS``."""
    return {**DEFAULT_TAGS, **getattr(settings, "MESSAGE_TAGS", {})}


def level_tags() -> dict[int, str]:
    """``get_level_tags()``, computed once and again after ``MESSAGE_TAGS`` changes."""
    global _level_tags
    tags = _level_tags
    if tags is None:
        tags = _level_tags = get_level_tags()
    return tags


def _forget_tags(name: str, value: Any) -> None:
    global _level_tags
    if name == "MESSAGE_TAGS":
        _level_tags = None


settings.add_listener(_forget_tags)

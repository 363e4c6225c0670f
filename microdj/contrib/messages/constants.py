"""Message levels (numbers, as ``logging``'s) and their default CSS tags."""

from __future__ import annotations

DEBUG = 10
INFO = 20
SUCCESS = 25
WARNING = 30
ERROR = 40

DEFAULT_TAGS: dict[int, str] = {
    DEBUG: "debug",
    INFO: "info",
    SUCCESS: "success",
    WARNING: "warning",
    ERROR: "error",
}

DEFAULT_LEVELS: dict[str, int] = {tag.upper(): level for level, tag in DEFAULT_TAGS.items()}

"""The messages a system check returns: ``CheckMessage`` and its five levels, as Django's."""

from __future__ import annotations

from typing import Any

DEBUG = 10
INFO = 20
WARNING = 30
ERROR = 40
CRITICAL = 50


class CheckMessage:
    """One finding of a check: a level, a message, an optional hint, the object concerned and an id."""

    def __init__(
        self, level: int, msg: str, hint: str | None = None, obj: Any = None, id: str | None = None
    ) -> None:
        if not isinstance(level, int):
            raise TypeError("The first argument of CheckMessage must be the level (an int).")
        self.level = level
        self.msg = msg
        self.hint = hint
        self.obj = obj
        self.id = id

    def __eq__(self, other: object) -> bool:
        return isinstance(other, self.__class__) and (
            self.level,
            self.msg,
            self.hint,
            self.obj,
            self.id,
        ) == (other.level, other.msg, other.hint, other.obj, other.id)

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        obj = "?" if self.obj is None else str(self.obj)
        ident = f"({self.id}) " if self.id else ""
        hint = f"\n\tHINT: {self.hint}" if self.hint else ""
        return f"{obj}: {ident}{self.msg}{hint}"

    def __repr__(self) -> str:
        return (
            f"<{self.__class__.__name__}: level={self.level!r}, msg={self.msg!r}, hint={self.hint!r}, "
            f"obj={self.obj!r}, id={self.id!r}>"
        )

    def is_serious(self, level: int = ERROR) -> bool:
        """True when this message is at ``level`` or above (an error, by default)."""
        return self.level >= level

    def is_silenced(self) -> bool:
        """True when the ``SILENCED_SYSTEM_CHECKS`` setting lists this message's id."""
        from microdj.conf import settings

        return self.id in settings.SILENCED_SYSTEM_CHECKS


class Debug(CheckMessage):
    """A DEBUG-level message."""

    def __init__(self, msg: str, hint: str | None = None, obj: Any = None, id: str | None = None) -> None:
        super().__init__(DEBUG, msg, hint, obj, id)


class Info(CheckMessage):
    """An INFO-level message."""

    def __init__(self, msg: str, hint: str | None = None, obj: Any = None, id: str | None = None) -> None:
        super().__init__(INFO, msg, hint, obj, id)


class Warning(CheckMessage):  # noqa: A001 - Django's name
    """A WARNING-level message: reported, does not stop anything."""

    def __init__(self, msg: str, hint: str | None = None, obj: Any = None, id: str | None = None) -> None:
        super().__init__(WARNING, msg, hint, obj, id)


class Error(CheckMessage):
    """An ERROR-level message: stops start-up and makes ``check`` fail."""

    def __init__(self, msg: str, hint: str | None = None, obj: Any = None, id: str | None = None) -> None:
        super().__init__(ERROR, msg, hint, obj, id)


class Critical(CheckMessage):
    """A CRITICAL-level message."""

    def __init__(self, msg: str, hint: str | None = None, obj: Any = None, id: str | None = None) -> None:
        super().__init__(CRITICAL, msg, hint, obj, id)

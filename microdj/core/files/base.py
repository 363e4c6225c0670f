"""``File`` and ``ContentFile``: file objects of Django's ``core.files.base``."""

from __future__ import annotations

from io import BytesIO, StringIO
from typing import Any, Self

from microdj.core.files import File

__all__ = ["ContentFile", "File"]


class ContentFile(File):
    """A File over content held in memory (``bytes`` or ``str``) rather than on disk."""

    def __init__(self, content: bytes | str, name: str | None = None) -> None:
        stream: Any = StringIO(content) if isinstance(content, str) else BytesIO(content)
        super().__init__(stream, name=name)
        self.size = len(content)

    def __str__(self) -> str:
        return "Raw content"

    def __bool__(self) -> bool:
        return True

    def open(self, mode: str | None = None, *args: Any, **kwargs: Any) -> Self:
        """Rewind: the content stays in memory, so there is nothing to open."""
        self.seek(0)
        return self

    def close(self) -> None:
        """Nothing to release."""

    def write(self, data: Any) -> int:
        """Append ``data`` and grow ``size`` by its length."""
        self.__dict__.pop("_size", None)  # recomputed from the stream on the next read of ``size``
        return self.file.write(data)  # type: ignore[no-any-return]

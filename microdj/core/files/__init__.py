"""File objects: a thin, Django-compatible wrapper around a Python file object."""

from __future__ import annotations

import os
from collections.abc import Iterator
from io import UnsupportedOperation
from types import TracebackType
from typing import Any, Self

__all__ = ["File"]


class File:
    """Wraps a Python file object (``file``) and adds ``name``, ``size`` and chunked reading."""

    DEFAULT_CHUNK_SIZE = 64 * 2**10

    def __init__(self, file: Any, name: str | None = None) -> None:
        # Any file-like object: only the methods called are required of it.
        self.file: Any = file
        if name is None:
            name = getattr(file, "name", None)
        self.name = name
        if hasattr(file, "mode"):
            self.mode = self.file.mode

    def __str__(self) -> str:
        return self.name or ""

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self or 'None'}>"

    def __bool__(self) -> bool:
        return bool(self.name)

    def __len__(self) -> int:
        return int(self.size)

    @property
    def size(self) -> Any:
        """Size in bytes: as set, else the file's ``size``, its size on disk, or its end position."""
        try:
            return self.__dict__["_size"]
        except KeyError:
            pass
        size = self._find_size()
        self.__dict__["_size"] = size
        return size

    @size.setter
    def size(self, value: Any) -> None:
        self.__dict__["_size"] = value

    def _find_size(self) -> int:
        file = self.file
        if hasattr(file, "size"):
            return int(file.size)
        path = getattr(file, "name", None)
        if isinstance(path, str | bytes | os.PathLike):
            try:
                return os.path.getsize(path)
            except OSError:
                pass
        if hasattr(file, "tell") and hasattr(file, "seek"):
            position = file.tell()
            file.seek(0, os.SEEK_END)
            size: int = file.tell()
            file.seek(position)
            return size
        raise AttributeError("Unable to determine the file's size.")

    def chunks(self, chunk_size: int | None = None) -> Iterator[Any]:
        """Yield the content from the start in pieces of ``chunk_size`` (default DEFAULT_CHUNK_SIZE)."""
        chunk_size = chunk_size or self.DEFAULT_CHUNK_SIZE
        try:
            self.seek(0)
        except (AttributeError, UnsupportedOperation):
            pass
        read = self.read
        while data := read(chunk_size):
            yield data

    def multiple_chunks(self, chunk_size: int | None = None) -> bool:
        """True when chunks(chunk_size) would yield more than one piece."""
        return bool(self.size > (chunk_size or self.DEFAULT_CHUNK_SIZE))

    def __iter__(self) -> Iterator[Any]:
        """Yield the content line by line; a line ends at '\\n', '\\r\\n' or a lone '\\r'."""
        pending = None
        for chunk in self.chunks():
            lines = (pending + chunk if pending else chunk).splitlines(True)
            if not lines:
                continue
            # The last line may continue in the next chunk (or be a '\r' whose '\n' comes next).
            last = lines.pop()
            yield from lines
            pending = None if last.endswith(b"\n" if isinstance(last, bytes) else "\n") else last
            if pending is None:
                yield last
        if pending:
            yield pending

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def open(self, mode: str | None = None, *args: Any, **kwargs: Any) -> Self:
        """Rewind an open file, or reopen a closed one from its name on disk."""
        if not self.closed:
            self.seek(0)
        elif self.name and os.path.exists(self.name):
            self.file = open(self.name, mode or self.mode, *args, **kwargs)  # noqa: SIM115
        else:
            raise ValueError("The file cannot be reopened.")
        return self

    def close(self) -> None:
        """Close the underlying file."""
        self.file.close()

    # Proxies to the underlying file object.
    @property
    def closed(self) -> bool:
        """True when there is no underlying file or it is closed."""
        return not self.file or self.file.closed

    def readable(self) -> bool:
        """True when the file is open and can be read."""
        return not self.closed and self.file.readable()

    def writable(self) -> bool:
        """True when the file is open and can be written."""
        return not self.closed and self.file.writable()

    def seekable(self) -> bool:
        """True when the file is open and supports random access."""
        return not self.closed and self.file.seekable()

    def read(self, *args: Any) -> Any:
        """Read from the underlying file."""
        return self.file.read(*args)

    def readinto(self, buffer: Any) -> Any:
        """Read into ``buffer`` from the underlying file."""
        return self.file.readinto(buffer)

    def readline(self, *args: Any) -> Any:
        """Read one line from the underlying file."""
        return self.file.readline(*args)

    def readlines(self, *args: Any) -> Any:
        """Read the remaining lines from the underlying file."""
        return self.file.readlines(*args)

    def write(self, data: Any) -> Any:
        """Write ``data`` to the underlying file."""
        return self.file.write(data)

    def writelines(self, lines: Any) -> None:
        """Write each of ``lines`` to the underlying file."""
        self.file.writelines(lines)

    def seek(self, *args: Any) -> Any:
        """Move the position in the underlying file."""
        return self.file.seek(*args)

    def tell(self) -> Any:
        """Position in the underlying file."""
        return self.file.tell()

    def truncate(self, *args: Any) -> Any:
        """Truncate the underlying file."""
        return self.file.truncate(*args)

    def flush(self) -> None:
        """Flush the underlying file."""
        self.file.flush()

    def fileno(self) -> Any:
        """File descriptor of the underlying file."""
        return self.file.fileno()

    def isatty(self) -> Any:
        """True when the underlying file is a terminal."""
        return self.file.isatty()

"""Gzip helpers for responses, with Django's BREACH mitigation (a random-length name in the gzip header)."""

from __future__ import annotations

import gzip
import secrets
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator

_GZIP_LEVEL = 6
_HEADER_SIZE = 10  # Fixed gzip member header (RFC 1952); byte 3 holds the flags.


def _random_filename(max_random_bytes: int) -> bytes:
    """Return 0 to ``max_random_bytes - 1`` filler bytes, so the compressed length reveals less."""
    return b"a" * secrets.randbelow(max_random_bytes)


def compress_string(s: bytes, *, max_random_bytes: int | None = None) -> bytes:
    """Gzip ``s`` (level 6, mtime 0); ``max_random_bytes`` adds a random-length file name to the header."""
    compressed = gzip.compress(s, compresslevel=_GZIP_LEVEL, mtime=0)
    if not max_random_bytes:
        return compressed
    header = bytearray(compressed[:_HEADER_SIZE])
    header[3] = gzip.FNAME
    return bytes(header) + _random_filename(max_random_bytes) + b"\x00" + compressed[_HEADER_SIZE:]


class _Drain:
    """A write-only file collecting what GzipFile writes, handed out with ``take()``."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the data is kept until taken."""

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def _gzip_file(drain: _Drain, max_random_bytes: int | None) -> gzip.GzipFile:
    name = _random_filename(max_random_bytes) if max_random_bytes else None
    # GzipFile writes its header at creation; a bytes name goes into the header as-is.
    return gzip.GzipFile(filename=name, mode="wb", compresslevel=_GZIP_LEVEL, fileobj=drain, mtime=0)


def compress_sequence(sequence: Iterable[bytes], *, max_random_bytes: int | None = None) -> Iterator[bytes]:
    """Gzip an iterable of byte chunks as one gzip stream, yielding compressed data as it is produced."""
    drain = _Drain()
    with _gzip_file(drain, max_random_bytes) as zfile:
        yield drain.take()
        for item in sequence:
            zfile.write(item)
            data = drain.take()
            if data:
                yield data
    yield drain.take()


async def acompress_sequence(
    sequence: AsyncIterable[bytes], *, max_random_bytes: int | None = None
) -> AsyncIterator[bytes]:
    """Gzip an async iterable of chunks as one gzip stream, flushing after each chunk so none is held back."""
    drain = _Drain()
    with _gzip_file(drain, max_random_bytes) as zfile:
        yield drain.take()
        async for item in sequence:
            zfile.write(item)
            # Async streams are often live (events, progress): each chunk goes out compressed at once.
            zfile.flush()
            yield drain.take()
    yield drain.take()

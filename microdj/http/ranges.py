"""HTTP range requests for ``FileResponse`` (RFC 9110 section 14).

A microdj addition: Django's ``FileResponse`` ignores ``Range``. Here a ``Range: bytes=…`` request for a file
of known size gets ``206 Partial Content`` (one range, or ``multipart/byteranges`` for several), or ``416``
when no range can be satisfied. A set of more than ``MAX_RANGES`` ranges, or of overlapping ranges, is
ignored and the whole file is sent (RFC 9110 section 14.2 lets a server ignore ``Range``, and advises it
for such sets). The preconditions, ``If-Range`` among them, are :mod:`microdj.http.conditional`'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from typing import Any

__all__ = [
    "MAX_RANGES",
    "byteranges",
    "parse_byte_ranges",
    "read_span",
]

#: The most ranges served in one multipart/byteranges response; a longer set is ignored.
MAX_RANGES = 10

Span = tuple[int, int]


def parse_byte_ranges(header: str, size: int) -> list[Span] | None:
    """The ``(start, stop)`` spans (stop excluded) a ``Range`` header asks of ``size`` bytes, in order.

    None means "ignore the header and send everything": another unit, bad syntax, an empty file, more than
    MAX_RANGES ranges or overlapping ones. An empty list means no range is satisfiable (416).
    """
    unit, _, specs = header.partition("=")
    if unit.strip().lower() != "bytes" or size <= 0:
        return None
    items = [item.strip() for item in specs.split(",")]
    items = [item for item in items if item]
    if not items or len(items) > MAX_RANGES:
        return None
    spans: list[Span] = []
    for item in items:
        first, dash, last = item.partition("-")
        first, last = first.strip(), last.strip()
        if not dash or not (first or last):
            return None
        if not (_digits(first) and _digits(last)):
            return None
        if not first:
            suffix = int(last)
            if suffix:
                spans.append((max(size - suffix, 0), size))
            continue
        start = int(first)
        if last and int(last) < start:
            return None
        if start < size:
            spans.append((start, size if not last else min(int(last) + 1, size)))
    ordered = sorted(spans)
    for (_, stop), (start, _) in pairwise(ordered):
        if start < stop:
            return None
    return spans


def _digits(text: str) -> bool:
    return not text or (text.isascii() and text.isdigit())


def read_span(file: Any, offset: int, length: int, block_size: int) -> Iterator[bytes]:
    """Yield ``length`` bytes of ``file`` from ``offset``, ``block_size`` at a time (fewer if it shrank)."""
    file.seek(offset)
    while length > 0:
        chunk = file.read(min(block_size, length))
        if not chunk:
            return
        length -= len(chunk)
        yield chunk


def byteranges(
    file: Any, base: int, spans: list[Span], size: int, content_type: str, boundary: str, block_size: int
) -> tuple[Iterator[bytes], int]:
    """A ``multipart/byteranges`` body for ``spans`` of the file (which starts at ``base``) and its length."""
    heads = []
    for index, (start, stop) in enumerate(spans):
        lead = b"" if index == 0 else b"\r\n"
        heads.append(
            lead
            + (
                f"--{boundary}\r\nContent-Type: {content_type}\r\n"
                f"Content-Range: bytes {start}-{stop - 1}/{size}\r\n\r\n"
            ).encode("latin-1")
        )
    tail = f"\r\n--{boundary}--\r\n".encode("ascii")
    length = sum(map(len, heads)) + sum(stop - start for start, stop in spans) + len(tail)

    def body() -> Iterator[bytes]:
        for head, (start, stop) in zip(heads, spans, strict=True):
            yield head
            yield from read_span(file, base + start, stop - start, block_size)
        yield tail

    return body(), length

"""Multipart bodies for the parser tests: building them, feeding them in chunks, comparing results."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterable
from typing import Any

from microdj.http.multipartparser import (
    MultiPartParser,
)
from microdj.http.querydict import QueryDict
from microdj.utils.datastructures import MultiValueDict

BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def part(
    name: str | None,
    value: bytes | str = b"",
    *,
    filename: str | None = None,
    content_type: str | None = None,
    headers: Iterable[str] = (),
    disposition: str | None = None,
) -> bytes:
    """One encoded part (headers, blank line, body), without delimiters."""
    if disposition is None:
        disposition = "form-data"
        if name is not None:
            disposition += f'; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
    lines = [f"Content-Disposition: {disposition}"] if disposition else []
    if content_type is not None:
        lines.append(f"Content-Type: {content_type}")
    lines.extend(headers)
    head = "".join(line + "\r\n" for line in lines).encode("utf-8")
    return head + b"\r\n" + (value.encode("utf-8") if isinstance(value, str) else value)


def body(*parts: bytes, boundary: str = BOUNDARY, epilogue: bytes = b"\r\n") -> bytes:
    delimiter = b"--" + boundary.encode()
    out = b"".join(delimiter + b"\r\n" + p + b"\r\n" for p in parts)
    return out + delimiter + b"--" + epilogue


def split(data: bytes, rng: random.Random, max_piece: int) -> list[bytes]:
    pieces, pos = [], 0
    while pos < len(data):
        step = rng.randint(1, max_piece)
        pieces.append(data[pos : pos + step])
        pos += step
    return pieces


async def aparse(
    chunks: Iterable[bytes],
    content_type: str = CONTENT_TYPE,
    content_length: int | None = None,
    encoding: str | None = None,
) -> tuple[QueryDict, MultiValueDict]:
    parser = MultiPartParser(content_type, content_length, encoding=encoding)
    for chunk in chunks:
        await parser.feed(chunk)
    return await parser.close()


def parse(
    data: bytes | list[bytes],
    content_type: str = CONTENT_TYPE,
    content_length: int | None = -1,
    encoding: str | None = None,
) -> tuple[QueryDict, MultiValueDict]:
    """Parse ``data`` (one body or its chunks); content_length -1 means 'the real length'."""
    chunks = [data] if isinstance(data, bytes) else data
    if content_length == -1:
        content_length = sum(map(len, chunks))
    return asyncio.run(aparse(chunks, content_type, content_length, encoding))


def snapshot(post: QueryDict, files: MultiValueDict) -> tuple[Any, Any]:
    """Comparable view of a result: POST lists and (field, name, type, charset, content) of files."""
    file_view = [
        (key, f.name, f.content_type, f.charset, f.size, b"".join(f.chunks()))
        for key, values in files.lists()
        for f in values
    ]
    return list(post.lists()), file_view

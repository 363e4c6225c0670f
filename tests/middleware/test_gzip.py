"""microdj.middleware.gzip and microdj.utils.text's gzip helpers, checked against Django."""

from __future__ import annotations

import asyncio
import gzip
import os
import zlib

import pytest
from django.http import HttpResponse as DjangoResponse
from django.middleware.gzip import GZipMiddleware as DjangoGZip
from django.utils import text as dj_text

from microdj.http import HttpResponse, StreamingHttpResponse
from microdj.middleware.gzip import GZipMiddleware
from microdj.test import RequestFactory
from microdj.utils.text import acompress_sequence, compress_sequence, compress_string

rf = RequestFactory()
BODY = b"microdj gzip test line. " * 40
CHUNKS = [b"first chunk " * 30, b"", b"second " * 50, b"tail"]


def gz_request(encoding: str = "gzip, deflate"):
    return rf.get("/", headers={"accept-encoding": encoding})


def filename_of(data: bytes) -> bytes | None:
    """The FNAME field of a gzip member header, or None."""
    if not data[3] & gzip.FNAME:
        return None
    return data[10 : data.index(b"\x00", 10)]


# ---------------------------------------------------------------------------------------------- helpers


def test_compress_string_without_padding_matches_django() -> None:
    assert compress_string(BODY) == dj_text.compress_string(BODY)
    assert gzip.decompress(compress_string(BODY)) == BODY


def test_compress_string_padding() -> None:
    sizes = set()
    for _ in range(60):
        data = compress_string(BODY, max_random_bytes=10)
        assert gzip.decompress(data) == BODY
        name = filename_of(data)
        assert name is not None and set(name) <= {ord("a")} and len(name) < 10
        sizes.add(len(name))
    assert len(sizes) > 1


def test_compress_sequence() -> None:
    parts = list(compress_sequence(iter(CHUNKS), max_random_bytes=50))
    data = b"".join(parts)
    assert gzip.decompress(data) == b"".join(CHUNKS)
    assert gzip.decompress(b"".join(dj_text.compress_sequence(CHUNKS))) == b"".join(CHUNKS)
    big = [os.urandom(100_000), b"end"]
    parts = list(compress_sequence(big))
    assert len(parts[1]) > 50_000  # output is streamed while the input is read
    assert gzip.decompress(b"".join(parts)) == b"".join(big)
    plain = b"".join(compress_sequence(CHUNKS))
    assert filename_of(plain) is None and gzip.decompress(plain) == b"".join(CHUNKS)


def test_acompress_sequence_flushes_each_chunk() -> None:
    async def source():
        for chunk in CHUNKS:
            yield chunk

    async def collect():
        return [part async for part in acompress_sequence(source(), max_random_bytes=20)]

    parts = asyncio.run(collect())
    assert gzip.decompress(b"".join(parts)) == b"".join(CHUNKS)
    # Each chunk is decodable as soon as it is sent.
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    received = decoder.decompress(parts[0])
    for index, part in enumerate(parts[1 : 1 + len(CHUNKS)]):
        received += decoder.decompress(part)
        assert received == b"".join(CHUNKS[: index + 1])


# ------------------------------------------------------------------------------------------- middleware


def process(response, request=None):
    return GZipMiddleware(lambda r: response).process_response(request or gz_request(), response)


def test_compresses_and_matches_django_headers() -> None:
    ours = HttpResponse(BODY)
    ours["ETag"] = '"abc"'
    theirs = DjangoResponse(BODY)
    theirs["ETag"] = '"abc"'
    ours = process(ours)
    theirs = DjangoGZip(lambda r: theirs).process_response(_DjangoRequest("gzip"), theirs)
    assert gzip.decompress(ours.content) == gzip.decompress(theirs.content) == BODY
    for header in ("Content-Encoding", "Vary", "ETag"):
        assert ours[header] == theirs[header]
    assert ours["ETag"] == 'W/"abc"' and ours["Content-Length"] == str(len(ours.content))


class _DjangoRequest:
    def __init__(self, encoding: str) -> None:
        self.META = {"HTTP_ACCEPT_ENCODING": encoding}


def test_short_responses_untouched() -> None:
    response = process(HttpResponse(b"x" * 199))
    assert "Content-Encoding" not in response and "Vary" not in response


def test_existing_content_encoding_untouched() -> None:
    response = HttpResponse(BODY)
    response["Content-Encoding"] = "br"
    assert process(response).content == BODY


@pytest.mark.parametrize("encoding", ["", "deflate, br", "gzipped"])
def test_client_without_gzip_gets_vary_only(encoding: str) -> None:
    response = process(HttpResponse(BODY), gz_request(encoding))
    assert response.content == BODY and response["Vary"] == "Accept-Encoding"
    assert "Content-Encoding" not in response


def test_incompressible_content_left_alone() -> None:
    noise = os.urandom(300)
    response = process(HttpResponse(noise))
    assert response.content == noise and "Content-Encoding" not in response


def test_weak_etag_kept() -> None:
    response = HttpResponse(BODY)
    response["ETag"] = 'W/"abc"'
    assert process(response)["ETag"] == 'W/"abc"'


def test_streaming_sync() -> None:
    response = StreamingHttpResponse(iter(CHUNKS))
    response["Content-Length"] = "999"
    response = process(response)
    assert response["Content-Encoding"] == "gzip" and "Content-Length" not in response
    assert gzip.decompress(b"".join(response.streaming_content)) == b"".join(CHUNKS)


def test_streaming_async() -> None:
    async def source():
        for chunk in CHUNKS:
            yield chunk

    response = process(StreamingHttpResponse(source()))
    assert response.is_async and response["Content-Encoding"] == "gzip"

    async def collect():
        return b"".join([part async for part in response.streaming_content])

    assert gzip.decompress(asyncio.run(collect())) == b"".join(CHUNKS)


def test_middleware_call_sync_and_async() -> None:
    def view(request):
        return HttpResponse(BODY)

    async def aview(request):
        return HttpResponse(BODY)

    response = GZipMiddleware(view)(gz_request())
    assert gzip.decompress(response.content) == BODY
    response = asyncio.run(GZipMiddleware(aview)(gz_request()))
    assert gzip.decompress(response.content) == BODY

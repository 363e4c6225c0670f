"""microdj.http.multipartparser: limits, malformed bodies, and the same answers as Django's parser."""

from __future__ import annotations

import asyncio
import base64
import io
import os
import random
from typing import Any

import django.conf
import pytest
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser

import microdj.http.multipartparser as mpp
from microdj.conf import settings
from microdj.core.exceptions import (
    RequestDataTooBig,
    SuspiciousMultipartForm,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from microdj.http.multipartparser import (
    MAX_PART_HEADER_COUNT,
    MAX_PART_HEADER_SIZE,
    MalformedMultipartError,
    MultiPartParser,
    MultiPartParserError,
)
from tests.support.multipart import BOUNDARY, CONTENT_TYPE, body, parse, part, split

# --- limits ------------------------------------------------------------------------------------------


def test_number_of_fields_limit(monkeypatch) -> None:
    monkeypatch.setattr(settings, "DATA_UPLOAD_MAX_NUMBER_FIELDS", 3)
    files = [part(f"f{i}", b"x", filename=f"{i}.txt") for i in range(5)]  # files do not count
    post, _ = parse(body(*files, part("a", "1"), part("b", "2"), part("c", "3")))
    assert len(post) == 3
    with pytest.raises(TooManyFieldsSent):
        parse(body(part("a", "1"), part("b", "2"), part("c", "3"), part("d", "4")))
    # Empty file inputs are fields.
    with pytest.raises(TooManyFieldsSent):
        parse(body(part("a", "1"), part("b", "2"), part("c", "3"), part("d", b"", filename="")))
    monkeypatch.setattr(settings, "DATA_UPLOAD_MAX_NUMBER_FIELDS", None)
    post, _ = parse(body(*(part(f"k{i}", "v") for i in range(2000))))
    assert len(post) == 2000


def test_number_of_files_limit(upload_dir, monkeypatch) -> None:
    monkeypatch.setattr(settings, "DATA_UPLOAD_MAX_NUMBER_FILES", 2)
    monkeypatch.setattr(settings, "FILE_UPLOAD_MAX_MEMORY_SIZE", 10)
    ok = [part("f", b"x" * 20, filename=f"{i}.txt") for i in range(2)]
    _, files = parse(body(*ok, part("field", "v")))
    assert len(files.getlist("f")) == 2
    for f in files.getlist("f"):
        f.close()
    # Skipped (unusable) names still count, as in Django.
    with pytest.raises(TooManyFilesSent):
        parse(body(*ok, part("f", b"x", filename="..")))
    assert os.listdir(upload_dir) == []
    monkeypatch.setattr(settings, "DATA_UPLOAD_MAX_NUMBER_FILES", None)
    _, files = parse(body(*(part("f", b"", filename="e.txt") for _ in range(150))))
    assert len(files.getlist("f")) == 150


def test_data_upload_max_memory_size(monkeypatch) -> None:
    # Each field counts len(name) + 2 + len(value): "a" + "12345" -> 8, "bb" + "1" -> 5.
    monkeypatch.setattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", 13)
    data = body(part("a", "12345"), part("bb", "1"), part("f", b"x" * 1000, filename="big.txt"))
    post, files = parse(data)  # files do not count
    assert post["a"] == "12345" and files["f"].size == 1000
    with pytest.raises(RequestDataTooBig):
        parse(body(part("a", "123456"), part("bb", "1")))  # value one byte over
    with pytest.raises(RequestDataTooBig):
        parse(body(part("a", "12345"), part("bbbb", "")))  # name one byte over
    monkeypatch.setattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", None)
    post, _ = parse(body(part("a", "x" * 100000)))
    assert len(post["a"]) == 100000


def test_data_limit_checked_while_field_arrives(monkeypatch) -> None:
    monkeypatch.setattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", 1000)
    start = b"--" + BOUNDARY.encode() + b'\r\nContent-Disposition: form-data; name="a"\r\n\r\n'

    async def run() -> None:
        parser = MultiPartParser(CONTENT_TYPE, None)
        await parser.feed(start)
        await parser.feed(b"x" * 500)
        with pytest.raises(RequestDataTooBig):
            await parser.feed(b"x" * 600)  # raised before the field (or body) ends
        with pytest.raises(MultiPartParserError, match="closed"):
            await parser.feed(b"more")

    asyncio.run(run())


def test_part_header_size_limit() -> None:
    name = "n" * (MAX_PART_HEADER_SIZE - len('Content-Disposition: form-data; name=""'))
    post, _ = parse(body(part(name, "v")))  # a header line of exactly the limit
    assert post[name] == "v"
    with pytest.raises(MalformedMultipartError, match="header"):
        parse(body(part(name + "n", "v")))
    # An endless header line is refused once it is longer than the limit, without waiting for its end.
    start = b"--" + BOUNDARY.encode() + b'\r\nContent-Disposition: form-data; name="'

    async def run() -> None:
        parser = MultiPartParser(CONTENT_TYPE, None)
        await parser.feed(start)
        with pytest.raises(MalformedMultipartError, match="header"):
            await parser.feed(b"n" * MAX_PART_HEADER_SIZE)

    asyncio.run(run())


def test_part_header_count_limit() -> None:
    extra = [f"X-Extra-{i}: {i}" for i in range(MAX_PART_HEADER_COUNT - 2)]
    post, _ = parse(body(part("a", "1", content_type="text/plain", headers=extra)))
    assert post["a"] == "1"
    with pytest.raises(MalformedMultipartError, match="count"):
        parse(body(part("a", "1", content_type="text/plain", headers=[*extra, "X-One-More: 1"])))


def test_part_count_backstop_for_unlimited_settings(monkeypatch) -> None:
    monkeypatch.setattr(settings, "DATA_UPLOAD_MAX_NUMBER_FIELDS", None)
    monkeypatch.setattr(settings, "DATA_UPLOAD_MAX_NUMBER_FILES", 0)
    monkeypatch.setattr(mpp, "UNLIMITED_PART_COUNT", 5)
    post, _ = parse(body(*(part(f"k{i}", "v") for i in range(6))))  # 5 + 0 + 1 parts allowed
    assert len(post) == 6
    with pytest.raises(MalformedMultipartError, match="segment count"):
        parse(body(*(part(f"k{i}", "v") for i in range(7))))


def django_outcome(data: bytes, **overrides: Any) -> str:
    """'ok' or the exception class name Django's parser gives for ``data`` under ``overrides``."""
    saved = {name: getattr(django.conf.settings, name) for name in overrides}
    for name, value in overrides.items():
        setattr(django.conf.settings, name, value)
    try:
        django_parse(data)
    except Exception as exc:  # noqa: BLE001 - the exception's name is the answer compared
        return type(exc).__name__
    finally:
        for name, value in saved.items():
            setattr(django.conf.settings, name, value)
    return "ok"


def our_outcome(data: bytes) -> str:
    try:
        parse(data)
    except Exception as exc:  # noqa: BLE001 - the exception's name is the answer compared
        return type(exc).__name__
    return "ok"


@pytest.mark.parametrize(
    ("setting", "value", "data"),
    [
        ("DATA_UPLOAD_MAX_MEMORY_SIZE", 13, body(part("a", "12345"), part("bb", "1"))),
        ("DATA_UPLOAD_MAX_MEMORY_SIZE", 13, body(part("a", "123456"), part("bb", "1"))),
        ("DATA_UPLOAD_MAX_MEMORY_SIZE", 13, body(part("a", "12345"), part("bbbb", ""))),
        ("DATA_UPLOAD_MAX_MEMORY_SIZE", 5, body(part("f", b"x" * 100, filename="f.txt"))),
        ("DATA_UPLOAD_MAX_NUMBER_FIELDS", 2, body(part("a", "1"), part("b", "2"))),
        ("DATA_UPLOAD_MAX_NUMBER_FIELDS", 2, body(part("a", "1"), part("b", "2"), part("c", "3"))),
        ("DATA_UPLOAD_MAX_NUMBER_FIELDS", 1, body(part("a", "1"), part("f", b"x", filename=""))),
        ("DATA_UPLOAD_MAX_NUMBER_FILES", 2, body(*(part("f", b"x", filename="f.txt") for _ in range(2)))),
        ("DATA_UPLOAD_MAX_NUMBER_FILES", 2, body(*(part("f", b"x", filename="f.txt") for _ in range(3)))),
        (
            "DATA_UPLOAD_MAX_NUMBER_FILES",
            1,
            body(part("f", b"x", filename="f.txt"), part("g", b"", filename="..")),
        ),
    ],
)
def test_limits_match_django(monkeypatch, setting: str, value: int, data: bytes) -> None:
    monkeypatch.setattr(settings, setting, value)
    assert our_outcome(data) == django_outcome(data, **{setting: value})


# --- malformed bodies --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "text/plain; boundary=abc",
        "multipart/form-data",
        "multipart/form-data; boundary=",
        'multipart/form-data; boundary=""',
        "multipart/form-data; boundary=" + "x" * 202,
        'multipart/form-data; boundary="ends with space "',
        "multipart/form-data; boundary=caf\u00e9",
        'multipart/form-data; boundary="tab\there"',
    ],
)
def test_invalid_content_type_or_boundary(content_type: str) -> None:
    with pytest.raises(MalformedMultipartError) as info:
        MultiPartParser(content_type, 10)
    assert "\n" not in str(info.value) and "\r" not in str(info.value)


def test_longest_valid_boundary() -> None:
    boundary = "b" * 201
    post, _ = parse(body(part("a", "1"), boundary=boundary), f"multipart/form-data; boundary={boundary}")
    assert post["a"] == "1"


def test_errors_are_400_class() -> None:
    err = MalformedMultipartError("x")
    assert isinstance(err, MultiPartParserError)
    assert isinstance(err, SuspiciousMultipartForm)
    assert isinstance(err, SuspiciousOperation)
    assert not issubclass(MultiPartParserError, SuspiciousOperation)


def test_negative_content_length_and_unknown_encoding() -> None:
    with pytest.raises(MalformedMultipartError, match="Content-Length"):
        MultiPartParser(CONTENT_TYPE, -1)
    with pytest.raises(MalformedMultipartError, match="encoding"):
        MultiPartParser(CONTENT_TYPE, 10, encoding="no-such-codec")
    assert MultiPartParser(CONTENT_TYPE, 10, encoding="cp1252")._encoding == "cp1252"


GOOD = body(part("a", "1"), part("f", b"data", filename="f.txt"))


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (GOOD[:-20], "end of multipart stream"),  # truncated in the middle
        (GOOD[: GOOD.rindex(b"--" + BOUNDARY.encode())], "end of multipart stream"),  # no close delimiter
        (GOOD.replace(b"--\r\n", b"\r\n"), "end of multipart stream"),  # close delimiter without '--'
        (b"--" + BOUNDARY.encode() + b"\r\n", "end of multipart stream"),
        (b"x" * 200, "Boundary not found"),
        (body(b"Content-Disposition form-data\r\n\r\nv"), "Malformed segment header"),
        (body(b"Bad Header Name: v\r\nContent-Disposition: form-data; name=a\r\n\r\nv"), "header name"),
        (body(b'Content-Disposition: form-data; name="a"\nX: y\r\n\r\nv'), "line break"),
        (body(b'Content-Disposition: form-data; name="a"\rX: y\r\n\r\nv'), "line break"),
        (body(b" folded: x\r\n\r\nv"), "continuation"),
        (body(part(None, "v", disposition="")), "Missing Content-Disposition"),
        (body(part(None, "v", content_type="text/plain", disposition="")), "Missing Content-Disposition"),
        (body(part(None, "v", disposition="attachment; name=a")), "Wrong type"),
        (body(part(None, "v")), "Missing name"),
        (body(part(None, "v", filename="f.txt")), "Missing name"),
        (body(part("a", "v", headers=["Content-Length: 5"])), "Content-Length"),
        (body(part("a", "v", headers=["Content-Length: x"])), "Content-Length"),
        (
            GOOD.replace(
                b"\r\n--" + BOUNDARY.encode() + b"\r\n", b"\r\n--" + BOUNDARY.encode() + b"xx\r\n", 1
            ),
            "after boundary",
        ),
        (GOOD + b"", None),
    ],
)
def test_malformed_bodies(upload_dir, data: bytes, match: str | None) -> None:
    if match is None:
        assert parse(data)[0]["a"] == "1"
        return
    for chunks in ([data], [data[i : i + 3] for i in range(0, len(data), 3)]):
        with pytest.raises(MalformedMultipartError, match=match) as info:
            parse(chunks)
        assert "\n" not in str(info.value) and "\r" not in str(info.value)
    assert os.listdir(upload_dir) == []


def test_body_longer_than_content_length() -> None:
    with pytest.raises(MalformedMultipartError, match="longer than its Content-Length"):
        parse(GOOD, content_length=len(GOOD) - 1)
    # Also when the extra bytes come after the end of the multipart stream.
    with pytest.raises(MalformedMultipartError, match="longer than its Content-Length"):
        parse([GOOD, b"\r\n"], content_length=len(GOOD))


def test_body_shorter_than_content_length(upload_dir) -> None:
    with pytest.raises(MalformedMultipartError, match="shorter than its Content-Length"):
        parse(GOOD, content_length=len(GOOD) + 1)
    with pytest.raises(MalformedMultipartError, match="shorter than its Content-Length"):
        parse([], content_length=5)


def test_parser_cannot_be_reused() -> None:
    async def run() -> None:
        parser = MultiPartParser(CONTENT_TYPE, len(GOOD))
        await parser.feed(GOOD)
        post, _ = await parser.close()
        assert post["a"] == "1"
        with pytest.raises(MultiPartParserError, match="closed"):
            await parser.feed(b"x")
        with pytest.raises(MultiPartParserError, match="closed"):
            await parser.close()

    asyncio.run(run())


# --- differential test against Django ----------------------------------------------------------------


def django_parse(data: bytes, content_type: str = CONTENT_TYPE) -> tuple[Any, Any]:
    meta = {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(data))}
    handlers = [MemoryFileUploadHandler(), TemporaryFileUploadHandler()]
    post, files = DjangoMultiPartParser(meta, io.BytesIO(data), handlers, "utf-8").parse()
    post_lists = list(post.lists())
    file_view = [(k, f.name, b"".join(f.chunks())) for k, values in files.lists() for f in values]
    for _, values in files.lists():
        for f in values:
            f.close()
    return post_lists, file_view


DIFFERENTIAL_BODIES = [
    body(part("a", "1")),
    body(part("a", "1"), part("a", "2"), part("b", ""), part("c", "x\r\ny")),
    body(part("name", "Zoë"), part("pic", os.urandom(5000), filename="p.png", content_type="image/png")),
    body(part("f", b"one", filename="1.txt"), part("f", b"two", filename="2.txt"), part("g", "v")),
    body(part("f", b"", filename=""), part("g", b"x", filename="../../etc/passwd")),
    body(part("f", b"x", filename="C:\\windows\\evil.exe"), part("h", b"y", filename="..")),
    body(
        part(None, b"z", disposition='form-data; name="f"; filename="s.txt"; filename*=UTF-8\'\'..%2Fev.il')
    ),
    body(part(None, b"z", disposition="form-data; name=\"f\"; filename*=UTF-8''%C3%A9t%C3%A9.txt")),
    body(part("  padded  ", "v"), part("", "empty name")),
    body(part("b64", base64.b64encode(b"decoded"), headers=["Content-Transfer-Encoding: base64"])),
    body(
        part("f", base64.b64encode(b"file!"), filename="b.bin", headers=["Content-Transfer-Encoding: base64"])
    ),
    body(part("f", b"x\r\n--" + BOUNDARY.encode()[:-1] + b"\r\n\r\n", filename="tricky.txt")),
    b"preamble\r\n" + body(part("a", "1"), epilogue=b"\r\nepilogue"),
    body(part("big", os.urandom(3 * 2**20), filename="big.bin"), part("after", "yes")),
]


@pytest.mark.parametrize("data", DIFFERENTIAL_BODIES, ids=range(len(DIFFERENTIAL_BODIES)))
def test_same_answers_as_django(upload_dir, data: bytes) -> None:
    post, files = parse(split(data, random.Random(len(data)), 4096))
    ours = (list(post.lists()), [(k, f.name, b"".join(f.chunks())) for k, v in files.lists() for f in v])
    for _, values in files.lists():
        for f in values:
            f.close()
    assert ours == django_parse(data)

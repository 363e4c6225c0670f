"""Tests for microdj.http.multipartparser: incremental multipart parsing, limits, files, cleanup."""

from __future__ import annotations

import asyncio
import base64
import gc
import io
import os
import random
import tracemalloc
from collections.abc import Iterable
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
from microdj.core.files.uploadedfile import InMemoryUploadedFile, TemporaryUploadedFile
from microdj.http.multipartparser import (
    MAX_PART_HEADER_COUNT,
    MAX_PART_HEADER_SIZE,
    MalformedMultipartError,
    MultiPartParser,
    MultiPartParserError,
    parse_urlencoded,
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


@pytest.fixture
def upload_dir(tmp_path, monkeypatch):
    """A private FILE_UPLOAD_TEMP_DIR, so tests can see every temporary file."""
    directory = tmp_path / "uploads"
    directory.mkdir()
    monkeypatch.setattr(settings, "FILE_UPLOAD_TEMP_DIR", str(directory))
    return directory


# --- well-formed bodies ------------------------------------------------------------------------------


def test_fields_and_files(upload_dir) -> None:
    data = body(
        part("title", "Hello"),
        part("tags", "a"),
        part("tags", "b"),
        part("doc", b"%PDF-1.4 data", filename="report.pdf", content_type="application/pdf"),
        part("empty", ""),
    )
    post, files = parse(data)
    assert isinstance(post, QueryDict)
    assert list(post.lists()) == [("title", ["Hello"]), ("tags", ["a", "b"]), ("empty", [""])]
    with pytest.raises(AttributeError):
        post["x"] = "y"  # immutable once parsed
    doc = files["doc"]
    assert isinstance(doc, InMemoryUploadedFile)
    assert (doc.name, doc.content_type, doc.size, doc.charset) == ("report.pdf", "application/pdf", 13, None)
    assert doc.field_name == "doc"
    assert doc.content_type_extra == {}
    assert doc.read() == b"%PDF-1.4 data"
    assert os.listdir(upload_dir) == []


def test_multiple_files_same_name() -> None:
    data = body(
        part("f", b"one", filename="1.txt", content_type="text/plain"),
        part("f", b"two", filename="2.txt", content_type="text/plain"),
        part("g", b"", filename="empty.bin"),
    )
    _, files = parse(data)
    assert [(f.name, f.read()) for f in files.getlist("f")] == [("1.txt", b"one"), ("2.txt", b"two")]
    empty = files["g"]
    assert (empty.name, empty.size, empty.content_type, empty.read()) == ("empty.bin", 0, "", b"")


def test_unicode_names_and_values() -> None:
    data = body(
        part("prénom", "Zoë ✓"),
        part("文件", "日本語のテキスト".encode(), filename="résumé 📄.txt", content_type="text/plain"),
    )
    post, files = parse(data)
    assert post["prénom"] == "Zoë ✓"
    upload = files["文件"]
    assert upload.name == "résumé 📄.txt"
    assert upload.read().decode() == "日本語のテキスト"


def test_request_encoding_decodes_names_and_values() -> None:
    raw = (
        b'--B\r\nContent-Disposition: form-data; name="caf\xe9"\r\n\r\n\xe9t\xe9\r\n'
        b'--B\r\nContent-Disposition: form-data; name="f"; filename="na\xefve.txt"\r\n\r\nx\r\n--B--\r\n'
    )
    post, files = parse(raw, "multipart/form-data; boundary=B", encoding="latin-1")
    assert post["café"] == "été"
    assert files["f"].name == "naïve.txt"
    assert post.encoding == "latin-1"


def test_undecodable_value_is_replaced() -> None:
    post, _ = parse(body(part("x", b"ok\xff")))
    assert post["x"] == "ok\ufffd"


def test_charset_per_part() -> None:
    # Like Django: a field is decoded with the request encoding whatever its part says; a file keeps
    # its part's charset and Content-Type parameters.
    data = body(
        part("field", "é".encode("latin-1"), content_type="text/plain; charset=latin-1"),
        part("f", "é".encode("latin-1"), filename="l.txt", content_type='Text/Plain; charset="latin-1"; x=y'),
    )
    post, files = parse(data)
    assert post["field"] == "\ufffd"
    upload = files["f"]
    assert (upload.content_type, upload.charset) == ("text/plain", "latin-1")
    assert upload.content_type_extra == {"charset": "latin-1", "x": "y"}
    assert upload.read().decode(upload.charset) == "é"


def test_field_name_is_stripped_and_may_be_empty() -> None:
    post, _ = parse(body(part("  spaced ", "1"), part("", "2")))
    assert list(post.lists()) == [("spaced", ["1"]), ("", ["2"])]


def test_empty_filename_is_a_field() -> None:
    # A file input left empty sends filename=""; Django treats the part as a field.
    post, files = parse(body(part("upload", b"", filename="", content_type="application/octet-stream")))
    assert post.getlist("upload") == [""]
    assert not files


def test_empty_body_is_an_empty_form() -> None:
    for content_length in (0, None):
        post, files = parse([], content_length=content_length)
        assert (dict(post), dict(files)) == ({}, {})
        assert not post._mutable


def test_empty_chunks_are_ignored() -> None:
    data = body(part("a", "1"))
    post, _ = parse([b"", data[:10], b"", data[10:], b""])
    assert post["a"] == "1"


def test_chunked_body_without_content_length() -> None:
    data = body(part("a", "1"), part("f", b"xyz", filename="f.txt"))
    post, files = parse(split(data, random.Random(5), 7), content_length=None)
    assert post["a"] == "1" and files["f"].read() == b"xyz"


def test_quoted_boundary_and_case_insensitive_type() -> None:
    data = body(part("a", "1"), boundary="weird'()+_,-./:=? chars")
    post, _ = parse(data, 'Multipart/Form-Data; boundary="weird\'()+_,-./:=? chars"')
    assert post["a"] == "1"


def test_epilogue_is_ignored() -> None:
    data = body(part("a", "1"), epilogue=b"")
    # The closing CRLF, and any epilogue, may arrive in chunks of their own.
    post, _ = parse([data, b"\r", b"\n", b"epilogue text"])
    assert post["a"] == "1"
    post, _ = parse([data, b"\r\n"], content_length=None)
    assert post["a"] == "1"


def test_preamble_before_first_boundary() -> None:
    data = b"preamble\r\n" + body(part("a", "1"))
    post, _ = parse(data)
    assert post["a"] == "1"


def test_base64_transfer_encoding() -> None:
    encoded = base64.b64encode(b"binary \x00\xff payload" * 50)
    wrapped = b"\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    data = body(
        part("field", base64.b64encode("é".encode()), headers=["Content-Transfer-Encoding: base64"]),
        part("raw", b"not base64!", headers=["Content-Transfer-Encoding: BASE64"]),
        part("plain", b"aGk=", headers=["Content-Transfer-Encoding: 8bit"]),
        part("f", wrapped, filename="b.bin", headers=["Content-Transfer-Encoding:  base64 "]),
    )
    for chunks in ([data], [data[i : i + 1] for i in range(len(data))]):
        post, files = parse(chunks)
        assert post["field"] == "é"
        assert post["raw"] == "not base64!"  # undecodable: kept as sent, as in Django
        assert post["plain"] == "aGk="
        assert files["f"].read() == b"binary \x00\xff payload" * 50
        assert files["f"].size == len(b"binary \x00\xff payload" * 50)


def test_base64_file_spilled_to_disk(upload_dir, monkeypatch) -> None:
    monkeypatch.setattr(settings, "FILE_UPLOAD_MAX_MEMORY_SIZE", 100)
    content = os.urandom(1000)
    data = body(
        part("f", base64.b64encode(content), filename="b.bin", headers=["Content-Transfer-Encoding: base64"])
    )
    _, files = parse(split(data, random.Random(3), 50))
    upload = files["f"]
    assert isinstance(upload, TemporaryUploadedFile)
    assert upload.read() == content and upload.size == 1000
    upload.close()


@pytest.mark.parametrize("payload", [b"A===", b"QUJD\r\nRA"])
def test_base64_file_errors(upload_dir, payload: bytes) -> None:
    data = body(part("f", payload, filename="b.bin", headers=["Content-Transfer-Encoding: base64"]))
    with pytest.raises(MalformedMultipartError, match="base64"):
        parse(data)
    assert os.listdir(upload_dir) == []


def test_truncated_base64_file_on_disk_is_refused_and_removed(upload_dir, monkeypatch) -> None:
    monkeypatch.setattr(settings, "FILE_UPLOAD_MAX_MEMORY_SIZE", 100)
    data = body(
        part("f", b"QUJD" * 100 + b"QQ", filename="b.bin", headers=["Content-Transfer-Encoding: base64"])
    )
    with pytest.raises(MalformedMultipartError, match="truncated"):
        parse(split(data, random.Random(5), 64))
    assert os.listdir(upload_dir) == []


# --- random chunking ---------------------------------------------------------------------------------


def test_small_body_in_one_byte_chunks() -> None:
    data = body(
        part("a", "alpha"),
        part("b", "β\r\n--not a boundary\r\n"),
        part(
            "f", b"\r\n\r\n--" + BOUNDARY[:-1].encode() + b"\r\n", filename="t.txt", content_type="text/plain"
        ),
    )
    expected = snapshot(*parse(data))
    assert expected[0] == [("a", ["alpha"]), ("b", ["β\r\n--not a boundary\r\n"])]
    assert snapshot(*parse([data[i : i + 1] for i in range(len(data))])) == expected


def test_multi_megabyte_file_in_random_chunks(upload_dir, monkeypatch) -> None:
    rng = random.Random(42)
    content = rng.randbytes(3 * 2**20 + 17) + b"\r\n--" + BOUNDARY.encode()[:-3] + rng.randbytes(999)
    data = body(part("before", "1"), part("file", content, filename="big.bin"), part("after", "2"))
    # Stays in memory with a high threshold, goes to disk with the default (2.5 MB) one.
    monkeypatch.setattr(settings, "FILE_UPLOAD_MAX_MEMORY_SIZE", 10 * 2**20)
    expected = snapshot(*parse(data))
    assert expected[1][0][5] == content
    for max_piece in (1000, 8192, 70000):
        assert snapshot(*parse(split(data, rng, max_piece))) == expected
    monkeypatch.setattr(settings, "FILE_UPLOAD_MAX_MEMORY_SIZE", 2621440)
    post, files = parse(split(data, rng, 65536))
    assert isinstance(files["file"], TemporaryUploadedFile)
    assert snapshot(post, files) == expected
    files["file"].close()
    assert os.listdir(upload_dir) == []


# --- memory threshold and temporary files ------------------------------------------------------------


def test_file_crossing_memory_threshold_goes_to_disk(upload_dir, monkeypatch) -> None:
    monkeypatch.setattr(settings, "FILE_UPLOAD_MAX_MEMORY_SIZE", 1000)
    data = body(
        part("small", b"s" * 1000, filename="small.txt"),  # exactly the limit: memory
        part("big", b"b" * 1001, filename="../big.txt", content_type="text/plain; charset=utf-8"),
    )

    async def run() -> None:
        parser = MultiPartParser(CONTENT_TYPE, len(data))
        for piece in split(data, random.Random(1), 100):
            await parser.feed(piece)
        _post, files = await parser.close()
        small, big = files["small"], files["big"]
        assert isinstance(small, InMemoryUploadedFile)
        assert isinstance(big, TemporaryUploadedFile)
        path = big.temporary_file_path()
        assert os.path.dirname(path) == str(upload_dir)
        assert path.endswith(".upload.txt")
        assert (big.name, big.size, big.charset, big.content_type) == ("big.txt", 1001, "utf-8", "text/plain")
        assert big.read() == b"b" * 1001
        assert big.multiple_chunks(100)
        assert os.listdir(upload_dir) == [os.path.basename(path)]
        parser.cleanup()
        assert os.listdir(upload_dir) == []
        assert small.closed and big.closed
        parser.cleanup()  # idempotent

    asyncio.run(run())


def test_memory_threshold_counts_all_files_of_the_request(upload_dir, monkeypatch) -> None:
    monkeypatch.setattr(settings, "FILE_UPLOAD_MAX_MEMORY_SIZE", 1000)
    data = body(
        part("a", b"a" * 600, filename="a.txt"),
        part("b", b"b" * 400, filename="b.txt"),  # 1000 in memory in all: still fits
        part("c", b"c", filename="c.txt"),  # one byte more: to disk
        part("d", b"d" * 10, filename="d.txt"),
    )
    _, files = parse(data)
    kinds = [type(files[k]).__name__ for k in "abcd"]
    assert kinds == [
        "InMemoryUploadedFile",
        "InMemoryUploadedFile",
        "TemporaryUploadedFile",
        "TemporaryUploadedFile",
    ]
    assert [files[k].read() for k in "abcd"] == [b"a" * 600, b"b" * 400, b"c", b"d" * 10]
    for k in "cd":
        files[k].close()
    assert os.listdir(upload_dir) == []


def test_peak_memory_of_100mb_upload(upload_dir) -> None:
    piece = os.urandom(64 * 1024)
    count = 1600  # 100 MiB
    head = (
        b"--"
        + BOUNDARY.encode()
        + b'\r\nContent-Disposition: form-data; name="f"; filename="big.bin"\r\n\r\n'
    )
    tail = b"\r\n--" + BOUNDARY.encode() + b"--\r\n"

    async def run() -> tuple[int, int]:
        parser = MultiPartParser(CONTENT_TYPE, len(head) + count * len(piece) + len(tail))
        gc.collect()
        tracemalloc.start()
        try:
            baseline = tracemalloc.get_traced_memory()[0]
            await parser.feed(head)
            for _ in range(count):
                # A fresh object per chunk, as a server delivers them.
                await parser.feed(bytes(bytearray(piece)))
            await parser.feed(tail)
            _, files = await parser.close()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        upload = files["f"]
        size = upload.size
        assert os.path.getsize(upload.temporary_file_path()) == size
        parser.cleanup()
        return peak - baseline, size

    growth, size = asyncio.run(run())
    assert size == count * len(piece)
    assert growth < 32 * 2**20
    assert os.listdir(upload_dir) == []


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


# --- file names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("disposition", "expected"),
    [
        ('form-data; name="f"; filename="../../etc/passwd"', "passwd"),
        ('form-data; name="f"; filename="C:\\windows\\evil.exe"', "evil.exe"),
        ('form-data; name="f"; filename="\\\\server\\share\\evil.bat"', "evil.bat"),
        ('form-data; name="f"; filename="..\\..\\x.txt"', "x.txt"),
        ('form-data; name="f"; filename="ev\x01il\x1f\x7f.txt"', "evil.txt"),
        ('form-data; name="f"; filename="a%0D%0Ab.txt"', "ab.txt"),
        ('form-data; name="f"; filename="q%22uote.txt"', 'q"uote.txt'),
        ('form-data; name="f"; filename="..&#47;..&#47;evil.sh"', "evil.sh"),
        ('form-data; name="f"; filename="safe.txt"; filename*=UTF-8\'\'..%2F..%2Fevil', "evil"),
        ('form-data; name="f"; filename*=UTF-8\'\'..%2F..%2Fevil; filename="safe.txt"', "evil"),
        ("form-data; name=\"f\"; filename*=UTF-8''%2E%2E%5C%2E%2E%5Cevil%00.exe", "evil.exe"),
        ("form-data; name=\"f\"; filename*=UTF-8''%C3%A9t%C3%A9.txt", "été.txt"),
        ("form-data; name=\"f\"; filename*=''plain.txt", "plain.txt"),
        ('form-data; name="f"; filename*0="a"; filename*1="b.txt"', "ab.txt"),
        ('form-data; name="f"; filename="star*name.txt"', "star*name.txt"),
    ],
)
def test_file_name_sanitised(disposition: str, expected: str) -> None:
    _, files = parse(body(part(None, b"x", disposition=disposition)))
    assert files["f"].name == expected


@pytest.mark.parametrize(
    "disposition",
    [
        'form-data; name="f"; filename=".."',
        'form-data; name="f"; filename="dir/"',
        'form-data; name="f"; filename="\x00"',
        'form-data; name="f"; filename="ok.txt"; filename*=UTF-8\'\'..',
        'form-data; name="f"; filename="ok.txt"; filename*=UTF-8\'\'%2E%2E%2F',
    ],
)
def test_unusable_file_name_skips_the_part(disposition: str) -> None:
    post, files = parse(body(part(None, b"content", disposition=disposition), part("after", "1")))
    assert not files
    assert list(post.lists()) == [("after", ["1"])]


def test_extended_name_parameter() -> None:
    post, _ = parse(body(part(None, "v", disposition="form-data; name=\"x\"; name*=UTF-8''caf%C3%A9")))
    assert list(post.lists()) == [("café", ["v"])]


def test_extended_parameter_with_unknown_charset(upload_dir) -> None:
    data = body(part(None, b"x", disposition="form-data; name=\"f\"; filename*=no-such-charset''x.txt"))
    with pytest.raises(MalformedMultipartError, match="charset"):
        parse(data)


# --- cleanup on errors, aborts and cancellation ------------------------------------------------------


def spilled_then(*rest: bytes) -> bytes:
    return body(part("big", b"B" * 5000, filename="big.bin"), *rest)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (spilled_then(*(part("f", b"x", filename="x.txt") for _ in range(3))), TooManyFilesSent),
        (spilled_then(*(part(f"k{i}", "v") for i in range(5))), TooManyFieldsSent),
        (spilled_then(part("k", "v" * 2000)), RequestDataTooBig),
        (spilled_then(part(None, "v")), MalformedMultipartError),
        (spilled_then()[:-30], MalformedMultipartError),
    ],
)
def test_no_temporary_file_left_after_errors(upload_dir, monkeypatch, data: bytes, error: type) -> None:
    monkeypatch.setattr(settings, "FILE_UPLOAD_MAX_MEMORY_SIZE", 1000)
    monkeypatch.setattr(settings, "DATA_UPLOAD_MAX_NUMBER_FILES", 3)
    monkeypatch.setattr(settings, "DATA_UPLOAD_MAX_NUMBER_FIELDS", 4)
    monkeypatch.setattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", 1000)
    seen = []

    async def run() -> None:
        parser = MultiPartParser(CONTENT_TYPE, len(data))
        with pytest.raises(error):
            for piece in split(data, random.Random(9), 700):
                await parser.feed(piece)
                seen.append(len(os.listdir(upload_dir)))
            await parser.close()

    asyncio.run(run())
    assert max(seen) == 1  # the big file did reach the disk
    assert os.listdir(upload_dir) == []


def test_cleanup_midway_then_feed_fails(upload_dir, monkeypatch) -> None:
    monkeypatch.setattr(settings, "FILE_UPLOAD_MAX_MEMORY_SIZE", 10)
    data = spilled_then()

    async def run() -> None:
        parser = MultiPartParser(CONTENT_TYPE, len(data))
        await parser.feed(data[:3000])
        assert len(os.listdir(upload_dir)) == 1
        parser.abort()
        assert os.listdir(upload_dir) == []
        with pytest.raises(MultiPartParserError, match="closed"):
            await parser.feed(data[3000:])
        with pytest.raises(MultiPartParserError, match="closed"):
            await parser.close()

    asyncio.run(run())


def test_cancellation_during_disk_write_leaves_no_file(upload_dir, monkeypatch) -> None:
    monkeypatch.setattr(settings, "FILE_UPLOAD_MAX_MEMORY_SIZE", 10)
    data = spilled_then()

    async def run() -> None:
        parser = MultiPartParser(CONTENT_TYPE, len(data))
        task = asyncio.ensure_future(parser.feed(data[:3000]))
        await asyncio.sleep(0)  # the task is now waiting for its worker thread
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        with pytest.raises(MultiPartParserError, match="closed"):
            await parser.feed(data[3000:])

    asyncio.run(run())
    assert os.listdir(upload_dir) == []


def test_cleanup_racing_a_worker_thread(upload_dir) -> None:
    # What the worker-thread side does when cleanup() ran on the loop meanwhile.
    parser = MultiPartParser(CONTENT_TYPE, None)
    parser._file_info = ("race.txt", "text/plain", None, {})
    parser.cleanup()
    with pytest.raises(MultiPartParserError, match="aborted"):
        parser._open_temporary([b"data"])
    assert os.listdir(upload_dir) == []

    closed = TemporaryUploadedFile("w.txt", None, None, None)
    closed.close()
    with pytest.raises(MultiPartParserError, match="aborted"):
        parser._write(closed, [b"x"])
    # A closed file while the parser is still running is a real error, not an abort.
    running = MultiPartParser(CONTENT_TYPE, None)
    with pytest.raises(ValueError):
        running._write(closed, [b"x"])


def test_cleanup_after_success_closes_all_files(upload_dir, monkeypatch) -> None:
    monkeypatch.setattr(settings, "FILE_UPLOAD_MAX_MEMORY_SIZE", 10)

    async def run() -> None:
        data = body(part("m", b"mem", filename="m.txt"), part("d", b"d" * 50, filename="d.txt"))
        parser = MultiPartParser(CONTENT_TYPE, len(data))
        await parser.feed(data)
        _, files = await parser.close()
        assert len(os.listdir(upload_dir)) == 1
        parser.cleanup()
        assert files["m"].closed and files["d"].closed
        assert os.listdir(upload_dir) == []

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


# --- urlencoded --------------------------------------------------------------------------------------


def test_parse_urlencoded() -> None:
    post = parse_urlencoded(b"a=1&a=2&b=caf%C3%A9&c=+x+")
    assert isinstance(post, QueryDict)
    assert list(post.lists()) == [("a", ["1", "2"]), ("b", ["café"]), ("c", [" x "])]
    assert not post._mutable
    assert parse_urlencoded(b"b=caf%E9", "latin-1")["b"] == "café"
    assert parse_urlencoded(b"")._encoding == "utf-8"

"""microdj.http.multipartparser: well-formed bodies, chunking, temporary files, file names, cleanup."""

from __future__ import annotations

import asyncio
import base64
import gc
import os
import random
import tracemalloc

import pytest

from microdj.conf import settings
from microdj.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from microdj.core.files.uploadedfile import InMemoryUploadedFile, TemporaryUploadedFile
from microdj.http.multipartparser import (
    MalformedMultipartError,
    MultiPartParser,
    MultiPartParserError,
    parse_urlencoded,
)
from microdj.http.querydict import QueryDict
from tests.support.multipart import BOUNDARY, CONTENT_TYPE, body, parse, part, snapshot, split

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


# --- urlencoded --------------------------------------------------------------------------------------


def test_parse_urlencoded() -> None:
    post = parse_urlencoded(b"a=1&a=2&b=caf%C3%A9&c=+x+")
    assert isinstance(post, QueryDict)
    assert list(post.lists()) == [("a", ["1", "2"]), ("b", ["café"]), ("c", [" x "])]
    assert not post._mutable
    assert parse_urlencoded(b"b=caf%E9", "latin-1")["b"] == "café"
    assert parse_urlencoded(b"")._encoding == "utf-8"

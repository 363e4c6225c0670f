"""Request bodies through the application: forms, uploads, every limit just under and just over it,
malformed bodies, chunked bodies, timeouts, temporary files, and a 100 MB upload in bounded memory."""

import hashlib
import json
import logging
import os
import tracemalloc

import pytest

from microdj.http.multipartparser import MAX_PART_HEADER_COUNT, MAX_PART_HEADER_SIZE
from microdj.test import AsyncClient, Client, override_settings
from tests.core.urls_bodies import EVENTS
from tests.support.bodies import Exchange, app_fixture, run

BOUNDARY = b"xYzZy"
MULTIPART = [(b"content-type", b"multipart/form-data; boundary=" + BOUNDARY)]
URLENCODED = [(b"content-type", b"application/x-www-form-urlencoded")]


@pytest.fixture
def app():
    yield from app_fixture()


def _length(body: bytes) -> list:
    return [(b"content-length", str(len(body)).encode())]


def _part(name: str, value: bytes, filename: str | None = None, extra: list[bytes] = ()) -> bytes:
    disposition = f'Content-Disposition: form-data; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
    headers = [disposition.encode(), *extra]
    if filename is not None:
        headers.append(b"Content-Type: application/octet-stream")
    return b"--" + BOUNDARY + b"\r\n" + b"\r\n".join(headers) + b"\r\n\r\n" + value + b"\r\n"


def _multipart(*parts: bytes) -> bytes:
    return b"".join(parts) + b"--" + BOUNDARY + b"--\r\n"


def _post(app, path, body, headers, chunks=None, **kwargs):
    exchange = Exchange(chunks if chunks is not None else [body], **kwargs)
    return run(app, exchange, "POST", path, headers=headers)


# Forms and raw bodies -------------------------------------------------------------------------------------


def test_urlencoded_form(app):
    body = b"a=1&a=2&b=%C3%A9"
    exchange = _post(app, "/form/", body, URLENCODED + _length(body))
    assert exchange.status == 200
    assert json.loads(exchange.body) == {"a": ["1", "2"], "b": ["é"]}


@pytest.mark.parametrize("path", ["/json/sync/", "/json/async/"])
def test_json_body(app, path):
    body = json.dumps({"x": [1, 2]}).encode()
    exchange = _post(app, path, body, [(b"content-type", b"application/json"), *_length(body)])
    assert json.loads(exchange.body) == {"got": {"x": [1, 2]}}


def test_json_through_the_test_clients():
    with override_settings(ROOT_URLCONF="tests.core.urls_bodies"):
        client = Client()
        response = client.post("/json/sync/", {"k": "v"}, content_type="application/json")
        assert response.json() == {"got": {"k": "v"}}
        client.close()

        async def main():
            response = await AsyncClient().post("/json/async/", {"k": 1}, content_type="application/json")
            return response.json()

        import asyncio

        assert asyncio.run(main()) == {"got": {"k": 1}}


def test_aread_returns_the_same_body_and_fills_request_body(app):
    body = b"raw bytes"
    exchange = _post(app, "/aread/", body, _length(body), chunks=[b"raw ", b"bytes"])
    assert json.loads(exchange.body) == {"same": True, "body": "raw bytes", "attr": "raw bytes"}


def test_apost_returns_request_post(app):
    body = _multipart(_part("a", b"1"), _part("a", b"2"), _part("f", b"data", "f.txt"))
    exchange = _post(app, "/apost/", body, MULTIPART + _length(body))
    assert json.loads(exchange.body) == {"same": True, "a": ["1", "2"], "files": ["f"]}


@pytest.mark.parametrize("middleware", [[], ["tests.core.urls_bodies.ReadsContentType"]])
def test_async_view_reads_multipart_with_the_sync_api(middleware):
    # With or without a middleware having parsed the Content-Type first, the upload is received in time.
    body = _multipart(_part("a", b"1"), _part("f", b"data", "f.txt"))
    generator = app_fixture()
    app = next(generator)
    try:
        with override_settings(MIDDLEWARE=middleware):
            exchange = _post(app, "/upload/async/", body, MULTIPART + _length(body))
    finally:
        generator.close()
    assert json.loads(exchange.body) == {"fields": {"a": "1"}, "files": {"f": 4}}
    assert EVENTS == ["multipart/form-data"] * len(middleware)


def test_body_after_a_streaming_read_raises_raw_post_data_exception(app):
    body = b"ab\ncdef\nrest"
    exchange = _post(app, "/read-then-body/", body, _length(body), chunks=[b"a", b"b\ncd", b"ef\nrest"])
    assert json.loads(exchange.body) == {
        "head": "ab",
        "line": "\n",
        "error": "You cannot access body after reading from request's data stream",
    }


def test_astream_in_an_async_view(app):
    chunks = [b"x" * 10] * 5
    # Within DATA_UPLOAD_MAX_MEMORY_SIZE the handler has received the body before the async view runs.
    exchange = _post(app, "/astream/", b"", [(b"transfer-encoding", b"chunked")], chunks=chunks)
    assert json.loads(exchange.body) == {"parts": 1, "size": 50, "raw": 50}
    # Over it the body is left to the view: astream() reads it piece by piece, and body is then refused.
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=20):
        exchange = _post(app, "/astream/", b"", [(b"content-length", b"50")], chunks=chunks)
    assert json.loads(exchange.body) == {"parts": 5, "size": 50, "raw": "refused"}


# DATA_UPLOAD_MAX_MEMORY_SIZE ------------------------------------------------------------------------------


@pytest.mark.parametrize(("size", "status"), [(100, 200), (101, 413)])
@pytest.mark.parametrize("path", ["/raw/", "/json/async/"])
def test_declared_length_over_the_limit_is_refused_before_reading(app, size, status, path):
    body = b"1" * size
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100):
        exchange = _post(app, path, body, _length(body))
    assert exchange.status == status
    if status == 413:
        # No body message was asked for.
        assert exchange.receive_calls == 0
    else:
        assert exchange.receive_calls >= 1


@pytest.mark.parametrize(("size", "status"), [(100, 200), (101, 413)])
def test_chunked_body_over_the_limit(app, size, status):
    chunks = [b"1" * 10] * (size // 10) + ([b"1"] if size % 10 else [])
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100):
        exchange = _post(app, "/raw/", b"", [(b"transfer-encoding", b"chunked")], chunks=chunks)
    assert exchange.status == status


@pytest.mark.parametrize(("size", "status"), [(98, 200), (99, 413)])
def test_urlencoded_form_over_the_limit(app, size, status):
    body = b"a=" + b"x" * size
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100):
        exchange = _post(app, "/form/", body, URLENCODED + _length(body))
    assert exchange.status == status


@pytest.mark.parametrize(("size", "status"), [(97, 200), (98, 413)])
def test_multipart_field_over_the_limit(app, size, status):
    # A field counts its name and two separator bytes: 1 + 2 + size.
    body = _multipart(_part("a", b"x" * size), _part("f", b"y" * 1000, "big.bin"))
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100):
        exchange = _post(app, "/upload/", body, MULTIPART + _length(body))
    assert exchange.status == status


# DATA_UPLOAD_MAX_NUMBER_FIELDS / _FILES --------------------------------------------------------------------


@pytest.mark.parametrize(("count", "status"), [(3, 200), (4, 400)])
def test_too_many_urlencoded_fields(app, count, status):
    body = "&".join(f"f{i}=v" for i in range(count)).encode()
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=3):
        exchange = _post(app, "/form/", body, URLENCODED + _length(body))
    assert exchange.status == status


@pytest.mark.parametrize(("count", "status"), [(3, 200), (4, 400)])
def test_too_many_multipart_fields(app, count, status):
    body = _multipart(*[_part(f"f{i}", b"v") for i in range(count)])
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=3):
        exchange = _post(app, "/upload/", body, MULTIPART + _length(body))
    assert exchange.status == status


@pytest.mark.parametrize(("count", "status"), [(2, 200), (3, 400)])
def test_too_many_files(app, count, status):
    body = _multipart(*[_part("file", b"data", f"f{i}.txt") for i in range(count)])
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=2):
        exchange = _post(app, "/upload/", body, MULTIPART + _length(body))
    assert exchange.status == status


# Part header limits ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("extra", "status"), [(0, 200), (1, 400)])
def test_part_header_size_limit(app, extra, status):
    prefix = b"X-Pad: "
    # The longest header line the parser accepts (without its CRLF), then one byte more.
    pad = b"p" * (MAX_PART_HEADER_SIZE - len(prefix) + extra)
    body = _multipart(_part("a", b"1", extra=[prefix + pad]))
    exchange = _post(app, "/upload/", body, MULTIPART + _length(body))
    assert exchange.status == status


@pytest.mark.parametrize(
    ("count", "status"), [(MAX_PART_HEADER_COUNT, 200), (MAX_PART_HEADER_COUNT + 1, 400)]
)
def test_part_header_count_limit(app, count, status):
    extra = [f"X-H{i}: v".encode() for i in range(count - 1)]
    body = _multipart(_part("a", b"1", extra=extra))
    exchange = _post(app, "/upload/", body, MULTIPART + _length(body))
    assert exchange.status == status


# Length mismatches and malformed multipart ----------------------------------------------------------------


def test_body_longer_than_content_length(app):
    exchange = _post(app, "/raw/", b"", [(b"content-length", b"4")], chunks=[b"abc", b"de"])
    assert exchange.status == 400


def test_body_shorter_than_content_length(app):
    exchange = _post(app, "/raw/", b"", [(b"content-length", b"10")], chunks=[b"abc"])
    assert exchange.status == 400


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (b"multipart/form-data", _multipart(_part("a", b"1"))),
        (b"multipart/form-data; boundary=", _multipart(_part("a", b"1"))),
        (b"multipart/form-data; boundary=" + b"b" * 300, b"--" + b"b" * 300 + b"--\r\n"),
        (b"multipart/form-data; boundary=" + BOUNDARY, _multipart(_part("a", b"1"))[:-10]),
        (b"multipart/form-data; boundary=" + BOUNDARY, b"--" + BOUNDARY + b"\r\nno colon here\r\n\r\nx\r\n"),
        (b"multipart/form-data; boundary=" + BOUNDARY, b"garbage without boundary"),
    ],
)
def test_malformed_multipart_is_400(app, caplog, content_type, body):
    with caplog.at_level(logging.DEBUG):
        exchange = _post(app, "/upload/", body, [(b"content-type", content_type), *_length(body)])
    assert exchange.status == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r.name == "microdj.request"]


# Uploads -------------------------------------------------------------------------------------------------


def test_multi_megabyte_upload_in_small_chunks(app, tmp_path):
    data = os.urandom(3 * 1024 * 1024 + 17)
    body = _multipart(_part("f", b"field"), _part("file", data, "big.bin"))
    chunks = [body[i : i + 1000] for i in range(0, len(body), 1000)]
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path)):
        exchange = _post(app, "/upload/digest/", body, MULTIPART + _length(body), chunks=chunks)
    assert len(chunks) > 3000
    assert json.loads(exchange.body) == {
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "f": "field",
    }
    assert os.listdir(tmp_path) == []


def test_chunked_multipart_without_content_length(app):
    body = _multipart(_part("a", b"1"), _part("file", b"hello", "h.txt"))
    chunks = [body[i : i + 7] for i in range(0, len(body), 7)]
    exchange = _post(app, "/upload/", body, MULTIPART + [(b"transfer-encoding", b"chunked")], chunks=chunks)
    assert exchange.status == 200
    result = json.loads(exchange.body)
    assert result["fields"] == {"a": ["1"]}
    assert result["files"]["h.txt"]["size"] == 5


def test_temp_files_removed_after_the_response(app, tmp_path):
    body = _multipart(_part("file", b"a" * 3000, "a.bin"), _part("file", b"b" * 3000, "b.bin"))
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path), FILE_UPLOAD_MAX_MEMORY_SIZE=1000):
        exchange = _post(app, "/upload/", body, MULTIPART + _length(body))
    assert exchange.status == 200
    (paths,) = EVENTS
    assert len(paths) == 2 and all(path.startswith(str(tmp_path)) for path in paths)
    assert os.listdir(tmp_path) == []


def test_temp_files_removed_on_error(app, tmp_path, caplog):
    body = _multipart(_part("fail", b"1"), _part("file", b"a" * 3000, "a.bin"))
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path), FILE_UPLOAD_MAX_MEMORY_SIZE=1000):
        with caplog.at_level(logging.DEBUG):
            exchange = _post(app, "/upload/", body, MULTIPART + _length(body))
    assert exchange.status == 500
    (paths,) = EVENTS
    assert len(paths) == 1
    assert os.listdir(tmp_path) == []


def test_temp_files_removed_when_the_body_is_malformed_midway(app, tmp_path):
    body = _multipart(_part("file", b"a" * 3000, "a.bin"), _part("file", b"b" * 3000, "b.bin"))[:-20]
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path), FILE_UPLOAD_MAX_MEMORY_SIZE=1000):
        exchange = _post(app, "/upload/", body, MULTIPART + _length(body))
    assert exchange.status == 400
    assert os.listdir(tmp_path) == []


def test_hundred_megabyte_upload_in_bounded_memory(app, tmp_path):
    size = 100 * 1024 * 1024
    block = os.urandom(64 * 1024)
    head = b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="file"; filename="huge.bin"\r\n\r\n'
    tail = b"\r\n--" + BOUNDARY + b"--\r\n"
    total = len(head) + size + len(tail)
    digest = hashlib.sha256()

    def messages():
        yield {"type": "http.request", "body": head, "more_body": True}
        for _ in range(size // len(block)):
            digest.update(block)
            yield {"type": "http.request", "body": block, "more_body": True}
        yield {"type": "http.request", "body": tail, "more_body": False}

    exchange = Exchange(messages=messages())
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path)):
            run(
                app,
                exchange,
                "POST",
                "/upload/digest/",
                headers=MULTIPART + [(b"content-length", str(total).encode())],
            )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    result = json.loads(exchange.body)
    assert result["size"] == size
    assert result["sha256"] == digest.hexdigest()
    assert peak - baseline < 32 * 1024 * 1024
    assert os.listdir(tmp_path) == []


# REQUEST_BODY_TIMEOUT -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/raw/", "/json/async/"])
def test_trickling_client_gets_408(app, path):
    # One part arrives, then nothing: the reader gives up after REQUEST_BODY_TIMEOUT.
    messages = iter([{"type": "http.request", "body": b"ab", "more_body": True}])
    exchange = Exchange(messages=messages, leave_when=lambda sent: False)
    with override_settings(REQUEST_BODY_TIMEOUT=0.05):
        run(app, exchange, "POST", path, headers=[(b"content-length", b"10")])
    assert exchange.status == 408

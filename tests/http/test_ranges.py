"""Range requests and conditional GETs of FileResponse (microdj.http.ranges), unit-level and through the
application."""

import io
import os
import re

import pytest

from microdj.http import FileResponse, HttpRequest
from microdj.http.ranges import (
    MAX_RANGES,
    byteranges,
    parse_byte_ranges,
    read_span,
)
from microdj.test import Client, override_settings
from microdj.utils.http import http_date
from tests.core.urls_bodies import FILE

DATA = bytes(range(256)) * 40  # 10240 bytes
MTIME = 1_700_000_000


# parse_byte_ranges ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "spans"),
    [
        ("bytes=0-0", [(0, 1)]),
        ("bytes=0-99", [(0, 100)]),
        ("bytes=100-", [(100, 1000)]),
        ("bytes=-100", [(900, 1000)]),
        ("bytes=-5000", [(0, 1000)]),
        ("bytes=990-5000", [(990, 1000)]),
        ("BYTES = 1-2", [(1, 3)]),
        ("bytes=0-1, 5-6 ,, 9-", [(0, 2), (5, 7), (9, 1000)]),
        ("bytes=500-600,0-10", [(500, 601), (0, 11)]),
        ("bytes=0-4,5-9", [(0, 5), (5, 10)]),
        # Unsatisfiable specs are dropped; none left means 416.
        ("bytes=1000-", []),
        ("bytes=-0", []),
        ("bytes=5000-6000", []),
        ("bytes=0-1,2000-", [(0, 2)]),
    ],
)
def test_parse_byte_ranges(header, spans):
    assert parse_byte_ranges(header, 1000) == spans


@pytest.mark.parametrize(
    "header",
    [
        "items=0-1",
        "bytes",
        "bytes=",
        "bytes=,",
        "bytes=5",
        "bytes=-",
        "bytes=a-b",
        "bytes=1-a",
        "bytes=²-3",
        "bytes=5-4",
        "bytes=+1-2",
        # Overlapping ranges: the whole file instead.
        "bytes=0-10,5-20",
        "bytes=-500,0-600",
        ",".join(["bytes=0-0"] + [f"{i * 2}-{i * 2}" for i in range(1, MAX_RANGES + 1)]),
    ],
)
def test_ignored_range_headers(header):
    assert parse_byte_ranges(header, 1000) is None


def test_max_ranges_is_allowed():
    header = "bytes=" + ",".join(f"{i * 2}-{i * 2}" for i in range(MAX_RANGES))
    assert len(parse_byte_ranges(header, 1000)) == MAX_RANGES


def test_empty_file_ignores_ranges():
    assert parse_byte_ranges("bytes=0-1", 0) is None
    assert parse_byte_ranges("bytes=-1", 0) is None


def test_read_span_and_shrunk_file():
    file = io.BytesIO(b"0123456789")
    assert list(read_span(file, 2, 5, 2)) == [b"23", b"45", b"6"]
    assert list(read_span(file, 8, 5, 4)) == [b"89"]


def test_byteranges_body_and_length():
    file = io.BytesIO(b"xx0123456789")
    body, length = byteranges(file, 2, [(0, 2), (8, 10)], 10, "text/plain", "BOUND", 4096)
    data = b"".join(body)
    assert length == len(data)
    assert data == (
        b"--BOUND\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\n01"
        b"\r\n--BOUND\r\nContent-Type: text/plain\r\nContent-Range: bytes 8-9/10\r\n\r\n89"
        b"\r\n--BOUND--\r\n"
    )


# FileResponse.apply_request -------------------------------------------------------------------------------


def _request(method="GET", **meta):
    request = HttpRequest()
    request.method = method
    request.META.update(meta)
    return request


def test_apply_request_skips_what_it_cannot_serve():
    response = FileResponse([b"not", b"a file"])
    response.apply_request(_request(HTTP_RANGE="bytes=0-1"))
    assert response.status_code == 200 and "Content-Range" not in response
    response = FileResponse(io.BytesIO(DATA), status=203)
    response.apply_request(_request(HTTP_RANGE="bytes=0-1"))
    assert response.status_code == 203
    response = FileResponse(io.BytesIO(DATA))
    response.apply_request(_request("POST", HTTP_RANGE="bytes=0-1"))
    assert response.status_code == 200


def test_apply_request_without_known_size():
    class Stream:
        def __init__(self):
            self.raw = io.BytesIO(DATA)

        def read(self, size=-1):
            return self.raw.read(size)

    response = FileResponse(Stream())
    response.apply_request(_request(HTTP_RANGE="bytes=0-1"))
    assert response.status_code == 200
    assert "Accept-Ranges" not in response
    assert "Last-Modified" not in response


def test_apply_request_on_a_file_object_without_fileno(tmp_path):
    path = tmp_path / "named.bin"
    path.write_bytes(DATA)
    os.utime(path, (MTIME, MTIME))

    class Named(io.BytesIO):
        name = str(path)

        def fileno(self):
            raise io.UnsupportedOperation

    response = FileResponse(Named(DATA))
    response.apply_request(_request())
    assert response["Last-Modified"] == http_date(MTIME)
    response = FileResponse(io.BytesIO(DATA))
    response.file_to_stream.name = str(tmp_path / "missing")
    response.apply_request(_request())
    assert "Last-Modified" not in response


def test_apply_request_keeps_a_last_modified_header_set_by_the_view():
    response = FileResponse(io.BytesIO(DATA), headers={"Last-Modified": http_date(MTIME)})
    response.apply_request(_request(HTTP_IF_MODIFIED_SINCE=http_date(MTIME)))
    assert response.status_code == 304


def test_offset_files_range_from_their_start():
    file = io.BytesIO(b"HEADER" + DATA)
    file.seek(6)
    response = FileResponse(file)
    response.apply_request(_request(HTTP_RANGE="bytes=0-3"))
    assert response.status_code == 206
    assert b"".join(response) == DATA[:4]


# Through the application ----------------------------------------------------------------------------------


@pytest.fixture
def client(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(DATA)
    os.utime(path, (MTIME, MTIME))
    FILE["path"] = str(path)
    with override_settings(ROOT_URLCONF="tests.core.urls_bodies"):
        client = Client()
        yield client
        client.close()


def test_whole_file(client):
    response = client.get("/file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == DATA
    assert response["Content-Length"] == str(len(DATA))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'inline; filename="data.bin"'
    assert response["Last-Modified"] == http_date(MTIME)
    assert response["Accept-Ranges"] == "bytes"


def test_content_type_and_disposition(client):
    response = client.get("/file/", {"attachment": "1", "filename": "report.pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    response = client.get("/file/", {"filename": "notes.txt"})
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"] == 'inline; filename="notes.txt"'


def test_single_range(client):
    response = client.get("/file/", headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{len(DATA)}"
    assert response["Content-Length"] == "100"
    assert b"".join(response.streaming_content) == DATA[100:200]
    response = client.get("/file/", headers={"Range": "bytes=-10"})
    assert b"".join(response.streaming_content) == DATA[-10:]
    assert response["Content-Range"] == f"bytes {len(DATA) - 10}-{len(DATA) - 1}/{len(DATA)}"


def test_range_larger_than_a_block(client):
    response = client.get("/file/", headers={"Range": "bytes=1-9000"})
    chunks = list(response.streaming_content)
    assert b"".join(chunks) == DATA[1:9001]
    assert len(chunks) == 3


def test_unsatisfiable_range(client):
    response = client.get("/file/", headers={"Range": f"bytes={len(DATA)}-"})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(DATA)}"
    assert response["Content-Length"] == "0"
    assert "Content-Type" not in response
    assert b"".join(response.streaming_content) == b""


def test_multiple_ranges(client):
    response = client.get("/file/", headers={"Range": "bytes=0-9,-5,100-104"})
    assert response.status_code == 206
    match = re.fullmatch(r"multipart/byteranges; boundary=([0-9a-f]{32})", response["Content-Type"])
    assert match
    boundary = match[1].encode()
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)
    size = len(DATA)
    assert body == (
        b"--" + boundary + b"\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Range: bytes 0-9/%d\r\n\r\n" % size + DATA[:10] + b"\r\n--" + boundary + b"\r\n"
        b"Content-Type: application/octet-stream\r\nContent-Range: bytes %d-%d/%d\r\n\r\n"
        % (size - 5, size - 1, size)
        + DATA[-5:]
        + b"\r\n--"
        + boundary
        + b"\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 100-104/%d\r\n\r\n" % size
        + DATA[100:105]
        + b"\r\n--"
        + boundary
        + b"--\r\n"
    )


@pytest.mark.parametrize(
    "header", ["bytes=0-10,5-20", "bytes=" + ",".join(["1-1"] * 11), "lines=1-2", "bytes=9-1"]
)
def test_ignored_ranges_send_the_whole_file(client, header):
    response = client.get("/file/", headers={"Range": header})
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == DATA


def test_head_ignores_range_but_advertises_it(client):
    response = client.head("/file/", headers={"Range": "bytes=0-1"})
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(DATA))
    assert b"".join(response.streaming_content) == b""


def test_if_range(client):
    date = http_date(MTIME)
    response = client.get("/file/", headers={"Range": "bytes=0-1", "If-Range": date})
    assert response.status_code == 206
    response = client.get("/file/", headers={"Range": "bytes=0-1", "If-Range": http_date(MTIME - 5)})
    assert response.status_code == 200
    response = client.get("/file/", {"etag": '"v1"'}, headers={"Range": "bytes=0-1", "If-Range": '"v1"'})
    assert response.status_code == 206
    response = client.get("/file/", {"etag": '"v2"'}, headers={"Range": "bytes=0-1", "If-Range": '"v1"'})
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == DATA


def test_if_modified_since(client):
    response = client.get("/file/", headers={"If-Modified-Since": http_date(MTIME)})
    assert response.status_code == 304
    assert b"".join(response.streaming_content) == b""
    assert response["Last-Modified"] == http_date(MTIME)
    assert "Content-Length" not in response and "Content-Disposition" not in response
    response = client.get("/file/", headers={"If-Modified-Since": http_date(MTIME - 1)})
    assert response.status_code == 200


def test_if_none_match(client):
    response = client.get("/file/", {"etag": '"v1"'}, headers={"If-None-Match": '"v0", "v1"'})
    assert response.status_code == 304
    assert response["ETag"] == '"v1"'
    response = client.head("/file/", {"etag": '"v1"'}, headers={"If-None-Match": '"v1"'})
    assert response.status_code == 304
    response = client.get("/file/", {"etag": '"v1"'}, headers={"If-None-Match": '"v2"'})
    assert response.status_code == 200


def test_if_match_and_if_unmodified_since(client):
    response = client.get("/file/", {"etag": '"v1"'}, headers={"If-Match": '"v2"', "Range": "bytes=0-1"})
    assert response.status_code == 412
    assert b"".join(response.streaming_content) == b""
    assert response["Content-Length"] == "0" and "Content-Disposition" not in response
    response = client.get("/file/", {"etag": '"v1"'}, headers={"If-Match": '"v1"', "Range": "bytes=0-1"})
    assert response.status_code == 206
    response = client.get("/file/", headers={"If-Unmodified-Since": http_date(MTIME - 1)})
    assert response.status_code == 412
    response = client.get("/file/", headers={"If-Unmodified-Since": http_date(MTIME)})
    assert response.status_code == 200


def test_if_none_match_without_a_valid_tag_counts_as_absent(client):
    response = client.get("/file/", headers={"If-None-Match": "junk", "If-Modified-Since": http_date(MTIME)})
    assert response.status_code == 304


def test_file_is_closed_after_every_answer(client):
    from tests.core.urls_bodies import EVENTS

    EVENTS.clear()
    responses = [
        client.get("/file/"),
        client.get("/file/", headers={"Range": "bytes=0-1"}),
        client.get("/file/", headers={"Range": "bytes=0-1,4-5"}),
        client.get("/file/", headers={"Range": "bytes=99999-"}),
        client.get("/file/", headers={"If-Modified-Since": http_date(MTIME)}),
        client.head("/file/"),
    ]
    # The test client lets a streaming response's request finish once the test has read the body.
    for response in responses:
        b"".join(response)
    handles = [event for event in EVENTS if hasattr(event, "closed")]
    assert len(handles) == 6
    assert all(handle.closed for handle in handles)

"""Tests of microdj.http.response.FileResponse, with differential checks against django.http."""

from __future__ import annotations

import io
import os

import django.http as dj
import pytest

from microdj.http.response import (
    FileResponse,
    JsonResponse,
)
from tests.support.responses import same

# FileResponse ---------------------------------------------------------------------------------------------


@pytest.fixture
def text_file(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(b"0123456789" * 1000)
    return path


def test_file_response_from_file(text_file):
    with open(text_file, "rb") as handle:
        handle.seek(5)
        response = FileResponse(handle)
        assert response["Content-Length"] == str(10000 - 5)
        assert response["Content-Type"] == "text/plain"
        assert response["Content-Disposition"] == 'inline; filename="report.txt"'
        assert response.file_to_stream is handle
        assert b"".join(response) == (b"0123456789" * 1000)[5:]
        response.close()
        assert handle.closed


def test_file_response_chunks_have_block_size(text_file):
    class Small(FileResponse):
        block_size = 3000

    with open(text_file, "rb") as handle:
        response = Small(handle)
        assert [len(chunk) for chunk in response] == [3000, 3000, 3000, 1000]
        response.close()


@pytest.mark.parametrize(
    ("kwargs", "headers"),
    [
        ({}, {}),
        ({"as_attachment": True}, {}),
        ({"as_attachment": True, "filename": "custom ♥.csv"}, {}),
        ({"filename": "dir/archive.tar.gz"}, {}),
        ({"filename": "a.svgz"}, {}),
        ({"filename": "a.bz2"}, {}),
        ({"filename": "x.unknownext"}, {}),
        ({"content_type": "video/webm", "filename": "a.txt"}, {}),
        ({"content_type": None, "filename": "a.txt"}, {}),
        ({"status": 206, "headers": {"X-A": "1"}}, {}),
    ],
)
def test_file_response_matches_django(kwargs, headers):
    ours = FileResponse(io.BytesIO(b"binary content"), **kwargs)
    theirs = dj.FileResponse(io.BytesIO(b"binary content"), **kwargs)
    same(ours, theirs)


def test_file_response_on_disk_matches_django(text_file):
    with open(text_file, "rb") as ours_handle, open(text_file, "rb") as theirs_handle:
        same(
            FileResponse(ours_handle, as_attachment=True), dj.FileResponse(theirs_handle, as_attachment=True)
        )


class NonSeekable:
    """A file-like object with tell() but no seeking."""

    def __init__(self, data, name=None, getbuffer=False):
        self.raw = io.BytesIO(data)
        if name is not None:
            self.name = name
        if getbuffer:
            self.getbuffer = self.raw.getbuffer

    def read(self, size=-1):
        return self.raw.read(size)

    def tell(self):
        return self.raw.tell()

    def seekable(self):
        return False

    def seek(self, *args):
        raise OSError("not seekable")


class NoTell:
    """A seekable file-like object without tell()."""

    def __init__(self, data):
        self.raw = io.BytesIO(data)

    def read(self, size=-1):
        return self.raw.read(size)

    def seek(self, offset, whence=0):
        return self.raw.seek(offset, whence)


def test_file_response_length_from_getbuffer():
    filelike = NonSeekable(b"abcdef", getbuffer=True)
    filelike.read(2)
    assert FileResponse(filelike)["Content-Length"] == "4"


def test_file_response_length_from_file_on_disk(text_file):
    with open(text_file, "rb") as handle:
        filelike = NonSeekable(b"", name=str(text_file))
        assert FileResponse(filelike)["Content-Length"] == "10000"
        assert handle


def test_file_response_length_unknown():
    response = FileResponse(NonSeekable(b"abc", name=b"bytes-name"))
    assert "Content-Length" not in response
    assert response["Content-Type"] == "application/octet-stream"
    assert "Content-Disposition" not in response
    assert b"".join(response) == b"abc"


def test_file_response_length_without_tell():
    filelike = NoTell(b"x" * 5000)
    filelike.read(1000)
    response = FileResponse(filelike)
    assert response["Content-Length"] == "4000"
    assert b"".join(response) == b"x" * 4000


def test_file_response_read_only_stream():
    class ReadOnly:
        def __init__(self):
            self.raw = io.BytesIO(b"stream")

        def read(self, size=-1):
            return self.raw.read(size)

    response = FileResponse(ReadOnly(), as_attachment=True)
    assert "Content-Length" not in response
    assert response["Content-Disposition"] == "attachment"
    assert b"".join(response) == b"stream"


def test_file_response_with_plain_iterable():
    response = FileResponse([b"a", b"b"])
    assert response.file_to_stream is None
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert b"".join(response) == b"ab"


def test_file_response_temporary_file(tmp_path):
    path = tmp_path / "data.json"
    path.write_text("{}")
    fd = os.open(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as handle:
        response = FileResponse(handle, filename="other.html")
        assert response["Content-Type"] == "text/html"
        assert response["Content-Disposition"] == 'inline; filename="other.html"'
        response.close()


# ASGI headers ---------------------------------------------------------------------------------------------


def test_asgi_headers_of_file_response_keep_content_length():
    response = FileResponse(io.BytesIO(b"abc"), filename="a.txt")
    assert response.asgi_headers() == [
        (b"content-type", b"text/plain"),
        (b"content-length", b"3"),
        (b"content-disposition", b'inline; filename="a.txt"'),
    ]


def test_asgi_headers_of_json_response():
    response = JsonResponse({"a": 1})
    assert response.asgi_headers() == [(b"content-type", b"application/json")]
    assert response.content == b'{"a": 1}'

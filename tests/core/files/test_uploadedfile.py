"""Tests for microdj.core.files (File), microdj.core.files.uploadedfile and microdj.core.files.utils."""

from __future__ import annotations

import io
import os
import random
import tempfile

import pytest
from django.core.files.base import File as DjangoFile
from django.core.files.uploadedfile import UploadedFile as DjangoUploadedFile

from microdj.conf import settings
from microdj.core.exceptions import SuspiciousFileOperation
from microdj.core.files import File
from microdj.core.files.uploadedfile import (
    InMemoryUploadedFile,
    SimpleUploadedFile,
    TemporaryUploadedFile,
    UploadedFile,
)
from microdj.core.files.utils import (
    MAX_FILE_NAME_LENGTH,
    get_base_name,
    sanitize_upload_name,
    truncate_name,
    validate_file_name,
)

# --- utils -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\windows\\evil.exe", "evil.exe"),
        ("a/b\\c/d.txt", "d.txt"),
        ("ev\x00il.txt", "evil.txt"),
        ("\x01\x1f\x7f\x80\x9fname\u202e.txt", "name.txt"),
        ("tab\there.txt", "tabhere.txt"),
        ("dir/", ""),
        ("with space.txt", "with space.txt"),
        ("été.txt", "été.txt"),
    ],
)
def test_get_base_name(raw: str, expected: str) -> None:
    assert get_base_name(raw) == expected


def test_truncate_name_keeps_extension() -> None:
    assert truncate_name("a" * 255) == "a" * 255
    long = "b" * 300 + ".jpeg"
    assert truncate_name(long) == "b" * 250 + ".jpeg"
    assert len(truncate_name(long)) == MAX_FILE_NAME_LENGTH
    # An extension longer than the limit is itself cut.
    assert truncate_name("x." + "e" * 300) == ("." + "e" * 300)[:255]


@pytest.mark.parametrize("bad", ["", ".", "..", "a/b", "a\\b"])
def test_validate_file_name_rejects(bad: str) -> None:
    with pytest.raises(SuspiciousFileOperation):
        validate_file_name(bad)


def test_validate_file_name_accepts() -> None:
    assert validate_file_name("ok.txt") == "ok.txt"
    assert validate_file_name("...") == "..."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a.txt", "a.txt"),
        ("..&#47;..&#47;evil", "evil"),
        ("x&amp;y.txt", "x&y.txt"),
        ("..&#92;evil", "evil"),
        ("..", None),
        (".", None),
        ("", None),
        ("a/..", None),
        (".\x00.", None),
        ("/", None),
        ("n" * 400, "n" * 255),
    ],
)
def test_sanitize_upload_name(raw: str, expected: str | None) -> None:
    assert sanitize_upload_name(raw) == expected


# --- File --------------------------------------------------------------------------------------------


def test_file_basics() -> None:
    f = File(io.BytesIO(b"abc"), "x.bin")
    assert str(f) == "x.bin"
    assert repr(f) == "<File: x.bin>"
    assert bool(f)
    assert len(f) == 3
    unnamed = File(io.BytesIO(b""))
    assert str(unnamed) == ""
    assert repr(unnamed) == "<File: None>"
    assert not unnamed


def test_file_name_and_mode_from_file(tmp_path) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(b"hello")
    with open(path, "rb") as fh:
        f = File(fh)
        assert f.name == str(path)
        assert f.mode == "rb"
        # Size from the path on disk.
        assert f.size == 5


def test_file_size_sources() -> None:
    class Sized:
        size = 42

    assert File(Sized()).size == 42  # type: ignore[arg-type]
    buf = io.BytesIO(b"12345")
    buf.seek(2)
    f = File(buf)
    assert f.size == 5
    assert buf.tell() == 2  # the position is restored
    buf.write(b"more")
    assert f.size == 5  # cached
    f.size = 9
    assert f.size == 9

    class Named(io.BytesIO):
        name = "/nonexistent/definitely/missing"

    assert File(Named(b"xyz")).size == 3  # the path lookup fails; seeking gives the size

    with pytest.raises(AttributeError, match="Unable to determine"):
        _ = File(object()).size  # type: ignore[arg-type]


def test_file_chunks_and_multiple_chunks() -> None:
    data = bytes(range(256)) * 10
    f = File(io.BytesIO(data), "d")
    f.read(7)
    assert b"".join(f.chunks(100)) == data  # rewinds first
    assert [len(c) for c in f.chunks(1000)] == [1000, 1000, 560]
    assert list(File(io.BytesIO(b""), "e").chunks()) == []
    assert f.multiple_chunks(100)
    assert not f.multiple_chunks()
    assert not f.multiple_chunks(len(data))


def test_file_chunks_without_seek() -> None:
    class NoSeek:
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def read(self, size: int = -1) -> bytes:
            return self._data.read(size)

    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self._data = io.BytesIO(b"pipe data")

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

        def seek(self, *args) -> int:  # type: ignore[no-untyped-def]
            raise io.UnsupportedOperation("seek")

    assert b"".join(File(NoSeek(b"abc"), "n").chunks(2)) == b"abc"  # type: ignore[arg-type]
    assert b"".join(File(Unseekable(), "p").chunks(4)) == b"pipe data"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"one line",
        b"a\nb\nc",
        b"a\r\nb\r\n",
        b"a\rb\rc\r",
        b"\r\n\r\n\n\r",
        b"x" * 70000 + b"\r\n" + b"y" * 10,
    ],
)
def test_file_iter_lines_like_django(data: bytes) -> None:
    assert list(File(io.BytesIO(data), "f")) == list(DjangoFile(io.BytesIO(data), "f"))


def test_file_iter_random_against_django() -> None:
    rng = random.Random(1234)
    alphabet = b"ab\r\n"
    for _ in range(300):
        data = bytes(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        size = rng.randrange(1, 6)
        ours = File(io.BytesIO(data), "f")
        ours.DEFAULT_CHUNK_SIZE = size
        theirs = DjangoFile(io.BytesIO(data), "f")
        theirs.DEFAULT_CHUNK_SIZE = size
        assert list(ours) == list(theirs), (data, size)
        assert b"".join(ours) == data


def test_file_iter_text() -> None:
    f = File(io.StringIO("a\nb\r\nc"), "t")
    f.DEFAULT_CHUNK_SIZE = 2
    assert list(f) == ["a\n", "b\r\n", "c"]


def test_file_open_close_and_context(tmp_path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"content")
    f = File(open(path, "rb"))  # noqa: SIM115
    f.read(3)
    assert f.open() is f
    assert f.read() == b"content"
    with f as same:
        assert same is f
    assert f.closed
    # Reopened from its path, with the original mode or a new one.
    assert f.open().read() == b"content"
    f.close()
    assert f.open("r").read() == "content"
    f.close()
    path.unlink()
    with pytest.raises(ValueError, match="cannot be reopened"):
        f.open()
    nameless = File(io.BytesIO(b""))
    nameless.close()
    with pytest.raises(ValueError, match="cannot be reopened"):
        nameless.open()


def test_file_proxies(tmp_path) -> None:
    path = tmp_path / "p.bin"
    f = File(open(path, "w+b"))  # noqa: SIM115
    assert f.readable() and f.writable() and f.seekable()
    assert f.write(b"line1\nline2\nline3\n") == 18
    f.writelines([b"x", b"y"])
    f.flush()
    assert f.tell() == 20
    assert f.seek(0) == 0
    assert f.readline() == b"line1\n"
    buffer = bytearray(3)
    assert f.readinto(buffer) == 3 and bytes(buffer) == b"lin"
    assert f.readlines() == [b"e2\n", b"line3\n", b"xy"]
    assert f.seek(0) == 0
    assert f.read(2) == b"li"
    assert f.truncate(4) == 4
    assert isinstance(f.fileno(), int)
    assert f.isatty() is False
    f.close()
    assert f.closed
    assert not f.readable() and not f.writable() and not f.seekable()
    assert File(None).closed


# --- UploadedFile ------------------------------------------------------------------------------------


def test_uploaded_file_attributes() -> None:
    buf = io.BytesIO(b"data")
    f = UploadedFile(buf, "a.txt", "text/plain", 4, "utf-8", {"charset": "utf-8"})
    assert (f.name, f.content_type, f.size, f.charset) == ("a.txt", "text/plain", 4, "utf-8")
    assert f.content_type_extra == {"charset": "utf-8"}
    assert repr(f) == "<UploadedFile: a.txt (text/plain)>"
    empty = UploadedFile()
    assert empty.name is None and empty.size is None and empty.file is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\windows\\evil.exe", "evil.exe"),
        ("\\\\server\\share\\x.doc", "x.doc"),
        ("nul\x00byte.txt", "nulbyte.txt"),
        ("ctrl\r\n\x1b[31m.txt", "ctrl[31m.txt"),
        ("plain.txt", "plain.txt"),
    ],
)
def test_uploaded_file_name_sanitised(raw: str, expected: str) -> None:
    f = UploadedFile(io.BytesIO(), raw)
    assert f.name == expected
    f.name = raw
    assert f.name == expected


def test_uploaded_file_long_name_like_django() -> None:
    for name in ["a" * 300 + ".txt", "b" * 256, "c." + "d" * 300, "e" * 255]:
        assert UploadedFile(io.BytesIO(), name).name == DjangoUploadedFile(io.BytesIO(), name).name


@pytest.mark.parametrize("bad", ["", ".", "..", "x/..", "y\\.", "\x00"])
def test_uploaded_file_unsafe_names_rejected(bad: str) -> None:
    with pytest.raises(SuspiciousFileOperation):
        UploadedFile(io.BytesIO(), bad)


def test_uploaded_file_open() -> None:
    f = UploadedFile(io.BytesIO(b"abc"), "a.txt")
    f.read()
    assert f.open() is f
    assert f.read() == b"abc"
    f.close()
    with pytest.raises(ValueError, match="cannot be reopened"):
        f.open()


def test_uploaded_file_does_not_reopen_by_name(tmp_path, monkeypatch) -> None:
    # A closed upload must never open whatever file its client-chosen name happens to match.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "secret.txt").write_bytes(b"secret")
    f = UploadedFile(io.BytesIO(b"upload"), "secret.txt")
    f.close()
    with pytest.raises(ValueError):
        f.open()


def test_in_memory_uploaded_file() -> None:
    f = InMemoryUploadedFile(io.BytesIO(b"a\nb"), "field", "f.txt", "text/plain", 3, "utf-8", {"a": "b"})
    assert f.field_name == "field"
    f.read()
    assert list(f.chunks()) == [b"a\nb"]
    assert list(f.chunks(1)) == [b"a\nb"]
    assert f.multiple_chunks() is False
    assert f.multiple_chunks(1) is False
    assert list(f) == [b"a\n", b"b"]
    assert f.open().read() == b"a\nb"
    with f:
        pass
    assert f.closed
    empty = InMemoryUploadedFile(io.BytesIO(b""), "f", "e.txt", None, 0, None)
    assert list(empty.chunks()) == [b""]
    assert list(empty) == []
    assert empty.content_type_extra is None


def test_simple_uploaded_file() -> None:
    f = SimpleUploadedFile("../x.txt", b"hello")
    assert (f.name, f.size, f.content_type, f.charset, f.field_name) == ("x.txt", 5, "text/plain", None, None)
    assert f.read() == b"hello"
    g = SimpleUploadedFile("y.bin", None, "application/octet-stream")
    assert (g.size, g.read(), g.content_type) == (0, b"", "application/octet-stream")
    h = SimpleUploadedFile.from_dict({"filename": "z.txt", "content": b"zz"})
    assert (h.name, h.read(), h.content_type) == ("z.txt", b"zz", "text/plain")
    i = SimpleUploadedFile.from_dict({"filename": "i.png", "content": b"i", "content-type": "image/png"})
    assert i.content_type == "image/png"


def test_temporary_uploaded_file(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(settings, "FILE_UPLOAD_TEMP_DIR", str(tmp_path))
    f = TemporaryUploadedFile("../photo.jpg", "image/jpeg", 0, None, {"x": "1"})
    path = f.temporary_file_path()
    assert os.path.dirname(path) == str(tmp_path)
    assert path.endswith(".upload.jpg")
    assert (f.name, f.content_type, f.size, f.charset, f.content_type_extra) == (
        "photo.jpg",
        "image/jpeg",
        0,
        None,
        {"x": "1"},
    )
    assert f.mode == "rb+"
    f.write(b"0123456789" * 10000)
    f.flush()
    f.seek(0)
    assert not f.multiple_chunks()  # the size given at creation counts, as in Django
    f.size = 100000
    assert f.multiple_chunks()
    assert b"".join(f.chunks()) == b"0123456789" * 10000
    assert os.path.exists(path)
    assert f.open() is f
    f.close()
    assert not os.path.exists(path)
    assert os.listdir(tmp_path) == []
    f.close()  # idempotent


@pytest.mark.parametrize("name", ["noext", "x.ééé", "x." + "e" * 20, "x.a-b", "x."])
def test_temporary_uploaded_file_plain_suffix(tmp_path, monkeypatch, name: str) -> None:
    monkeypatch.setattr(settings, "FILE_UPLOAD_TEMP_DIR", str(tmp_path))
    with TemporaryUploadedFile(name, None, None, None) as f:
        assert f.temporary_file_path().endswith(".upload")
    assert os.listdir(tmp_path) == []


def test_temporary_uploaded_file_default_dir_and_moved(monkeypatch) -> None:
    monkeypatch.setattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    f = TemporaryUploadedFile("a.txt", "text/plain", None, "utf-8")
    path = f.temporary_file_path()
    assert os.path.dirname(path) == tempfile.gettempdir()
    os.unlink(path)  # moved away by the application
    f.close()  # no FileNotFoundError
    assert f.closed


def test_holding_is_init_for_a_sanitized_name():
    made = InMemoryUploadedFile(
        io.BytesIO(b"abc"), "f", "a.txt", "text/plain", 3, "utf-8", {"charset": "utf-8"}
    )
    held = InMemoryUploadedFile.holding(b"abc", "f", "a.txt", "text/plain", "utf-8", {"charset": "utf-8"})
    fields = ("name", "field_name", "size", "content_type", "charset", "content_type_extra")
    assert [getattr(held, f) for f in fields] == [getattr(made, f) for f in fields]
    assert held.read() == made.read() == b"abc"
    assert not hasattr(held, "mode") and not hasattr(made, "mode")

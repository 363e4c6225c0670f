"""request.upload_handlers and Django's MultiPartParser API (microdj.http.uploads, multipartparser)."""

from __future__ import annotations

import io

import pytest

from microdj.core.files.base import ContentFile
from microdj.core.files.uploadhandler import (
    FileUploadHandler,
    MemoryFileUploadHandler,
    StopUpload,
    TemporaryFileUploadHandler,
    load_handler,
)
from microdj.http.multipartparser import MultiPartParser, MultiPartParserError
from microdj.test import Client, override_settings
from tests.http.urls_uploads import RecordingHandler

pytestmark = pytest.mark.usefixtures("urlconf")


@pytest.fixture
def urlconf():
    RecordingHandler.calls = []
    with override_settings(ROOT_URLCONF="tests.http.urls_uploads"):
        yield


def upload(name: str, content: bytes) -> io.BytesIO:
    f = io.BytesIO(content)
    f.name = name
    return f


def test_custom_handlers_set_by_the_view_receive_the_files():
    response = Client().post("/custom/", {"a": "1", "f": upload("x.txt", b"hello")})
    assert response.json() == {"post": {"a": "1"}, "files": {"f": ["HELLO"]}, "kinds": ["SimpleUploadedFile"]}
    assert RecordingHandler.calls == ["new:x.txt", "complete:5", "upload_complete"]


def test_skip_file_and_stop_upload():
    response = Client().post("/custom/", {"s": upload("skip.txt", b"x"), "k": upload("keep.txt", b"k")})
    assert response.json()["files"] == {"k": ["K"]}
    response = Client().post("/custom/", {"a": "1", "f": upload("stop.txt", b"x"), "z": "2"})
    assert response.json()["files"] == {} and response.json()["post"] == {"a": "1"}


def test_upload_handlers_cannot_change_after_the_upload_was_parsed():
    response = Client().post("/too-late/", {"f": upload("x.txt", b"x")})
    set_error, alter_error = response.json()["errors"]
    assert "cannot set the upload handlers after the upload has been processed" in set_error
    assert alter_error == "You cannot alter upload handlers after the upload has been processed."
    assert response.json()["count"] == 2


def test_file_upload_handlers_setting_picks_the_handlers():
    handlers = ["microdj.core.files.uploadhandler.TemporaryFileUploadHandler"]
    with override_settings(FILE_UPLOAD_HANDLERS=handlers):
        response = Client().post("/summary/", {"f": upload("t.txt", b"on disk")})
    assert response.json()["kinds"] == ["TemporaryUploadedFile"]
    assert response.json()["files"] == {"f": ["on disk"]}
    default = Client().post("/summary/", {"f": upload("m.txt", b"in memory")})
    assert default.json()["kinds"] == ["InMemoryUploadedFile"]


BODY = (
    b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nhello\r\n'
    b'--B\r\nContent-Disposition: form-data; name="f"; filename="x.txt"\r\nContent-Type: text/plain\r\n'
    b"Content-Transfer-Encoding: base64\r\n\r\nZmlsZWRhdGE=\r\n--B--\r\n"
)


def meta(body: bytes = BODY, content_type: str = "multipart/form-data; boundary=B") -> dict[str, str]:
    return {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(body))}


@pytest.mark.parametrize(
    "handlers", [[MemoryFileUploadHandler(), TemporaryFileUploadHandler()], [TemporaryFileUploadHandler()]]
)
def test_multipart_parser_with_django_signature(handlers):
    post, files = MultiPartParser(meta(), io.BytesIO(BODY), handlers, "utf-8").parse()
    assert post["a"] == "hello" and files["f"].read() == b"filedata" and files["f"].name == "x.txt"
    files["f"].close()


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"CONTENT_TYPE": "text/plain"}, "Invalid Content-Type: text/plain"),
        ({"CONTENT_TYPE": "multipart/form-data; boundary=é"}, "Invalid non-ASCII Content-Type"),
        ({"CONTENT_TYPE": "multipart/form-data"}, "Invalid boundary in multipart: None"),
        (
            {"CONTENT_TYPE": "multipart/form-data; boundary=B", "CONTENT_LENGTH": "-1"},
            "Invalid content length",
        ),
    ],
)
def test_multipart_parser_refuses_bad_meta(environ, message):
    with pytest.raises(MultiPartParserError, match=message):
        MultiPartParser(environ, io.BytesIO(b""), [], "utf-8")


def test_multipart_parser_empty_or_taken_over_bodies():
    post, files = MultiPartParser({**meta(), "CONTENT_LENGTH": "x"}, io.BytesIO(b""), [], None).parse()
    assert not post and not files

    class TakeOver(FileUploadHandler):
        def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: N803
            return {"raw": [boundary]}, {}

    assert MultiPartParser(meta(), io.BytesIO(BODY), [TakeOver()]).parse() == ({"raw": ["B"]}, {})


def test_multipart_parser_interrupted_and_malformed():
    interrupted = []

    class Stopper(TemporaryFileUploadHandler):
        def receive_data_chunk(self, raw_data, start):
            raise StopUpload(connection_reset=True)

        def upload_interrupted(self):
            interrupted.append(True)
            super().upload_interrupted()

    post, files = MultiPartParser(meta(), io.BytesIO(BODY), [Stopper()]).parse()
    assert post["a"] == "hello" and not files
    assert str(StopUpload(True)).startswith("StopUpload: Halt") and "Consume" in str(StopUpload())
    assert interrupted == []

    class Recorder(TemporaryFileUploadHandler):
        def upload_interrupted(self):
            interrupted.append(True)
            super().upload_interrupted()

    truncated = BODY[:-20]
    with pytest.raises(MultiPartParserError):
        MultiPartParser(meta(BODY), io.BytesIO(truncated), [Recorder()]).parse()


def test_load_handler_and_content_file():
    assert isinstance(
        load_handler("microdj.core.files.uploadhandler.MemoryFileUploadHandler"), MemoryFileUploadHandler
    )
    content = ContentFile(b"abc", name="a.txt")
    assert str(content) == "Raw content" and bool(ContentFile(b"")) is True and content.size == 3
    content.open()
    assert content.read() == b"abc"
    content.write(b"de")
    assert content.size == 5
    content.close()
    assert ContentFile("text").read() == "text"
    with pytest.raises(NotImplementedError):
        FileUploadHandler().receive_data_chunk(b"", 0)
    with pytest.raises(NotImplementedError):
        FileUploadHandler().file_complete(0)


def part(name: str, data: bytes, filename: str | None = None, headers: str = "") -> bytes:
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
    return f"--B\r\nContent-Disposition: {disposition}\r\n{headers}\r\n".encode() + data + b"\r\n"


def body_of(*parts: bytes) -> bytes:
    return b"".join(parts) + b"--B--\r\n"


def parse(body: bytes, handlers=None):
    handlers = handlers if handlers is not None else [MemoryFileUploadHandler(), TemporaryFileUploadHandler()]
    return MultiPartParser(meta(body), io.BytesIO(body), handlers, "utf-8").parse()


def test_multipart_parser_limits():
    from microdj.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent

    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=1), pytest.raises(TooManyFieldsSent):
        parse(body_of(part("a", b"1"), part("b", b"2")))
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=1), pytest.raises(TooManyFilesSent):
        parse(body_of(part("a", b"1", "a.txt"), part("b", b"2", "b.txt")))
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10), pytest.raises(RequestDataTooBig):
        parse(body_of(part("a", b"x" * 20)))


def test_multipart_parser_parts():
    b64_field = part("b", b"aGk=", headers="Content-Transfer-Encoding: base64\r\n")
    not_b64 = part("n", b"*not base64*", headers="Content-Transfer-Encoding: base64\r\n")
    blank = part("skipped", b"data", "")
    dotted = part("dots", b"data", "..")
    typed = part("t", b"abc", "t.txt", "Content-Type: text/plain; charset=latin-1\r\nContent-Length: 3\r\n")
    rfc2231 = part("r", b"x", None, "").replace(b'name="r"', b"name=\"r\"; filename*=UTF-8''%E2%82%AC.txt")
    post, files = parse(body_of(b64_field, not_b64, blank, dotted, typed, rfc2231))
    assert post["b"] == "hi" and post["n"] == "*not base64*" and post["skipped"] == "data"  # as Django
    assert set(files) == {"t", "r"} and files["r"].name == "€.txt"
    assert files["t"].charset == "latin-1" and files["t"].content_type_extra == {"charset": b"latin-1"}
    with pytest.raises(MultiPartParserError, match="base64"):
        parse(body_of(part("f", b"ab=c", "f.txt", "Content-Transfer-Encoding: base64\r\n")))


def test_multipart_parser_handler_chain():
    from microdj.core.files.uploadhandler import SkipFile

    class Upper(FileUploadHandler):
        def receive_data_chunk(self, raw_data, start):
            return raw_data.upper()

        def file_complete(self, file_size):
            return None

    class SkipAtStart(FileUploadHandler):
        def new_file(self, *args, **kwargs):
            raise SkipFile()

    post, files = parse(body_of(part("f", b"abc", "f.txt")), [Upper(), MemoryFileUploadHandler()])
    assert files["f"].read() == b"ABC"
    post, files = parse(body_of(part("f", b"abc", "f.txt"), part("a", b"1")), [SkipAtStart()])
    assert not files and post["a"] == "1"
    big = body_of(part("f", b"x" * 100, "f.txt"))
    with override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=10):
        post, files = parse(big)
    assert type(files["f"]).__name__ == "TemporaryUploadedFile"
    files["f"].close()


def test_temporary_handler_cleans_up_when_interrupted():
    handler = TemporaryFileUploadHandler()
    handler.upload_interrupted()  # nothing held yet
    handler.new_file("f", "f.txt", "text/plain", None)
    path = handler.file.temporary_file_path()
    handler.upload_interrupted()
    import os

    assert not os.path.exists(path)


def test_temp_module_is_the_standard_one():
    import tempfile

    from microdj.core.files import temp

    assert (
        temp.NamedTemporaryFile is tempfile.NamedTemporaryFile and temp.gettempdir() == tempfile.gettempdir()
    )


def test_streamed_body_through_custom_handlers_in_chunks():
    content = b"0123456789" * 20000  # several chunks of the received body
    response = Client().post("/custom/", {"f": upload("big.txt", content)})
    assert response.json()["files"] == {"f": [content.upper().decode()]}


def test_memory_handler_measures_a_seekable_body():
    handler = MemoryFileUploadHandler()
    with override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=10):
        handler.handle_raw_input(io.BytesIO(b"x" * 15), {}, 0, "B")
        assert handler.activated is False
        handler.handle_raw_input(object(), {}, 5, "B")  # not seekable: the declared length decides
        assert handler.activated is True

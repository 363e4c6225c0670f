"""Request encoding, build_scope() and RequestFactory, compared with what Django's test tools give."""

import asyncio
import datetime
import io
import json
import tempfile

import pytest

from microdj.conf import settings
from microdj.core.exceptions import SynchronousOnlyOperation
from microdj.http import HttpRequest
from microdj.test import AsyncRequestFactory, RequestFactory, override_settings
from microdj.test.requestfactory import (
    BOUNDARY,
    MULTIPART_CONTENT,
    body_receiver,
    build_scope,
    cookie_header,
    encode_file,
    encode_multipart,
)


class Upload(io.BytesIO):
    def __init__(self, data, name=None, content_type=None):
        super().__init__(data)
        if name is not None:
            self.name = name
        if content_type is not None:
            self.content_type = content_type


def test_multipart_constants():
    assert BOUNDARY == "BoUnDaRyStRiNg"
    assert MULTIPART_CONTENT == "multipart/form-data; boundary=BoUnDaRyStRiNg"


def test_encode_multipart_values_lists_and_files():
    body = encode_multipart("B", {"a": 1, "b": ["x", Upload(b"data", "dir/f.txt")], "c": "é"})
    assert body == (
        b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n'
        b'--B\r\nContent-Disposition: form-data; name="b"\r\n\r\nx\r\n'
        b'--B\r\nContent-Disposition: form-data; name="b"; filename="f.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\ndata\r\n"
        b'--B\r\nContent-Disposition: form-data; name="c"\r\n\r\n\xc3\xa9\r\n'
        b"--B--\r\n"
    )


def test_encode_multipart_refuses_none():
    with pytest.raises(TypeError, match="Cannot encode None for key 'a' as POST data"):
        encode_multipart("B", {"a": None})


def test_encode_file_names_and_types():
    assert encode_file("B", "k", Upload(b"x"))[1:3] == [
        b'Content-Disposition: form-data; name="k"; filename="k"',
        b"Content-Type: application/octet-stream",
    ]
    assert encode_file("B", "k", Upload(b"x", "noext"))[2] == b"Content-Type: application/octet-stream"
    assert encode_file("B", "k", Upload(b"x", "a.json", "text/x-custom"))[2] == b"Content-Type: text/x-custom"
    with tempfile.TemporaryFile() as unnamed:  # its name is an int
        unnamed.write(b"abc")
        unnamed.seek(0)
        lines = encode_file("B", "k", unnamed)
    assert lines[1].endswith(b'filename="k"')
    assert lines[-1] == b"abc"
    assert encode_file("B", "k", io.StringIO("text"))[-1] == b"text"


def test_build_scope_defaults():
    scope = build_scope({})
    assert scope == {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/",
        "raw_path": b"/",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 0),
        "server": ("testserver", 80),
    }


def test_build_scope_maps_wsgi_keys():
    cookies = RequestFactory().cookies
    cookies["b"] = "2"
    cookies["a"] = "x y"
    scope = build_scope(
        {
            "REQUEST_METHOD": "post",
            "PATH_INFO": "/caf\xc3\xa9/\xe9 x",
            "SCRIPT_NAME": "/app",
            "QUERY_STRING": "q=\xc3\xa9",
            "SERVER_NAME": "example.com",
            "SERVER_PORT": "8443",
            "SERVER_PROTOCOL": "HTTP/2",
            "REMOTE_ADDR": "10.0.0.1",
            "REMOTE_PORT": "5000",
            "wsgi.url_scheme": "https",
            "wsgi.input": b"ignored",
            "CONTENT_TYPE": "text/plain",
            "CONTENT_LENGTH": None,
            "HTTP_X_CUSTOM_HEADER": "v",
            "HTTP_X_RAW": b"\xff",
            "HTTP_X_NUMBER": 5,
            "state": {"k": 1},
        },
        cookies,
    )
    assert scope["method"] == "POST"
    assert scope["path"] == "/app/café/%E9 x"
    assert scope["raw_path"] == b"/app/caf%C3%A9/%E9%20x"
    assert scope["root_path"] == "/app"
    assert scope["query_string"] == "q=é".encode()
    assert scope["scheme"] == "https"
    assert scope["http_version"] == "2"
    assert scope["server"] == ("example.com", 8443)
    assert scope["client"] == ("10.0.0.1", 5000)
    assert scope["state"] == {"k": 1}
    assert scope["headers"] == [
        (b"host", b"example.com:8443"),
        (b"content-type", b"text/plain"),
        (b"x-custom-header", b"v"),
        (b"x-raw", b"\xff"),
        (b"x-number", b"5"),
        (b"cookie", b'a="x y"; b=2'),
    ]


def test_build_scope_host_header():
    assert build_scope({"HTTP_HOST": "h.test:1"})["headers"] == [(b"host", b"h.test:1")]
    secure = build_scope({"wsgi.url_scheme": "https", "SERVER_PORT": "443"})
    assert secure["headers"] == [(b"host", b"testserver")]
    assert secure["server"] == ("testserver", 443)
    assert build_scope({"wsgi.url_scheme": "https"})["server"] == ("testserver", 443)


def test_build_scope_unicode_beyond_latin1_and_empty_path():
    scope = build_scope({"PATH_INFO": "/€", "QUERY_STRING": "e=€"})
    assert scope["path"] == "/€"
    assert scope["raw_path"] == b"/%E2%82%AC"
    assert scope["query_string"] == "e=€".encode()
    assert build_scope({"PATH_INFO": ""})["path"] == "/"
    assert build_scope({"PATH_INFO": "", "SCRIPT_NAME": "/app"})["path"] == "/app"


def test_build_scope_refuses_unknown_upper_case_keys():
    with pytest.raises(TypeError, match="cannot put 'REMOTE_USER' into an ASGI request"):
        build_scope({"REMOTE_USER": "bob"})


def test_cookie_header_is_sorted():
    cookies = RequestFactory().cookies
    cookies["z"] = "1"
    cookies["a"] = "2"
    assert cookie_header(cookies) == b"a=2; z=1"


def test_body_receiver():
    receive = body_receiver(b"abc")

    async def main():
        return [await receive(), await receive()]

    assert asyncio.run(main()) == [
        {"type": "http.request", "body": b"abc", "more_body": False},
        {"type": "http.disconnect"},
    ]


rf = RequestFactory()


def test_get_builds_a_lazy_http_request():
    request = rf.get("/p/caf%C3%A9/?x=1&x=2", headers={"X-Foo": "bar", "Accept": "text/html"})
    assert isinstance(request, HttpRequest)
    assert request.method == "GET"
    assert request.path == "/p/café/"
    assert request.GET.getlist("x") == ["1", "2"]
    assert request.headers["X-Foo"] == "bar"
    assert request.META["HTTP_ACCEPT"] == "text/html"
    assert request.get_host() == "testserver"
    assert request.META["REMOTE_ADDR"] == "127.0.0.1"
    assert request.META["SERVER_PORT"] == "80"
    assert request.scheme == "http"
    assert request.body == b""
    assert "HTTP_COOKIE" not in request.META


def test_get_data_and_query_params():
    assert rf.get("/", {"a": [1, 2], "b": "é"}).META["QUERY_STRING"] == "a=1&a=2&b=%C3%A9"
    assert rf.get("/?ignored=1", query_params={"q": "x"}).GET.dict() == {"q": "x"}
    with pytest.raises(ValueError, match="mutually exclusive"):
        rf.get("/", {"a": 1}, query_params={"b": 2})
    with pytest.raises(TypeError, match="Cannot encode None for key 'a'"):
        rf.get("/", {"a": None})


def test_factory_defaults_headers_and_query_params():
    factory = RequestFactory(
        headers={"User-Agent": "tester"}, query_params={"page": 2}, REMOTE_ADDR="10.1.1.1"
    )
    request = factory.get("/")
    assert request.headers["User-Agent"] == "tester"
    assert request.GET["page"] == "2"
    assert request.META["REMOTE_ADDR"] == "10.1.1.1"
    # The URL's own query string and per-request values win over the defaults.
    assert factory.get("/?page=3").GET["page"] == "3"
    assert factory.get("/", headers={"User-Agent": "other"}).headers["User-Agent"] == "other"


def test_cookies_are_sent():
    factory = RequestFactory()
    factory.cookies["sessionid"] = "abc"
    assert factory.get("/").COOKIES == {"sessionid": "abc"}


def test_secure_requests():
    request = rf.get("/x", secure=True)
    assert request.is_secure()
    assert request.get_port() == "443"
    assert request.build_absolute_uri() == "https://testserver/x"


def test_post_multipart_by_default():
    request = rf.post("/submit/", {"name": "value", "file": Upload(b"content", "f.txt")})
    assert request.content_type == "multipart/form-data"
    assert request.META["CONTENT_LENGTH"] == str(len(request.body))
    assert request.POST["name"] == "value"
    assert request.FILES["file"].read() == b"content"


def test_post_without_data_is_an_empty_form():
    request = rf.post("/")
    assert request.body == b"--BoUnDaRyStRiNg--\r\n"
    assert request.POST.dict() == {}


def test_post_json_and_other_content_types():
    when = datetime.date(2024, 1, 2)
    request = rf.post("/", {"when": when, "n": [1]}, content_type="application/json")
    assert json.loads(request.body) == {"when": "2024-01-02", "n": [1]}
    assert request.content_type == "application/json"
    assert rf.post("/", [1, 2], content_type="application/vnd.api+json").body == b"[1, 2]"
    assert rf.post("/", '{"raw": 1}', content_type="application/json").body == b'{"raw": 1}'
    assert rf.post("/", {"a": 1}, content_type="text/plain").body == b"{'a': 1}"
    latin = rf.post("/", "é", content_type="text/plain; charset=latin-1")
    assert latin.body == b"\xe9"
    assert latin.encoding == "latin-1"


def test_custom_json_encoder():
    class Encoder(json.JSONEncoder):
        def default(self, o):
            return "custom"

    factory = RequestFactory(json_encoder=Encoder)
    assert factory.post("/", {"x": object()}, content_type="application/json").body == b'{"x": "custom"}'


def test_default_charset_is_used_for_str_bodies():
    with override_settings(DEFAULT_CHARSET="latin-1"):
        assert rf.put("/", "é", content_type="text/plain").body == b"\xe9"
    assert settings.DEFAULT_CHARSET == "utf-8"


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
def test_body_methods(method):
    request = getattr(rf, method)("/r/", "payload", content_type="text/plain", headers={"X-A": "1"})
    assert request.method == method.upper()
    assert request.body == b"payload"
    assert request.content_type == "text/plain"
    assert request.headers["X-A"] == "1"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_body_methods_encode_json(method):
    request = getattr(rf, method)("/", {"k": "v"}, content_type="application/json")
    assert json.loads(request.body) == {"k": "v"}


def test_methods_without_a_body():
    head = rf.head("/h/", {"q": 1})
    assert (head.method, head.GET["q"]) == ("HEAD", "1")
    with pytest.raises(ValueError, match="mutually exclusive"):
        rf.head("/", {"a": 1}, query_params={"b": 2})
    trace = rf.trace("/t/", query_params={"q": 2})
    assert (trace.method, trace.GET["q"]) == ("TRACE", "2")
    options = rf.options("/")
    assert "CONTENT_TYPE" not in options.META
    assert options.body == b""


def test_generic_any_method_and_extra_keys():
    request = rf.generic(
        "PROPFIND", "http://ignored.host/dav?depth=1", b"<xml/>", "text/xml", HTTP_DEPTH="1", root_path="/m"
    )
    assert request.method == "PROPFIND"
    assert request.path_info == "/dav"
    assert request.GET["depth"] == "1"
    assert request.headers["Depth"] == "1"
    assert request.body == b"<xml/>"
    assert request.scope["root_path"] == "/m"


def test_async_request_factory_body_is_read_with_aread():
    request = AsyncRequestFactory().post("/", {"a": "b"})

    async def main():
        with pytest.raises(SynchronousOnlyOperation):
            request.body  # noqa: B018 - sync body access on the loop is refused
        body = await request.aread()
        await request.apost()
        return request.POST.dict(), body

    post, body = asyncio.run(main())
    assert post == {"a": "b"}
    assert body.startswith(b"--BoUnDaRyStRiNg")

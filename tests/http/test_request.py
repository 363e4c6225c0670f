"""HttpRequest: lazy attributes from the ASGI scope, host checks, bodies, forms; compared with Django."""

import asyncio
import io

import pytest
from django.core.handlers.asgi import ASGIRequest

from microdj.conf import settings
from microdj.core.exceptions import (
    BadRequest,
    DisallowedHost,
    ImproperlyConfigured,
    RequestAborted,
    RequestDataTooBig,
    RequestTimeout,
    SynchronousOnlyOperation,
)
from microdj.http.hosts import split_domain_port
from microdj.http.request import HttpHeaders, HttpRequest, RawPostDataException
from tests.support.asgi import make_scope


def receiver(*chunks, disconnect=False):
    messages = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)
    ]
    if disconnect:
        messages.append({"type": "http.disconnect"})

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    return receive


def build(method="GET", path="/", body=b"", **kwargs):
    scope = make_scope(method, path, **kwargs)
    return HttpRequest.from_scope(scope, receiver(body)), scope


SCOPES = [
    dict(),
    dict(query=b"a=1&a=2&b=&c=%C3%A9&d=%ZZ&e=+x+"),
    dict(path="/caf\u00e9/x y/", query=b"q=%ff%fe"),
    dict(
        headers=[
            (b"host", b"testserver:8000"),
            (b"accept", b"text/html;q=0.9, application/json"),
            (b"x-forwarded-for", b"1.1.1.1"),
            (b"x-forwarded-for", b"2.2.2.2"),
            (b"user-agent", b"ua"),
        ]
    ),
    dict(
        headers=[
            (b"host", b"localhost"),
            (b"content-type", b"text/plain; charset=latin-1"),
            (b"x_weird", b"dropped"),
            (b"cookie", b'a=1; b="x y"; c'),
        ]
    ),
    dict(headers=[], server=("127.0.0.1", 8443), scheme="https"),
    dict(headers=[(b"host", b"127.0.0.1")], scheme="https", client=None, server=None),
]


@pytest.mark.parametrize("options", SCOPES)
def test_same_answers_as_django(options):
    scope = make_scope(
        options.get("method", "GET"),
        options.get("path", "/"),
        **{k: v for k, v in options.items() if k not in ("method", "path")},
    )
    ours = HttpRequest.from_scope(scope, receiver(b""))
    theirs = ASGIRequest(dict(scope), io.BytesIO())
    assert ours.path == theirs.path
    assert ours.path_info == theirs.path_info
    assert ours.method == theirs.method
    if b"%ff" not in scope["query_string"]:
        assert list(ours.GET.lists()) == list(theirs.GET.lists())
    for key in (
        "CONTENT_TYPE",
        "SERVER_NAME",
        "SERVER_PORT",
        "REMOTE_ADDR",
        "HTTP_HOST",
        "HTTP_X_FORWARDED_FOR",
        "HTTP_USER_AGENT",
        "HTTP_X_WEIRD",
        "SCRIPT_NAME",
        "PATH_INFO",
        "REQUEST_METHOD",
    ):
        assert ours.META.get(key) == theirs.META.get(key), key
    assert dict(ours.headers) == dict(theirs.headers)
    assert ours.COOKIES == theirs.COOKIES
    assert ours.content_type == theirs.content_type
    assert ours.content_params == theirs.content_params
    assert ours.encoding == theirs.encoding
    assert ours.scheme == theirs.scheme
    assert ours.is_secure() == theirs.is_secure()
    assert ours.get_port() == theirs.get_port()
    assert ours.get_full_path() == theirs.get_full_path()
    assert ours.get_full_path_info(True) == theirs.get_full_path_info(True)
    assert ours.get_host() == theirs.get_host()
    assert ours.build_absolute_uri() == theirs.build_absolute_uri()
    for location in ("/a/b", "c/d?x=1", "//other.example/x", "https://x.example/y", "../up", "?q=2"):
        assert ours.build_absolute_uri(location) == theirs.build_absolute_uri(location)
    for media in ("text/html", "application/json", "image/png", "text/*", "application/xml"):
        assert ours.accepts(media) == theirs.accepts(media)
    assert ours.get_preferred_type(["application/json", "text/html"]) == theirs.get_preferred_type(
        ["application/json", "text/html"]
    )
    assert repr(ours).replace("HttpRequest", "ASGIRequest") == repr(theirs)


def test_invalid_utf8_query_does_not_fail():
    request, _ = build(query=b"q=%ff&r=\xff")
    assert request.GET["q"] == "\ufffd"


def test_empty_request_like_django():
    request = HttpRequest()
    assert request.GET == {} and request.POST == {} and request.FILES == {}
    assert request.COOKIES == {} and request.META == {}
    assert request.path == "" and request.method is None
    assert repr(request) == "<HttpRequest>"
    assert request.body == b""
    request.GET["x"] = "1"  # mutable, as Django's


def test_root_path_only_on_segment_boundary():
    request, _ = build(path="/apple/x", root_path="/app")
    assert request.path == "/app/apple/x"
    assert request.path_info == "/apple/x"
    request, _ = build(path="/app", root_path="/app")
    assert request.path_info == "/"


def test_host_validation():
    request, _ = build(headers=[(b"host", b"evil.example")])
    with pytest.raises(DisallowedHost, match="add 'evil.example' to ALLOWED_HOSTS"):
        request.get_host()
    request, _ = build(headers=[(b"host", b"bad host")])
    with pytest.raises(DisallowedHost, match="RFC 1034/1035"):
        request.get_host()


def test_debug_allows_localhost(monkeypatch):
    monkeypatch.setattr(settings, "ALLOWED_HOSTS", [])
    monkeypatch.setattr(settings, "DEBUG", True)
    request, _ = build(headers=[(b"host", b"sub.localhost:8000")])
    assert request.get_host() == "sub.localhost:8000"


def test_forwarded_host_and_port(monkeypatch):
    headers = [(b"host", b"testserver"), (b"x-forwarded-host", b"localhost"), (b"x-forwarded-port", b"8080")]
    request, _ = build(headers=headers)
    assert request.get_host() == "testserver"
    assert request.get_port() == "80"
    monkeypatch.setattr(settings, "USE_X_FORWARDED_HOST", True)
    monkeypatch.setattr(settings, "USE_X_FORWARDED_PORT", True)
    request, _ = build(headers=headers)
    assert request.get_host() == "localhost"
    assert request.get_port() == "8080"
    request, _ = build(headers=headers)
    request.META  # noqa: B018 - the META-backed path
    assert request.get_host() == "localhost"


def test_secure_proxy_header(monkeypatch):
    monkeypatch.setattr(settings, "SECURE_PROXY_SSL_HEADER", ("HTTP_X_FORWARDED_PROTO", "https"))
    request, _ = build(headers=[(b"host", b"testserver"), (b"x-forwarded-proto", b"https, http")])
    assert request.is_secure()
    request, _ = build(headers=[(b"host", b"testserver"), (b"x-forwarded-proto", b"http")])
    assert not request.is_secure()
    request, _ = build(headers=[(b"host", b"testserver")], scheme="https")
    assert request.is_secure()
    settings._wrapped.SECURE_PROXY_SSL_HEADER = ("only-one",)
    settings.__dict__.pop("SECURE_PROXY_SSL_HEADER", None)
    with pytest.raises(ImproperlyConfigured):
        request.scheme  # noqa: B018


def test_headers_mapping():
    request, _ = build(headers=[(b"host", b"testserver"), (b"user-agent", b"x"), (b"content-length", b"0")])
    assert request.headers["User_Agent"] == "x"
    assert request.headers["content-length"] == "0"
    assert HttpHeaders.to_wsgi_name("Content-Type") == "CONTENT_TYPE"
    assert HttpHeaders.to_wsgi_name("X-Custom") == "HTTP_X_CUSTOM"
    assert HttpHeaders.to_asgi_name("X-Custom") == "X_CUSTOM"


def test_split_domain_port():
    assert split_domain_port("Example.COM.:80") == ("example.com", "80")
    assert split_domain_port("[::1]:8000") == ("[::1]", "8000")
    assert split_domain_port("bad host") == ("", "")


def post_headers(content_type=b"application/x-www-form-urlencoded", length=None):
    headers = [(b"host", b"testserver"), (b"content-type", content_type)]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    return headers


def test_form_body_outside_any_loop():
    request = HttpRequest.from_scope(
        make_scope("POST", "/", headers=post_headers(length=7)), receiver(b"a=1", b"&b=2")
    )
    assert request.POST.getlist("a") == ["1"]
    assert request.body == b"a=1&b=2"
    assert request.read() == b"a=1&b=2"


def test_form_needs_utf8():
    request = HttpRequest.from_scope(
        make_scope(
            "POST", "/", headers=post_headers(b"application/x-www-form-urlencoded; charset=latin-1", 3)
        ),
        receiver(b"a=1"),
    )
    with pytest.raises(BadRequest):
        request.POST  # noqa: B018


def test_non_post_and_other_types_give_empty_forms():
    request = HttpRequest.from_scope(make_scope("PUT", "/", headers=post_headers(length=3)), receiver(b"a=1"))
    assert request.POST == {} and request.FILES == {}
    request = HttpRequest.from_scope(
        make_scope("POST", "/", headers=post_headers(b"application/json", 2)), receiver(b"{}")
    )
    assert request.POST == {}
    assert request.body == b"{}"


def test_streaming_read_then_body_raises():
    request = HttpRequest.from_scope(
        make_scope("POST", "/", headers=post_headers(b"text/plain", 13)),
        receiver(b"line1\nli", b"ne2\n", b"x"),
    )
    assert request.readline() == b"line1\n"
    assert request.read(3) == b"lin"
    assert request.readlines() == [b"e2\n", b"x"]
    with pytest.raises(RawPostDataException):
        request.body  # noqa: B018
    assert request.POST == {}


def test_readline_with_size_and_iteration_after_body():
    request = HttpRequest.from_scope(
        make_scope("POST", "/", headers=post_headers(b"text/plain", 8)), receiver(b"abcdefg\n")
    )
    assert request.readline(3) == b"abc"
    request = HttpRequest.from_scope(
        make_scope("POST", "/", headers=post_headers(b"text/plain", 4)), receiver(b"a\nb\n")
    )
    assert request.body == b"a\nb\n"
    assert list(request) == [b"a\n", b"b\n"]
    assert request.readline() == b""


def test_body_limits(monkeypatch):
    monkeypatch.setattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", 4)
    request = HttpRequest.from_scope(
        make_scope("POST", "/", headers=post_headers(b"text/plain", 5)), receiver(b"hello")
    )
    with pytest.raises(RequestDataTooBig):
        request.body  # noqa: B018
    chunked = [*post_headers(b"text/plain"), (b"transfer-encoding", b"chunked")]
    request = HttpRequest.from_scope(make_scope("POST", "/", headers=chunked), receiver(b"hel", b"lo"))
    assert request.has_body()
    with pytest.raises(RequestDataTooBig):
        request.body  # noqa: B018
    request = HttpRequest.from_scope(make_scope("POST", "/", headers=chunked), receiver(b"he", b"ll"))
    assert request.body == b"hell"


def test_aread_refuses_a_declared_length_over_the_limit(monkeypatch):
    monkeypatch.setattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", 4)
    request = HttpRequest.from_scope(
        make_scope("POST", "/", headers=post_headers(b"text/plain", 5)), receiver(b"hello")
    )
    with pytest.raises(RequestDataTooBig):
        asyncio.run(request.aread())


@pytest.mark.parametrize(
    "headers",
    [
        ((b"Content-Type", b"text/plain"), (b"Content-Length", b"2")),
        [(b"content-type", b"text/plain"), (b"content-length", b"2")],
        [[b"content-type", b"text/plain"], [b"content-length", b"2"], [b"x-a", b"1"], [b"X-A", b"2"]],
    ],
    ids=["upper-case-tuple", "lower-case-list", "repeated-in-two-cases"],
)
def test_body_headers_of_any_case_and_shape(headers):
    scope = make_scope("POST", "/", headers=headers)
    request = HttpRequest.from_scope(scope, receiver(b"ab"))
    assert (request.content_type, request.body) == ("text/plain", b"ab")
    assert request._scope_header(b"x-a") == ("1,2" if len(headers) == 4 else None)


@pytest.mark.parametrize(("length", "chunks"), [(b"3", (b"toolong",)), (b"9", (b"short",))])
def test_body_length_mismatch(length, chunks):
    headers = [(b"host", b"testserver"), (b"content-length", length)]
    request = HttpRequest.from_scope(make_scope("POST", "/", headers=headers), receiver(*chunks))
    with pytest.raises(BadRequest):
        request.body  # noqa: B018


@pytest.mark.parametrize("length", [b"abc", b"-1"])
def test_invalid_content_length(length):
    headers = [(b"host", b"testserver"), (b"content-length", length)]
    request = HttpRequest.from_scope(make_scope("POST", "/", headers=headers), receiver(b""))
    with pytest.raises(BadRequest, match="Content-Length"):
        request.body  # noqa: B018


def test_disconnect_while_reading():
    request = HttpRequest.from_scope(
        make_scope("POST", "/", headers=post_headers(b"text/plain", 10)), receiver(b"abc", disconnect=True)
    )
    request._receive = receiver(disconnect=True)
    with pytest.raises(RequestAborted):
        request.body  # noqa: B018


def test_body_timeout(monkeypatch):
    monkeypatch.setattr(settings, "REQUEST_BODY_TIMEOUT", 0.01)

    async def never():
        await asyncio.sleep(10)

    request = HttpRequest.from_scope(make_scope("POST", "/", headers=post_headers(b"text/plain", 10)), never)
    with pytest.raises(RequestTimeout):
        request.body  # noqa: B018


def test_sync_body_access_on_the_loop_is_a_clear_error():
    async def view():
        request = HttpRequest.from_scope(
            make_scope("POST", "/", headers=post_headers(b"text/plain", 3)), receiver(b"abc")
        )
        with pytest.raises(SynchronousOnlyOperation, match="await request.aread"):
            request.body  # noqa: B018
        assert await request.aread() == b"abc"
        assert request.body == b"abc"
        chunks = [c async for c in request.astream()]
        assert chunks == [b"abc"]

    asyncio.run(view())


def test_sync_body_access_from_a_worker_thread():
    async def main():
        loop = asyncio.get_running_loop()
        request = HttpRequest.from_scope(
            make_scope("POST", "/", headers=post_headers(length=3)), receiver(b"a=1"), loop
        )
        return await asyncio.to_thread(lambda: (request.POST["a"], request.body))

    assert asyncio.run(main()) == ("1", b"a=1")


def test_astream_and_apost():
    async def main():
        request = HttpRequest.from_scope(
            make_scope("POST", "/", headers=post_headers(b"text/plain", 6)), receiver(b"abc", b"def")
        )
        chunks = [c async for c in request.astream()]
        with pytest.raises(RawPostDataException):
            await request.aread()
        form = HttpRequest.from_scope(
            make_scope("POST", "/", headers=post_headers(length=3)), receiver(b"x=1")
        )
        post = await form.apost()
        empty = HttpRequest.from_scope(
            make_scope("POST", "/", headers=post_headers(b"text/plain", 0)), receiver(b"")
        )
        await empty.aread()
        assert [c async for c in empty.astream()] == []
        return chunks, post["x"], await form.apost() is post

    assert asyncio.run(main()) == ([b"abc", b"def"], "1", True)


def test_encoding_change_redecodes_get():
    request, _ = build(query=b"q=%E9")
    assert request.GET["q"] == "\ufffd"
    request.encoding = "latin-1"
    assert request.GET["q"] == "\u00e9"


def test_post_can_be_replaced():
    request, _ = build()
    request.POST = {"x": "1"}
    assert request.POST == {"x": "1"}


def test_signed_cookie():
    from microdj.http.response import HttpResponse

    response = HttpResponse()
    response.set_signed_cookie("name", "value", salt="pepper")
    cookie = response.cookies["name"].value
    request, _ = build(headers=[(b"host", b"testserver"), (b"cookie", f"name={cookie}; bad=x".encode())])
    assert request.get_signed_cookie("name", salt="pepper") == "value"
    assert request.get_signed_cookie("missing", default=None) is None
    assert request.get_signed_cookie("bad", default="d") == "d"
    with pytest.raises(KeyError):
        request.get_signed_cookie("missing")
    from microdj.core.signing import BadSignature

    with pytest.raises(BadSignature):
        request.get_signed_cookie("bad")


def test_content_params_read_first():
    request = HttpRequest.from_scope(
        make_scope(
            "POST", "/", headers=[(b"host", b"testserver"), (b"content-type", b"text/plain; charset=latin-1")]
        ),
        receiver(b""),
    )
    assert request.content_params == {"charset": "latin-1"}
    assert request.content_type == "text/plain"


def test_preferred_type_edge_cases():
    request, _ = build(headers=[(b"host", b"testserver"), (b"accept", b"text/html")])
    assert request.get_preferred_type([]) is None
    assert request.get_preferred_type(["image/png"]) is None
    assert request.get_preferred_type(["image/png", "text/html"]) == "text/html"


def test_close_twice_cleans_up_once():
    calls = []
    request, _ = build()
    request._post_files_cleanup = lambda: calls.append(1)
    request.close()
    request.close()
    assert calls == [1]

"""Tests of microdj.http.response, with differential checks against django.http."""

from __future__ import annotations

import asyncio
import datetime
import decimal
import uuid

import django.core.exceptions as dj_exceptions
import django.http as dj
import pytest
from django.core.serializers.json import DjangoJSONEncoder as DjEncoder

from microdj.core.exceptions import DisallowedRedirect
from microdj.core.serializers.json import DjangoJSONEncoder
from microdj.http import response as mresponse
from microdj.http.response import (
    BadHeaderError,
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    HttpResponseForbidden,
    HttpResponseGone,
    HttpResponseNotAllowed,
    HttpResponseNotFound,
    HttpResponseNotModified,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    HttpResponseServerError,
    JsonResponse,
    ResponseHeaders,
    StreamingHttpResponse,
)
from tests.support.responses import same


class Closable:
    """An iterable that records being closed."""

    def __init__(self, chunks, fail=False):
        self.chunks = chunks
        self.closed = False
        self.fail = fail

    def __iter__(self):
        return iter(self.chunks)

    def close(self):
        self.closed = True
        if self.fail:
            raise RuntimeError("close failed")


# differential ---------------------------------------------------------------------------------------------

CASES = [
    ((), {}),
    ((b"hello",), {}),
    (("héllo",), {}),
    (("héllo",), {"charset": "latin-1"}),
    (("héllo",), {"content_type": "text/plain; charset=iso-8859-1"}),
    (("héllo",), {"content_type": 'text/plain; charset="utf-16"'}),
    ((memoryview(b"mv"),), {}),
    (([b"a", "b", memoryview(b"c"), 4],), {}),
    ((iter([b"x", b"y"]),), {}),
    ((12,), {}),
    ((b"x", "text/plain", 201), {}),
    ((b"x",), {"status": 299, "reason": "Custom"}),
    ((b"x",), {"status": 599}),
    ((b"x",), {"headers": {"X-One": "1", "Content-Type": "text/csv", "X-Utf": "♥", "X-Bytes": b"b"}}),
    ((b"x",), {"headers": [("Cache-Control", "no-cache")]}),
]


@pytest.mark.parametrize(("args", "kwargs"), CASES)
def test_http_response_matches_django(args, kwargs):
    ours = HttpResponse(*args, **kwargs)
    args = tuple(iter([b"x", b"y"]) if a.__class__.__name__ == "list_iterator" else a for a in args)
    theirs = dj.HttpResponse(*args, **kwargs)
    same(ours, theirs)
    assert ours.text == theirs.text


@pytest.mark.parametrize(
    ("ours_class", "theirs_class"),
    [
        (HttpResponseBadRequest, dj.HttpResponseBadRequest),
        (HttpResponseNotFound, dj.HttpResponseNotFound),
        (HttpResponseForbidden, dj.HttpResponseForbidden),
        (HttpResponseGone, dj.HttpResponseGone),
        (HttpResponseServerError, dj.HttpResponseServerError),
    ],
)
def test_status_subclasses_match_django(ours_class, theirs_class):
    same(ours_class(b"body"), theirs_class(b"body"))


def test_cookies_match_django():
    ours, theirs = HttpResponse(), dj.HttpResponse()
    for response in (ours, theirs):
        response.set_cookie(
            "a", "1", max_age=0, path="/x", domain="example.com", secure=True, httponly=True, samesite="Lax"
        )
        response.set_cookie("b", 'quoted "value";', expires="Wed, 21 Oct 2015 07:28:00 GMT")
        response.set_cookie("c", "v", path=None)
        response.delete_cookie("__Host-d")
        response.delete_cookie("e", samesite="None")
    # Expires of "a" depends on the clock; compare everything else.
    assert ours.cookies["a"]["max-age"] == theirs.cookies["a"]["max-age"] == 0
    ours.cookies["a"]["expires"] = theirs.cookies["a"]["expires"] = "x"
    same(ours, theirs)


@pytest.mark.parametrize(
    ("data", "kwargs"),
    [
        ({"a": 1, "b": [1.5, None, True], "c": "é♥"}, {}),
        ({"when": datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.UTC)}, {}),
        ({"date": datetime.date(2024, 1, 2), "time": datetime.time(1, 2, 3, 4000)}, {}),
        ({"dur": datetime.timedelta(days=-2, hours=3), "dec": decimal.Decimal("3.14")}, {}),
        ({"id": uuid.UUID("12345678-1234-5678-1234-567812345678")}, {}),
        ({"nan": float("nan"), "inf": float("inf"), "big": 10**30}, {}),
        ({1: "int key", None: "none key", 2.5: "float key", False: "bool key"}, {}),
        ([1, 2, 3], {"safe": False}),
        ("just a string", {"safe": False}),
        (None, {"safe": False}),
        (decimal.Decimal("1.5"), {"safe": False}),
        ({"a": 1}, {"json_dumps_params": {"indent": 2, "sort_keys": True}}),
        ({"a": 1}, {"json_dumps_params": {}}),
        ({"a": "é"}, {"json_dumps_params": {"ensure_ascii": False}}),
        ({"a": 1}, {"status": 201, "content_type": "application/vnd.api+json"}),
        ({"a": 1}, {"headers": {"X-A": "1"}}),
    ],
)
def test_json_response_matches_django(data, kwargs):
    ours = JsonResponse(data, **kwargs)
    theirs = dj.JsonResponse(data, **kwargs)
    same(ours, theirs)


def test_json_response_custom_encoder():
    class Encoder(DjangoJSONEncoder):
        def default(self, o):
            return "custom" if isinstance(o, set) else super().default(o)

    class DjEncoderSub(DjEncoder):
        def default(self, o):
            return "custom" if isinstance(o, set) else super().default(o)

    same(JsonResponse({"s": {1}}, encoder=Encoder), dj.JsonResponse({"s": {1}}, encoder=DjEncoderSub))


def test_json_response_errors_match_django():
    message = "In order to allow non-dict objects to be serialized set the safe parameter to False."
    with pytest.raises(TypeError, match=message):
        JsonResponse([1])
    circular: dict = {}
    circular["self"] = circular
    with pytest.raises(ValueError, match="Circular reference detected"):
        JsonResponse(circular)
    with pytest.raises(TypeError, match="Object of type object is not JSON serializable"):
        JsonResponse({"o": object()})


def test_json_response_without_c_encoder(monkeypatch):
    monkeypatch.setattr(mresponse, "c_make_encoder", None)
    data = {"d": datetime.date(2020, 1, 1), "x": [1, 2]}
    assert JsonResponse(data).content == dj.JsonResponse(data).content


@pytest.mark.parametrize(
    "url",
    [
        "/path/",
        "https://example.com/ü?q=a b",
        "//other.example.com/x",
        "ftp://files.example.com/",
        "relative/path",
        "mailto:someone@example.com",
    ],
)
def test_redirects_match_django(url):
    if url.startswith("mailto"):
        for cls in (HttpResponseRedirect, dj.HttpResponseRedirect):
            with pytest.raises((DisallowedRedirect, dj_exceptions.DisallowedRedirect)):
                cls(url)
        return
    same(HttpResponseRedirect(url), dj.HttpResponseRedirect(url))
    same(HttpResponsePermanentRedirect(url), dj.HttpResponsePermanentRedirect(url))
    same(HttpResponseRedirect(url, True), dj.HttpResponseRedirect(url, True))
    same(
        HttpResponsePermanentRedirect(url, preserve_request=True),
        dj.HttpResponsePermanentRedirect(url, preserve_request=True),
    )


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>", "file:///etc/passwd", "vbscript:x", "ssh://h"]
)
def test_unsafe_redirect_schemes_raise_in_both(url):
    scheme = url.split(":")[0]
    with pytest.raises(DisallowedRedirect, match=f"Unsafe redirect to URL with protocol '{scheme}'"):
        HttpResponseRedirect(url)
    with pytest.raises(DisallowedRedirect):
        HttpResponsePermanentRedirect(url)
    with pytest.raises(dj_exceptions.DisallowedRedirect):
        dj.HttpResponseRedirect(url)


def test_redirect_length_limit():
    url = "/" + "a" * mresponse.MAX_URL_REDIRECT_LENGTH
    with pytest.raises(DisallowedRedirect, match="Unsafe redirect exceeding 16384 characters"):
        HttpResponseRedirect(url)
    with pytest.raises(dj_exceptions.DisallowedRedirect):
        dj.HttpResponseRedirect(url)
    assert HttpResponseRedirect(url[:-1]).url == url[:-1]


def test_redirect_details():
    response = HttpResponseRedirect("/ä/", content=b"moved", headers={"X-A": "1"}, status=303)
    assert response.url == response["Location"] == "/%C3%A4/"
    assert response.status_code == 303
    assert response.content == b"moved"
    assert (
        repr(response) == '<HttpResponseRedirect status_code=303, "text/html; charset=utf-8", url="/%C3%A4/">'
    )
    assert HttpResponseRedirect("/x", True).status_code == 307
    assert HttpResponsePermanentRedirect("/x", True).status_code == 308


def test_not_modified_matches_django():
    ours, theirs = HttpResponseNotModified(), dj.HttpResponseNotModified()
    same(ours, theirs)
    assert "Content-Type" not in ours
    assert list(ours) == list(theirs) == []
    assert ours.asgi_headers() == []
    ours.content = b""
    with pytest.raises(AttributeError, match=r"You cannot set content to a 304 \(Not Modified\) response"):
        ours.content = b"x"
    with pytest.raises(AttributeError):
        HttpResponseNotModified(b"body")


def test_not_allowed_matches_django():
    ours, theirs = HttpResponseNotAllowed(["GET", "POST"]), dj.HttpResponseNotAllowed(["GET", "POST"])
    same(ours, theirs)
    assert repr(ours) == '<HttpResponseNotAllowed [GET, POST] status_code=405, "text/html; charset=utf-8">'


# HttpResponse ---------------------------------------------------------------------------------------------


def test_http_response_content_and_text():
    response = HttpResponse("café")
    assert response.content == "café".encode()
    assert response.text == "café"
    response.content = b"new"
    assert response.text == "new"
    response.content = ["a", b"b"]
    assert response.content == b"ab"
    assert list(response) == [b"ab"]


def test_http_response_consumes_and_closes_iterables():
    body = Closable([b"a", "b"])
    response = HttpResponse(body)
    assert body.closed
    assert response.content == b"ab"
    assert response.content == b"ab"
    failing = Closable([b"x"], fail=True)
    assert HttpResponse(failing).content == b"x"
    assert failing.closed


def test_http_response_file_like_interface():
    response = HttpResponse()
    response.write("é")
    response.write(b"b")
    response.writelines([b"c", 1])
    assert response.content == "éb".encode() + b"c1"
    assert response.tell() == 5
    assert response.getvalue() == response.content
    assert response.writable()
    response.flush()


def test_http_response_text_without_charset():
    response = HttpResponse(b"abc")
    response.charset = ""
    assert response.text == "abc"


def test_http_response_text_for_charset_from_content_type():
    response = HttpResponse("é".encode("latin-1"), content_type="text/plain; charset=latin-1")
    assert response.text == "é"


def test_http_response_repr_and_serialize():
    response = HttpResponse(b"body", status=201, headers={"X-A": "1"})
    assert repr(response) == '<HttpResponse status_code=201, "text/html; charset=utf-8">'
    assert response.serialize() == b"X-A: 1\r\nContent-Type: text/html; charset=utf-8\r\n\r\nbody"
    assert bytes(response) == response.serialize()
    del response["Content-Type"]
    assert repr(response) == "<HttpResponse status_code=201>"


def test_subclass_with_own_content_setter_is_respected():
    class Upper(HttpResponse):
        @HttpResponse.content.setter
        def content(self, value):
            self._container = [value.upper()]

    assert Upper(b"abc").content == b"ABC"


def test_http_response_asgi_headers_keep_a_content_length_set_on_the_response():
    response = HttpResponse(b"abc", headers={"Content-Length": "3", "X-A": "b"})
    assert response.asgi_headers() == [
        (b"content-length", b"3"),
        (b"x-a", b"b"),
        (b"content-type", b"text/html; charset=utf-8"),
    ]
    assert HttpResponse(b"abc").asgi_headers() == [(b"content-type", b"text/html; charset=utf-8")]


def test_http_response_close_is_idempotent():
    response = HttpResponse(b"x")
    response.close()
    response.close()
    assert response.closed


def test_exceptions():
    assert issubclass(BadHeaderError, ValueError)
    assert issubclass(Http404, Exception)
    assert ResponseHeaders is mresponse.ResponseHeaders
    assert issubclass(HttpResponse, HttpResponseBase)


# StreamingHttpResponse ------------------------------------------------------------------------------------


def test_streaming_response_sync():
    body = Closable([b"a", "é", memoryview(b"c")])
    response = StreamingHttpResponse(body, content_type="text/plain")
    assert response.streaming and not response.is_async
    assert repr(response) == '<StreamingHttpResponse status_code=200, "text/plain">'
    assert list(response) == [b"a", "é".encode(), b"c"]
    response.close()
    assert body.closed
    assert response.closed
    response.close()


def test_streaming_response_getvalue_and_replacement():
    response = StreamingHttpResponse(iter([b"a", b"b"]))
    response.streaming_content = (chunk.upper() for chunk in response.streaming_content)
    assert response.getvalue() == b"AB"
    assert response.getvalue() == b""


def test_streaming_response_has_no_content_or_text():
    response = StreamingHttpResponse()
    message = (
        "This StreamingHttpResponse instance has no `content` attribute. Use `streaming_content` instead."
    )
    with pytest.raises(AttributeError, match=message.replace("(", r"\(")):
        _ = response.content
    with pytest.raises(AttributeError, match="This StreamingHttpResponse instance has no `text` attribute."):
        _ = response.text
    assert list(response) == []
    assert not response.writable()


async def agen(*chunks):
    for chunk in chunks:
        yield chunk


def test_streaming_response_async():
    response = StreamingHttpResponse(agen(b"a", "b"))
    assert response.is_async

    async def collect():
        return [chunk async for chunk in response]

    assert asyncio.run(collect()) == [b"a", b"b"]


def test_streaming_content_property_keeps_its_iterator():
    response = StreamingHttpResponse(agen(b"1", b"2"))
    first = response.streaming_content
    response.streaming_content = agen(b"other")

    async def collect(iterator):
        return [chunk async for chunk in iterator]

    assert asyncio.run(collect(first)) == [b"1", b"2"]
    assert asyncio.run(collect(response.streaming_content)) == [b"other"]


def test_streaming_response_async_consumed_synchronously():
    response = StreamingHttpResponse(agen(b"a", "b"))
    with pytest.warns(Warning, match="StreamingHttpResponse must consume asynchronous iterators"):
        assert list(response) == [b"a", b"b"]


def test_streaming_response_sync_consumed_asynchronously():
    response = StreamingHttpResponse([b"a", "b"])

    async def collect():
        return [chunk async for chunk in response]

    with pytest.warns(Warning, match="StreamingHttpResponse must consume synchronous iterators"):
        assert asyncio.run(collect()) == [b"a", b"b"]


def test_streaming_matches_django():
    same(StreamingHttpResponse([b"a", "é"], status=206), dj.StreamingHttpResponse([b"a", "é"], status=206))

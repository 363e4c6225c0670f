"""Tests of microdj.http.response_base: headers, status, charset, cookies and the ASGI header list."""

from __future__ import annotations

import datetime
import types

import pytest

from microdj.conf import settings
from microdj.core import signing
from microdj.http import response_base
from microdj.http.cookie import SimpleCookie
from microdj.http.response import HttpResponse, StreamingHttpResponse
from microdj.http.response_base import BadHeaderError, HttpResponseBase, ResponseHeaders

# ResponseHeaders ------------------------------------------------------------------------------------------


def test_headers_are_case_insensitive_and_keep_case():
    headers = ResponseHeaders({"Content-Type": "text/plain", "X-Foo": "bar"})
    assert headers["content-type"] == "text/plain"
    assert headers["X-FOO"] == "bar"
    assert list(headers) == ["Content-Type", "X-Foo"]
    assert len(headers) == 2
    assert "x-foo" in headers
    assert headers == {"content-type": "text/plain", "x-foo": "bar"}
    assert repr(headers) == "{'Content-Type': 'text/plain', 'X-Foo': 'bar'}"
    assert ResponseHeaders(None)._store == {}
    assert ResponseHeaders([("A", "1")])["a"] == "1"


def test_headers_from_bad_pairs():
    with pytest.raises(ValueError, match="length 3; 2 is required"):
        ResponseHeaders([("a", "b", "c")])


def test_header_values_are_converted():
    headers = ResponseHeaders({})
    headers["Int"] = 42
    headers[b"Bytes-Name"] = b"caf\xe9"
    headers["Latin"] = "café"
    headers["Utf8"] = "I ♥ you"
    headers["Str-Sub"] = type("S", (str,), {})("x")
    assert headers["int"] == "42"
    assert headers["bytes-name"] == "café"
    assert list(headers)[1] == "Bytes-Name"
    assert headers["latin"] == "café"
    assert headers["utf8"] == "=?utf-8?b?SSDimaUgeW91?="


@pytest.mark.parametrize(
    "value", ["a\nb", "a\rb", b"a\nb", "é\n", "♥\r\n", b"\xff\n", 'Set-Cookie: x\r\nX-Evil: "1"']
)
def test_header_values_cannot_contain_newlines(value):
    headers = ResponseHeaders({})
    with pytest.raises(BadHeaderError, match="Header values can't contain newlines"):
        headers["X"] = value


def test_header_names_must_be_ascii():
    headers = ResponseHeaders({})
    with pytest.raises(UnicodeError, match="HTTP response headers must be in ascii format"):
        headers["Clé"] = "x"
    with pytest.raises(UnicodeError, match="HTTP response headers must be in ascii format"):
        headers[b"Cl\xe9"] = "x"
    with pytest.raises(BadHeaderError):
        headers["X\nY"] = "x"


def test_header_delete_pop_setdefault():
    headers = ResponseHeaders({"A": "1"})
    headers.setdefault("a", "2")
    headers.setdefault("B", "3")
    assert headers["A"] == "1"
    assert headers["b"] == "3"
    assert headers.pop("B") == ("B", "3")
    assert headers.pop("missing", "default") == "default"
    del headers["a"]
    del headers["never-there"]
    assert len(headers) == 0


# status and reason ----------------------------------------------------------------------------------------


def test_status_and_reason():
    response = HttpResponseBase()
    assert response.status_code == 200
    assert response.reason_phrase == "OK"
    assert HttpResponseBase(status=404).reason_phrase == "Not Found"
    assert HttpResponseBase(status="201").status_code == 201
    assert HttpResponseBase(status=599).reason_phrase == "Unknown Status Code"
    custom = HttpResponseBase(status=200, reason="Fine")
    assert custom.reason_phrase == "Fine"
    custom.reason_phrase = None
    assert custom.reason_phrase == "OK"
    response.status_code = 418
    assert response.reason_phrase == "I'm a Teapot"


@pytest.mark.parametrize("status", [99, 600, -1])
def test_status_out_of_range(status):
    with pytest.raises(ValueError, match="HTTP status code must be an integer from 100 to 599."):
        HttpResponseBase(status=status)


@pytest.mark.parametrize("status", ["abc", object(), [200]])
def test_status_not_integer(status):
    with pytest.raises(TypeError, match="HTTP status code must be an integer."):
        HttpResponseBase(status=status)


# Content-Type and charset ---------------------------------------------------------------------------------


def test_default_content_type_and_charset(monkeypatch):
    response = HttpResponseBase()
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.charset == "utf-8"
    monkeypatch.setattr(settings, "DEFAULT_CHARSET", "iso-8859-1")
    assert HttpResponseBase()["content-type"] == "text/html; charset=iso-8859-1"
    assert response.charset == "utf-8"  # named by its Content-Type
    assert HttpResponseBase(content_type="text/plain").charset == "iso-8859-1"


def test_charset_follows_content_type_changes():
    response = HttpResponseBase(content_type='text/plain; charset="koi8-r"')
    assert response.charset == "koi8-r"
    response["Content-Type"] = "text/plain; CHARSET=latin-1; x=y"
    assert response.charset == "latin-1"
    response["Content-Type"] = ""
    assert response.charset == "utf-8"
    del response["Content-Type"]
    assert response.charset == "utf-8"


def test_explicit_charset():
    response = HttpResponseBase(charset="utf-16")
    assert response["Content-Type"] == "text/html; charset=utf-16"
    assert response.charset == "utf-16"
    response.charset = "latin-1"
    assert response.charset == "latin-1"
    assert HttpResponseBase(content_type="text/plain", charset="ascii").charset == "ascii"


def test_odd_charsets_are_validated():
    assert HttpResponseBase(charset="♥")["Content-Type"] == "=?utf-8?q?text/html=3B_charset=3D=E2=99=A5?="
    with pytest.raises(BadHeaderError):
        HttpResponseBase(charset="x\ny")


def test_content_type_argument_variants():
    assert HttpResponseBase(content_type=b"text/plain")["Content-Type"] == "text/plain"
    assert HttpResponseBase(content_type="")["Content-Type"] == ""
    first = HttpResponseBase(content_type="application/x-seen")
    second = HttpResponseBase(content_type="application/x-seen")
    assert first.headers._store["content-type"] == second.headers._store["content-type"]
    with pytest.raises(BadHeaderError):
        HttpResponseBase(content_type="text/plain\r\nX: y")


def test_content_type_from_headers():
    response = HttpResponseBase(headers={"content-type": "text/csv"})
    assert response["Content-Type"] == "text/csv"
    assert HttpResponseBase(headers={"Content-Type": "a/b"}, content_type=None)["content-type"] == "a/b"
    assert HttpResponseBase(headers={"X": "1"})["Content-Type"] == "text/html; charset=utf-8"
    with pytest.raises(ValueError, match="'headers' must not contain 'Content-Type'"):
        HttpResponseBase(headers={"Content-Type": "a/b"}, content_type="c/d")


def test_caches_are_bounded(monkeypatch):
    monkeypatch.setattr(response_base, "_CACHE_LIMIT", 0)
    response = HttpResponseBase(content_type="text/x-uncached; charset=utf-32")
    assert response.charset == "utf-32"
    assert response.asgi_headers() == [(b"content-type", b"text/x-uncached; charset=utf-32")]
    assert "text/x-uncached; charset=utf-32" not in response_base._CHARSET_OF
    assert "text/x-uncached; charset=utf-32" not in response_base._CONTENT_TYPE_PAIRS
    assert "text/x-uncached; charset=utf-32" not in response_base._CONTENT_TYPE_ENTRIES
    assert HttpResponseBase(charset="x-uncached")["content-type"] == "text/html; charset=x-uncached"
    assert "x-uncached" not in response_base._DEFAULT_CONTENT_TYPES


# header access on the response ----------------------------------------------------------------------------


def test_header_access():
    response = HttpResponseBase()
    response["X-A"] = "1"
    assert response["x-a"] == "1"
    assert response.has_header("X-a")
    assert "x-A" in response
    assert response.get("x-a") == "1"
    assert response.get("missing", "alt") == "alt"
    response.setdefault("x-a", "2")
    response.setdefault("X-B", "3")
    assert list(response.items()) == [
        ("Content-Type", "text/html; charset=utf-8"),
        ("X-A", "1"),
        ("X-B", "3"),
    ]
    del response["X-A"]
    assert "X-A" not in response
    with pytest.raises(KeyError):
        response["X-A"]
    assert response.serialize_headers() == b"Content-Type: text/html; charset=utf-8\r\nX-B: 3"
    assert bytes(response) == response.serialize_headers()


# asgi_headers ---------------------------------------------------------------------------------------------


def test_asgi_headers_plain_response():
    response = HttpResponse(b"hello")
    assert response.asgi_headers() == [(b"content-type", b"text/html; charset=utf-8")]
    assert response._cookies is None


def test_asgi_headers_all_lines():
    response = HttpResponse(b"x", content_type="application/json")
    response["X-Latin"] = "café"
    response["Content-Length"] = 99
    response["Location"] = "/"
    response.set_cookie("a", "1", path="/p")
    response.set_cookie("b", "2", httponly=True, samesite="Lax")
    assert response.asgi_headers() == [
        (b"content-type", b"application/json"),
        (b"x-latin", b"caf\xe9"),
        (b"content-length", b"99"),
        (b"location", b"/"),
        (b"set-cookie", b"a=1; Path=/p"),
        (b"set-cookie", b"b=2; HttpOnly; Path=/; SameSite=Lax"),
    ]


def test_asgi_headers_streaming_keep_content_length():
    response = StreamingHttpResponse([b"x"], headers={"Content-Length": "1"})
    assert response.asgi_headers() == [
        (b"content-length", b"1"),
        (b"content-type", b"text/html; charset=utf-8"),
    ]


def test_asgi_headers_without_content_type():
    response = HttpResponse()
    del response["Content-Type"]
    response.cookies = SimpleCookie()
    assert response.asgi_headers() == []


# cookies --------------------------------------------------------------------------------------------------


def test_cookies_are_made_lazily():
    response = HttpResponseBase()
    assert response._cookies is None
    assert isinstance(response.cookies, SimpleCookie)
    assert response.cookies is response.cookies
    replacement = SimpleCookie()
    response.cookies = replacement
    assert response.cookies is replacement


def test_set_cookie_defaults():
    response = HttpResponseBase()
    response.set_cookie("name", "value")
    morsel = response.cookies["name"]
    assert morsel.value == "value"
    assert morsel["path"] == "/"
    assert morsel["expires"] == ""
    assert morsel.OutputString() == "name=value; Path=/"


def test_set_cookie_all_attributes():
    response = HttpResponseBase()
    response.set_cookie(
        "k", "v", path=None, domain=".example.com", secure=True, httponly=True, samesite="Strict"
    )
    assert (
        response.cookies["k"].OutputString() == "k=v; Domain=.example.com; HttpOnly; SameSite=Strict; Secure"
    )


@pytest.mark.parametrize("samesite", ["lax", "None", "STRICT"])
def test_set_cookie_samesite_any_case(samesite):
    response = HttpResponseBase()
    response.set_cookie("k", samesite=samesite)
    assert response.cookies["k"]["samesite"] == samesite


def test_set_cookie_invalid_samesite():
    with pytest.raises(ValueError, match='samesite must be "lax", "none", or "strict".'):
        HttpResponseBase().set_cookie("k", samesite="loose")


def test_set_cookie_max_age(monkeypatch):
    monkeypatch.setattr(response_base.time, "time", lambda: 1_000_000_000.0)
    response = HttpResponseBase()
    response.set_cookie("k", max_age=10.6)
    morsel = response.cookies["k"]
    assert morsel["max-age"] == 10
    assert morsel["expires"] == "Sun, 09 Sep 2001 01:46:50 GMT"
    response.set_cookie("t", max_age=datetime.timedelta(days=1, seconds=5))
    assert response.cookies["t"]["max-age"] == 86405


def test_set_cookie_expires_string_with_max_age():
    response = HttpResponseBase()
    response.set_cookie("k", max_age=5, expires="Thu, 01 Jan 1970 00:00:00 GMT")
    assert response.cookies["k"]["expires"] == "Thu, 01 Jan 1970 00:00:00 GMT"
    assert response.cookies["k"]["max-age"] == 5


def test_set_cookie_expires_datetime(monkeypatch):
    now = 1_700_000_000.0

    class FixedDatetime(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return fixed

    fixed = FixedDatetime.fromtimestamp(now, tz=datetime.UTC)

    fake_datetime = types.SimpleNamespace(
        datetime=FixedDatetime, timezone=datetime.timezone, timedelta=datetime.timedelta, UTC=datetime.UTC
    )
    monkeypatch.setattr(response_base, "datetime", fake_datetime)
    monkeypatch.setattr(response_base.time, "time", lambda: now)
    response = HttpResponseBase()
    naive = (fixed + datetime.timedelta(seconds=100)).replace(tzinfo=None)
    response.set_cookie("naive", expires=naive)
    assert response.cookies["naive"]["max-age"] == 101
    assert response.cookies["naive"]["expires"] == response_base.http_date(now + 101)
    aware = fixed.astimezone(datetime.timezone(datetime.timedelta(hours=5))) + datetime.timedelta(seconds=30)
    response.set_cookie("aware", expires=aware)
    assert response.cookies["aware"]["max-age"] == 31
    response.set_cookie("past", expires=fixed - datetime.timedelta(days=3))
    assert response.cookies["past"]["max-age"] == 0
    with pytest.raises(ValueError, match="'expires' and 'max_age' can't be used together."):
        response.set_cookie("both", expires=naive, max_age=3)


def test_delete_cookie():
    response = HttpResponseBase()
    response.delete_cookie("c")
    morsel = response.cookies["c"]
    assert morsel.OutputString() == 'c=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/'
    response.delete_cookie("d", path="/x", domain="example.com", samesite="Lax")
    assert response.cookies["d"]["domain"] == "example.com"
    assert response.cookies["d"]["secure"] == ""


@pytest.mark.parametrize(
    ("key", "samesite", "secure"),
    [
        ("__Secure-c", None, True),
        ("__Host-c", None, True),
        ("c", "none", True),
        ("c", "NONE", True),
        ("c", "lax", ""),
    ],
)
def test_delete_cookie_secure_prefixes(key, samesite, secure):
    response = HttpResponseBase()
    response.delete_cookie(key, samesite=samesite)
    assert response.cookies[key]["secure"] == secure


def test_set_signed_cookie_round_trip():
    response = HttpResponseBase()
    response.set_signed_cookie("c", "hello", salt="s", max_age=60)
    signed = response.cookies["c"].value
    assert signed != "hello"
    assert response.cookies["c"]["max-age"] == 60
    assert signing._unsign_cookie(signed, cookie_name="c", salt="s") == "hello"
    with pytest.raises(signing.BadSignature):
        signing._unsign_cookie(signed, cookie_name="c", salt="other")


# close and the file-like interface ------------------------------------------------------------------------


def test_close_calls_closers_once_and_ignores_their_errors():
    response = HttpResponseBase()
    calls = []
    response._resource_closers.append(lambda: calls.append(1))
    response._resource_closers.append(lambda: 1 / 0)
    response._resource_closers.append(lambda: calls.append(2))
    assert response.closed is False
    response.close()
    response.close()
    assert calls == [1, 2]
    assert response.closed is True


def test_file_like_interface():
    response = HttpResponseBase()
    with pytest.raises(OSError, match="This HttpResponseBase instance is not writable"):
        response.write(b"x")
    with pytest.raises(OSError, match="This HttpResponseBase instance is not writable"):
        response.writelines([b"x"])
    with pytest.raises(OSError, match="This HttpResponseBase instance cannot tell its position"):
        response.tell()
    assert response.flush() is None
    assert (response.readable(), response.seekable(), response.writable()) == (False, False, False)


def test_make_bytes():
    response = HttpResponseBase(charset="latin-1")
    raw = b"abc"
    assert response.make_bytes(raw) is raw
    assert response.make_bytes(memoryview(b"mv")) == b"mv"
    assert response.make_bytes("é") == b"\xe9"
    assert response.make_bytes(12) == b"12"

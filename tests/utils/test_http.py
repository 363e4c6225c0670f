"""Tests of microdj.utils.http, checked against django.utils.http where both apply."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.utils import http as dj
from hypothesis import given
from hypothesis import strategies as st

from microdj.utils import http
from microdj.utils.datastructures import MultiValueDict
from microdj.utils.http import (
    MAX_URL_LENGTH,
    MAX_URL_REDIRECT_LENGTH,
    base36_to_int,
    content_disposition_header,
    escape_leading_slashes,
    http_date,
    int_to_base36,
    is_same_domain,
    parse_etags,
    parse_header_parameters,
    parse_http_date,
    parse_http_date_safe,
    quote_etag,
    url_has_allowed_host_and_scheme,
    urlencode,
    urlsafe_base64_decode,
    urlsafe_base64_encode,
)


def test_limits_match_django():
    assert MAX_URL_LENGTH == dj.MAX_URL_LENGTH
    assert MAX_URL_REDIRECT_LENGTH == dj.MAX_URL_REDIRECT_LENGTH


# urlencode ------------------------------------------------------------------------------------------------


def gen():
    yield from ("a", "b")


@pytest.mark.parametrize(
    ("query", "doseq"),
    [
        ({"a": 1, "b": "x y"}, False),
        ([("a", 1), ("b", "c")], False),
        ({"a": ["1", "2"]}, False),
        ({"a": ["1", "2"]}, True),
        ({"a": ("x", 2)}, True),
        ({"a": "abc"}, True),
        ({"a": b"bytes"}, True),
        ({"a": [b"x", "é"]}, True),
        ({"a": 5}, True),
        ({"a": []}, True),
        ({"a": {"k": 1}}, True),
    ],
)
def test_urlencode_matches_django(query, doseq):
    assert urlencode(query, doseq) == dj.urlencode(query, doseq)


def test_urlencode_consumes_generators_with_doseq():
    assert urlencode({"a": gen()}, doseq=True) == "a=a&a=b"
    assert urlencode({"a": iter([1, 2])}, doseq=True) == "a=1&a=2"


def test_urlencode_multivaluedict():
    data = MultiValueDict({"name": ["Adrian", "Simon"], "position": ["Developer"]})
    assert urlencode(data, doseq=True) == "name=Adrian&name=Simon&position=Developer"
    assert urlencode(data) == "name=%5B%27Adrian%27%2C+%27Simon%27%5D&position=%5B%27Developer%27%5D"


def test_urlencode_refuses_none():
    message = "Cannot encode None for key 'a' in a query string. Did you mean to pass an empty string or omit"
    with pytest.raises(TypeError, match=message):
        urlencode({"a": None})
    with pytest.raises(TypeError, match=message):
        urlencode([("a", ["x", None])], doseq=True)
    with pytest.raises(TypeError, match=message):
        urlencode({"a": None}, doseq=True)


# dates ----------------------------------------------------------------------------------------------------


def test_http_date():
    assert http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT"
    assert http_date(1e9) == "Sun, 09 Sep 2001 01:46:40 GMT"
    assert http_date().endswith(" GMT")


@pytest.mark.parametrize(
    "date",
    [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "Sun Nov 16 08:49:37 1994",
        "Tue, 29 Feb 2000 00:00:00 GMT",
        "Sun, 06 NOV 1994 08:49:37 GMT",
    ],
)
def test_parse_http_date_matches_django(date):
    assert parse_http_date(date) == dj.parse_http_date(date)
    assert parse_http_date_safe(date) == parse_http_date(date)


def test_parse_http_date_two_digit_years():
    class FixedDatetime(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.datetime(2020, 6, 1, tzinfo=tz)

    with mock.patch.object(http, "datetime", FixedDatetime):
        # 2070 is exactly 50 years ahead: kept in this century; 2071 is more: the previous one.
        assert parse_http_date("Sunday, 01-Jan-70 00:00:00 GMT") == int(
            datetime.datetime(2070, 1, 1, tzinfo=datetime.UTC).timestamp()
        )
        assert parse_http_date("Thursday, 01-Jan-71 00:00:00 GMT") == int(
            datetime.datetime(1971, 1, 1, tzinfo=datetime.UTC).timestamp()
        )


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("garbage", "'garbage' is not in a valid HTTP date format"),
        ("Sun, 06 Xyz 1994 08:49:37 GMT", "is not a valid date"),
        ("Sun, 31 Feb 1994 08:49:37 GMT", "is not a valid date"),
        ("Sun, 06 Nov 1994 25:49:37 GMT", "is not a valid date"),
    ],
)
def test_parse_http_date_errors(date, message):
    with pytest.raises(ValueError, match=message):
        parse_http_date(date)
    assert parse_http_date_safe(date) is None


# base36 / base64 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [0, 1, 35, 36, 1000, 2**63, 818469960])
def test_base36_round_trip(number):
    assert int_to_base36(number) == dj.int_to_base36(number)
    assert base36_to_int(int_to_base36(number)) == number


def test_base36_errors():
    with pytest.raises(ValueError, match="Negative base36 conversion input."):
        int_to_base36(-1)
    with pytest.raises(ValueError, match="Base36 input too large"):
        base36_to_int("1" * 14)
    with pytest.raises(ValueError):
        base36_to_int("!")
    assert base36_to_int("z" * 13) == int("z" * 13, 36)


@pytest.mark.parametrize("data", [b"", b"a", b"ab", b"abc", b"\xff\xfe\xfd\xfc", bytes(range(256))])
def test_urlsafe_base64_round_trip(data):
    encoded = urlsafe_base64_encode(data)
    assert encoded == dj.urlsafe_base64_encode(data)
    assert "=" not in encoded
    assert urlsafe_base64_decode(encoded) == data


def test_urlsafe_base64_decode_errors():
    with pytest.raises(ValueError):
        urlsafe_base64_decode("a")
    with pytest.raises(ValueError, match="Incorrect padding"):
        urlsafe_base64_decode("abcdef=x")


# ETags ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["*", "  *  ", '"etag"', '"a", W/"b", c, "d', 'W/"weak"', "", '"", "x"', '"a"b"'],
)
def test_parse_etags_matches_django(header):
    assert parse_etags(header) == dj.parse_etags(header)


@pytest.mark.parametrize("etag", ["etag", '"etag"', 'W/"etag"', '"et"ag"', "W/x", ""])
def test_quote_etag_matches_django(etag):
    assert quote_etag(etag) == dj.quote_etag(etag)


# domains and safe URLs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "pattern"),
    [
        ("example.com", ".example.com"),
        ("foo.example.com", ".example.com"),
        ("example.com:8888", "example.com:8888"),
        ("foo.example.com:8888", ".example.com:8888"),
        ("example.com", "EXAMPLE.com"),
        ("example.com", ""),
        ("foo.example.com", "example.com"),
        ("example2.com", ".example.com"),
        ("example.com:9999", ".example.com:8888"),
        ("foo.example.com", ".EXAMPLE.COM"),
    ],
)
def test_is_same_domain_matches_django(host, pattern):
    assert is_same_domain(host, pattern) == dj.is_same_domain(host, pattern)


UNSAFE_URLS = [
    "http://exampel.com",
    "http:///example.com",
    "https://example.com",
    "ftp://example.com",
    r"\\example.com",
    r"\\\example.com",
    r"/\\/example.com",
    r"\\\example.com",
    r"\\example.com",
    r"\\//example.com",
    r"/\/example.com",
    r"\/example.com",
    r"/\example.com",
    "http:///example.com",
    r"http:/\//example.com",
    r"http:\/example.com",
    r"http:/\example.com",
    'javascript:alert("XSS")',
    "\njavascript:alert(x)",
    "\x08//example.com",
    r"http://otherserver\@example.com",
    r"http:\\testserver\@example.com",
    r"http://testserver\me:pass@example.com",
    r"http://testserver\@example.com",
    r"http:\\testserver\confirm\me@example.com",
    "http:999999999",
    "ftp:9999999999",
    "\n",
    "http://[2001:cdba:0000:0000:0000:0000:3257:9652/",
    "http://2001:cdba:0000:0000:0000:0000:3257:9652]/",
    "///example.com",
    "/" + "a" * 3000,
    "",
    "   ",
    None,
]
SAFE_URLS = [
    "/view/?param=http://example.com",
    "/view/?param=https://example.com",
    "/view?param=ftp://example.com",
    "view/?param=//example.com",
    "https://testserver/",
    "HTTPS://testserver/",
    "//testserver/",
    "http://testserver/confirm?email=me@example.com",
    "/url%20with%20spaces/",
    "path/http:2222222222",
    "  /padded  ",
]


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_unsafe_urls(url):
    assert url_has_allowed_host_and_scheme(url, allowed_hosts={"testserver", "testserver2"}) is False
    assert dj.url_has_allowed_host_and_scheme(url, allowed_hosts={"testserver", "testserver2"}) is False


@pytest.mark.parametrize("url", SAFE_URLS)
def test_safe_urls(url):
    assert url_has_allowed_host_and_scheme(url, allowed_hosts={"testserver", "testserver2"}) is True
    assert dj.url_has_allowed_host_and_scheme(url, allowed_hosts={"testserver", "testserver2"}) is True


@pytest.mark.parametrize(
    ("url", "hosts", "require_https"),
    [
        ("https://example.com/p", "example.com", False),
        ("http://example.com/p", "example.com", True),
        ("https://example.com/p", "example.com", True),
        ("//example.com/p", "example.com", True),
        ("/p", None, True),
        ("http://example.com/p", None, False),
        ("https://example.com/p", ["example.com"], False),
    ],
)
def test_url_has_allowed_host_and_scheme_options(url, hosts, require_https):
    expected = dj.url_has_allowed_host_and_scheme(url, hosts, require_https=require_https)
    assert url_has_allowed_host_and_scheme(url, hosts, require_https=require_https) is expected


def test_url_length_limit():
    base = "/"
    url = base + "a" * (MAX_URL_LENGTH - 1)
    assert url_has_allowed_host_and_scheme(url, None)
    assert not url_has_allowed_host_and_scheme(url + "a", None)


@pytest.mark.parametrize(("url", "expected"), [("//example.com", "/%2Fexample.com"), ("/a//b", "/a//b")])
def test_escape_leading_slashes(url, expected):
    assert escape_leading_slashes(url) == expected == dj.escape_leading_slashes(url)


# header parameters ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "",
        "text/plain",
        "  Text/HTML  ",
        "text/plain; charset=UTF-8",
        'multipart/form-data; boundary="----abc"',
        'form-data; name="file"; filename="a;b.txt"',
        "form-data; name=x; ; =y; z",
        "attachment; filename*=UTF-8''%E2%82%AC%20rates.txt",
        "attachment; filename*=''plain.txt",
        "attachment; filename*=us-ascii'en-us'encoded%20file.txt",
        "attachment; filename*0*=UTF-8''foo-%c3%a4; filename*1=.html",
        'Text/HTML; Charset="utf-8"; Q=0.5',
    ],
)
def test_parse_header_parameters_matches_django(line):
    assert parse_header_parameters(line) == dj.parse_header_parameters(line)


_TCHARS = "!#$%&'*+-.^_`|~0123456789abcXYZ"


def _header_line(pieces: list[str]) -> str:
    # A main value, then parameters: plain "name=value" pieces (the hand-made path) and odd ones.
    params = (f"; {piece}" if "=" in piece else f";{piece}=v" for piece in pieces[1:])
    return pieces[0] + "".join(params)


_HEADER_LINES = st.lists(
    st.one_of(
        st.text(_TCHARS + "/", min_size=1, max_size=8),
        st.text(_TCHARS + ' \t=;"\\', max_size=8),
    ),
    min_size=1,
    max_size=6,
).map(_header_line)


@pytest.mark.parametrize(
    "line",
    [
        "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
        " Text/Plain ;\tCharSet=UTF-8\t; x=1; x=2",
        "a/b;x=1;;y=2",
        "a/b; x=a%20b; y*=z",
    ],
)
def test_parse_header_parameters_plain_and_email_paths_agree(line):
    # Lines of plain tokens take the hand-made path, the others the email parser; both answer as Django.
    parsed = http._parse_parameters.__wrapped__(line)
    assert (parsed[0], dict(parsed[1])) == dj.parse_header_parameters(line)


@given(_HEADER_LINES)
def test_parse_header_parameters_matches_django_on_generated_lines(line):
    # Parsed twice: the first answer is cached, and the cache must hand back a fresh dict.
    try:
        expected = dj.parse_header_parameters(line)
    except ValueError:
        return
    assert parse_header_parameters(line) == expected
    assert parse_header_parameters(line) == expected


def test_parse_header_parameters_returns_fresh_dicts():
    line = "text/plain; charset=utf-8"
    first = parse_header_parameters(line)[1]
    first["charset"] = "changed"
    assert parse_header_parameters(line) == ("text/plain", {"charset": "utf-8"})


def test_parse_header_parameters_unknown_rfc2231_charset():
    with pytest.raises(ValueError, match="Invalid encoding 'no-such' for RFC 2231 param."):
        parse_header_parameters("attachment; filename*=no-such''x.txt")


@pytest.mark.parametrize(
    ("as_attachment", "filename"),
    [
        (False, ""),
        (True, ""),
        (False, "a.txt"),
        (True, "a.txt"),
        (True, 'with "quotes" and \\ backslash'),
        (True, "tab\tand space"),
        (True, "espécial.txt"),
        (False, "控制.pdf"),
        (True, "bell\x07.txt"),
        (True, "nl\n"),
    ],
)
def test_content_disposition_header_matches_django(as_attachment, filename):
    expected = dj.content_disposition_header(as_attachment, filename)
    assert content_disposition_header(as_attachment, filename) == expected


def test_content_disposition_header_examples():
    assert content_disposition_header(False, "") is None
    assert content_disposition_header(True, "") == "attachment"
    assert content_disposition_header(True, 'a"b') == 'attachment; filename="a\\"b"'
    assert content_disposition_header(False, "é") == "inline; filename*=utf-8''%C3%A9"

"""request.headers (HttpHeaders) and the UTF-8 check of paths and query strings."""

import pytest

from microdj.core.exceptions import BadRequest
from microdj.http.headers import HttpHeaders, check_utf8


def test_headers_from_meta():
    headers = HttpHeaders(
        {"HTTP_USER_AGENT": "ua", "CONTENT_TYPE": "text/plain", "CONTENT_LENGTH": "3", "SERVER_NAME": "x"}
    )
    assert dict(headers) == {"User-Agent": "ua", "Content-Type": "text/plain", "Content-Length": "3"}
    assert headers["user_agent"] == "ua"
    assert "Server-Name" not in headers


@pytest.mark.parametrize(
    ("name", "meta"),
    [
        ("Content-Type", "CONTENT_TYPE"),
        ("content-length", "CONTENT_LENGTH"),
        ("X-Request-Id", "HTTP_X_REQUEST_ID"),
    ],
)
def test_header_names_to_meta_keys(name, meta):
    assert HttpHeaders.to_wsgi_name(name) == meta
    assert HttpHeaders.parse_header_name(meta).lower() == name.lower()


@pytest.mark.parametrize(
    "scope",
    [
        {"path": "/caf\u00e9/", "raw_path": "/café/".encode()},
        {"path": "/ok", "query_string": "q=é".encode()},
        {"path": "/ok", "raw_path": b"/ok", "query_string": b"a=%ff"},
    ],
)
def test_utf8_paths_and_queries_pass(scope):
    check_utf8(scope)


@pytest.mark.parametrize(
    "scope",
    [
        {"path": "/p/\udcff"},
        {"path": "/p/caf\u00e9/", "raw_path": b"/p/caf\xe9/"},
        {"path": "/p", "query_string": b"d=\xc0\xaf"},
    ],
)
def test_non_utf8_paths_and_queries_are_bad_requests(scope):
    with pytest.raises(BadRequest, match="not valid UTF-8"):
        check_utf8(scope)

"""Differential tests, core: responses, JSON, redirects, errors, HEAD, query strings, cookies, headers,
routing, class-based views and view decorators — the same raw request through Django's and microdj's ASGI
applications."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from tests.parity.parity_driver import Parity


@pytest.fixture(scope="module")
def parity() -> Iterator[Parity]:
    """Both applications on the parity URLconfs, no middleware."""
    with Parity() as pair:
        yield pair


pytestmark = pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous iterators")


@pytest.fixture(autouse=True)
def quiet(caplog: Any) -> None:
    """Error responses log on both sides; keep the output short."""
    caplog.set_level(logging.CRITICAL)


def case(
    case_id: str,
    path: str,
    method: str = "GET",
    query: bytes = b"",
    headers: tuple[tuple[str, str], ...] = (),
    *,
    twin: bool = False,
    **options: Any,
) -> list[Any]:
    """A pytest param (and, with ``twin``, the same request to the async twin under /async/)."""
    params = [pytest.param(method, path, query, headers, dict(options), id=case_id)]
    if twin:
        params.append(
            pytest.param(method, f"/async{path}", query, headers, dict(options), id=f"{case_id}-async")
        )
    return params


CASES = [
    # Plain responses: str, bytes, charsets, iterables, header manipulation.
    *case("text", "/text/", twin=True),
    *case("bytes", "/bytes/", twin=True),
    *case("latin-1", "/latin/", twin=True),
    *case("charset-kwarg", "/charset/", twin=True),
    *case("iterable", "/iterable/", twin=True),
    *case("write-and-headers", "/write/", twin=True),
    # Status codes and reason phrases (the phrase is echoed in the body: ASGI has no reason phrase).
    *case("status-200", "/status/200/", twin=True),
    *case("status-201", "/status/201/"),
    *case("status-226", "/status/226/"),
    *case("status-299-unknown", "/status/299/"),
    *case("status-410", "/status/410/"),
    *case("status-418", "/status/418/", twin=True),
    *case("status-425", "/status/425/"),
    *case("status-429", "/status/429/"),
    *case("status-451", "/status/451/"),
    *case("status-503", "/status/503/", server_error=True),
    *case("status-599", "/status/599/", server_error=True),
    *case("custom-reason", "/reason/", twin=True),
    *case("not-found-response", "/kind/notfound/", twin=True),
    *case("forbidden-response", "/kind/forbidden/"),
    *case("gone-response", "/kind/gone/"),
    *case("bad-request-response", "/kind/badrequest/"),
    *case("server-error-response", "/kind/servererror/", server_error=True),
    *case("not-allowed-response", "/kind/notallowed/", twin=True),
    *case("not-modified-response", "/kind/notmodified/", twin=True),
    *case("no-content-response", "/kind/nocontent/"),
    *case("permanent-redirect-iri", "/kind/permanent/"),
    # JsonResponse.
    *case("json-dict", "/json/dict/", twin=True),
    *case("json-list-unsafe-ok", "/json/list/", twin=True),
    *case("json-dates-decimal-uuid", "/json/types/", twin=True),
    *case("json-dumps-params", "/json/params/"),
    *case("json-status", "/json/status/"),
    *case("json-scalar", "/json/scalar/"),
    *case("json-safe-refuses-list-500", "/json/unsafe/", twin=True, server_error=True),
    # Redirects.
    *case("redirect-plain", "/redirect/plain/", twin=True),
    *case("redirect-view-name-kwargs", "/redirect/name/", twin=True),
    *case("redirect-namespaced-args", "/redirect/ns-args/"),
    *case("redirect-path", "/redirect/path/"),
    *case("redirect-absolute-permanent", "/redirect/absolute/"),
    *case("redirect-unsafe-scheme-400", "/redirect/unsafe/", twin=True),
    *case("redirect-preserve-307", "/redirect/preserve/"),
    *case("redirect-preserve-308", "/redirect/preserve-permanent/"),
    *case("redirect-iri", "/redirect/iri/"),
    *case("redirect-relative", "/redirect/relative/"),
    *case("redirect-view-callable", "/redirect/view/"),
    *case("redirect-no-reverse-500", "/redirect/missing/", server_error=True),
    *case("reverse-query-fragment", "/redirect/reverse-query/"),
    *case("item-reverse", "/item/41/"),
    # Errors with DEBUG = False: the default error pages.
    *case("http404", "/error/http404/", twin=True),
    *case("permission-denied", "/error/denied/", twin=True),
    *case("bad-request", "/error/bad/", twin=True),
    *case("suspicious-operation", "/error/suspicious/", twin=True),
    *case("disallowed-host-raised", "/error/disallowed-host/"),
    *case("unhandled-500", "/error/boom/", twin=True, server_error=True),
    *case("no-route-404", "/no/such/route/"),
    *case("converter-mismatch-404", "/status/abc/"),
    *case("uuid-mismatch-404", "/conv/uuid/not-a-uuid/"),
    # Streaming.
    *case("streaming", "/stream/"),
    *case("streaming-head", "/stream/", "HEAD"),
    # HEAD.
    *case("head-text", "/text/", "HEAD", twin=True),
    *case("head-json", "/json/dict/", "HEAD"),
    *case("head-404", "/nowhere/", "HEAD"),
    *case("head-redirect", "/redirect/plain/", "HEAD"),
    *case("head-cbv", "/cbv/", "HEAD"),
    # Query strings.
    *case("query-lists", "/query/", query=b"a=1&a=2&b=&c", twin=True),
    *case("query-plus-and-percent", "/query/", query=b"a=x+y&b=%2B%26%3D&c=%20"),
    *case("query-unicode", "/query/", query="a=é&ü=ç".encode(), twin=True),
    *case("query-percent-utf8", "/query/", query=b"a=%C3%A9%E2%9C%93&%C3%BC=1"),
    *case("query-separators", "/query/", query=b"a=1;b=2&&c==3&=4"),
    *case("query-empty", "/query/"),
    *case("query-only-key", "/query/", query=b"flag"),
    *case("query-bad-percent", "/query/", query=b"a=%zz&b=%"),
    # Cookies in and out.
    *case("cookies-in", "/cookies/", headers=(("cookie", 'a=1; b="two"; c=x=y; d; e=%C3%A9'),), twin=True),
    *case("cookies-in-spaces", "/cookies/", headers=(("cookie", "  a = 1 ;b=2;;  c= "),)),
    *case("cookies-in-none", "/cookies/"),
    *case("set-and-delete-cookies", "/set-cookies/", twin=True),
    # Headers in.
    *case(
        "headers-in",
        "/headers/",
        headers=(
            ("user-agent", "parity/1.0"),
            ("accept", "text/html, application/json;q=0.9"),
            ("x-custom-thing", "v1"),
            ("x-custom-thing", "v2"),
            ("cookie", "a=1"),
        ),
        twin=True,
    ),
    *case(
        "headers-in-content",
        "/headers/",
        "POST",
        headers=(("content-type", "text/plain; charset=utf-8"), ("content-length", "0")),
    ),
    *case("request-info", "/info/", query=b"x=1&y=%C3%A9", twin=True),
    *case(
        "request-info-accept",
        "/info/",
        headers=(("accept", "application/json"), ("content-type", "text/plain; charset=latin-1; x=y")),
    ),
    *case("request-info-host-port", "/info/", headers=(("host", "localhost:8000"),)),
    *case("request-info-https", "/info/", scheme="https", server=("testserver", 443)),
    *case("request-info-root-path", "/app/info/", root_path="/app"),
    *case("request-info-unicode-path", "/info/", raw_path=b"/info/"),
    # Path converters and re_path groups.
    *case("conv-int", "/conv/int/42/", twin=True),
    *case("conv-int-leading-zero", "/conv/int/007/"),
    *case("conv-uuid", "/conv/uuid/12345678-1234-5678-1234-567812345678/", twin=True),
    *case("conv-slug", "/conv/slug/a-b_c9/"),
    *case("conv-path", "/conv/path/a/b/c.txt"),
    *case("conv-path-unicode", "/conv/path/é/ü", raw_path=b"/conv/path/%C3%A9/%C3%BC"),
    *case("conv-str", "/conv/str/word/3/"),
    *case("re-named", "/re/2024/some-slug/"),
    *case("re-unnamed", "/re-unnamed/12/abc/"),
    *case("re-optional-absent", "/re-optional/"),
    *case("re-optional-present", "/re-optional/5/"),
    *case("extra-kwargs", "/extra/5/"),
    # include() with namespaces, and reverse().
    *case("shop-list", "/shop/"),
    *case("shop-detail", "/shop/3/"),
    *case("store-detail-instance", "/store/3/"),
    *case("shop-nested", "/shop/inner/nested/a-b/"),
    *case("reverse-table", "/reverse/"),
    # Class-based views.
    *case("cbv-get", "/cbv/"),
    *case("cbv-initkwargs", "/cbv/3/"),
    *case("cbv-405", "/cbv/", "PUT"),
    *case("cbv-options", "/cbv/", "OPTIONS"),
    *case("cbv-async-get", "/cbv-async/"),
    *case("cbv-async-delete", "/cbv-async/", "DELETE"),
    *case("cbv-async-405", "/cbv-async/", "POST"),
    *case("cbv-async-options", "/cbv-async/", "OPTIONS"),
    *case("cbv-only-post-get-405", "/cbv-only-post/"),
    *case("cbv-only-post-options", "/cbv-only-post/", "OPTIONS"),
    *case("cbv-unknown-method-405", "/cbv/", "BREW"),
    # RedirectView.
    *case("redirect-view-url", "/rv/url/5/"),
    *case("redirect-view-permanent", "/rv/permanent/"),
    *case("redirect-view-query", "/rv/query/", query=b"a=1&b=%C3%A9"),
    *case("redirect-view-pattern", "/rv/pattern/8/"),
    *case("redirect-view-gone", "/rv/gone/"),
    *case("redirect-view-post", "/rv/url/5/", "POST"),
    *case("redirect-view-options", "/rv/url/5/", "OPTIONS"),
    # Decorators.
    *case("require-post-get-405", "/dec-post/"),
    *case("require-post-ok", "/dec-post/", "POST"),
    *case("require-post-async-405", "/dec-apost/", "PATCH"),
    *case("require-methods-put", "/dec-methods/", "PUT"),
    *case("require-methods-delete-405", "/dec-methods/", "DELETE"),
    *case("require-safe-head", "/dec-safe/", "HEAD"),
    *case("require-safe-post-405", "/dec-safe/", "POST"),
    *case("require-get-async", "/dec-get/"),
    *case("never-cache", "/dec-never/"),
    *case("never-cache-async", "/dec-anever/"),
    *case("cache-control", "/dec-cache/"),
    *case("cache-control-private", "/dec-cache-private/"),
    *case("vary-on-headers", "/dec-vary/"),
    *case("vary-on-cookie", "/dec-vary-cookie/"),
    *case("etag", "/dec-etag/"),
    *case("etag-304", "/dec-etag/", headers=(("if-none-match", '"v1"'),)),
    *case("etag-async-304-weak", "/dec-aetag/", headers=(("if-none-match", 'W/"v1", "v2"'),)),
    *case("etag-miss", "/dec-etag/", headers=(("if-none-match", '"v0"'),)),
    *case("etag-star", "/dec-etag/", headers=(("if-none-match", "*"),)),
    *case("etag-if-match-412", "/dec-etag/", "PUT", headers=(("if-match", '"v0"'),)),
    *case("etag-if-match-ok-post", "/dec-etag/", "POST", headers=(("if-match", '"v1"'),)),
    *case("last-modified", "/dec-modified/"),
    *case(
        "last-modified-304",
        "/dec-modified/",
        headers=(("if-modified-since", "Tue, 02 Jan 2024 03:04:05 GMT"),),
    ),
    *case(
        "last-modified-older",
        "/dec-modified/",
        headers=(("if-modified-since", "Mon, 01 Jan 2024 00:00:00 GMT"),),
    ),
    *case(
        "unmodified-since-412",
        "/dec-modified/",
        "POST",
        headers=(("if-unmodified-since", "Mon, 01 Jan 2024 00:00:00 GMT"),),
    ),
    *case("condition-both", "/dec-condition/"),
    *case(
        "condition-etag-wins",
        "/dec-condition/",
        headers=(("if-none-match", '"other"'), ("if-modified-since", "Tue, 02 Jan 2024 03:04:05 GMT")),
    ),
    *case("condition-head-304", "/dec-condition/", "HEAD", headers=(("if-none-match", '"v1"'),)),
]


@pytest.mark.parametrize(("method", "path", "query", "headers", "options"), CASES)
def test_same_answer(
    parity: Parity, method: str, path: str, query: bytes, headers: tuple[tuple[str, str], ...], options: Any
) -> None:
    server_error = options.get("server_error", False)
    scope_extra = {key: value for key, value in options.items() if key != "server_error"}
    mine, _ = parity.compare(method, path, query, headers, **scope_extra)
    # A view bug answers 500 on both sides and would compare equal: only the cases meant to fail may.
    assert (mine.status is not None and mine.status >= 500) == server_error, mine.body[:300]


def test_head_sends_no_body_but_content_length(parity: Parity) -> None:
    """Documented difference: microdj sends no body bytes for HEAD; Django's ASGI handler sends the body
    (servers strip it). microdj's Content-Length is that of the GET body."""
    mine, theirs = parity.compare("HEAD", "/text/")
    assert mine.body == b""
    assert theirs.body == "héllo wörld ✓".encode()
    assert mine.header("content-length") == str(len(theirs.body))


def test_json_types_body(parity: Parity) -> None:
    """The encoder's output for dates, Decimal and UUID (pinned, besides being equal to Django's)."""
    mine, _ = parity.compare("GET", "/json/types/")
    assert json.loads(mine.body) == {
        "datetime": "2024-02-29T13:14:15.123",
        "aware": "2024-02-29T13:14:15Z",
        "date": "2024-02-29",
        "time": "13:14:15.123",
        "delta": "P1DT02H00M03.000004S",
        "decimal": "12.340",
        "uuid": "12345678-1234-5678-1234-567812345678",
        "ms": "2024-01-01T00:00:00.001",
    }


def test_error_pages_are_djangos(parity: Parity) -> None:
    """DEBUG = False error pages: byte-identical bodies and content types for 400, 403, 404 and 500."""
    for path, status in (
        ("/error/bad/", 400),
        ("/error/denied/", 403),
        ("/error/http404/", 404),
        ("/error/boom/", 500),
    ):
        mine, _ = parity.compare("GET", path)
        assert mine.status == status
        assert mine.header("content-type") == "text/html; charset=utf-8"
        assert mine.body.startswith(b"\n<!doctype html>\n")


def test_disallowed_host_is_checked_before_the_view(parity: Parity) -> None:
    """Documented difference: microdj checks Host against ALLOWED_HOSTS on every request (400); Django only
    when get_host() is called, so a view that never calls it answers 200 there."""
    mine, theirs = parity.run("GET", "/text/", headers=(("host", "evil.example"),))
    assert (mine["status"], theirs["status"]) == (400, 200)
    # When the view calls get_host(), both answer 400 with the same page.
    parity.compare("GET", "/error/get-host/", headers=(("host", "evil.example"),))


def test_request_data_too_big_raised_by_a_view_is_413(parity: Parity) -> None:
    """Documented difference (README: an over-large body answers 413): microdj answers RequestDataTooBig
    with a plain-text 413 wherever it is raised; Django treats one raised by a view as a
    SuspiciousOperation (400)."""
    mine, theirs = parity.run("GET", "/error/too-big/")
    assert (mine["status"], mine["body"]) == (413, b"413 Payload too large")
    assert theirs["status"] == 400


def test_head_on_no_body_statuses(parity: Parity) -> None:
    """304 and 204 carry neither body nor Content-Length in microdj; Django sends no Content-Length either."""
    for path in ("/kind/notmodified/", "/kind/nocontent/"):
        mine, theirs = parity.compare("GET", path)
        assert mine.body == theirs.body == b""
        assert mine.header("content-length") is None


def test_proxy_settings(parity: Parity) -> None:
    """USE_X_FORWARDED_HOST/PORT and SECURE_PROXY_SSL_HEADER as Django reads them."""
    forwarded = (
        ("x-forwarded-host", "localhost:8443"),
        ("x-forwarded-port", "9000"),
        ("x-forwarded-proto", "https"),
    )
    parity.compare("GET", "/info/", headers=forwarded)
    with parity.override(USE_X_FORWARDED_HOST=True, USE_X_FORWARDED_PORT=True):
        mine, _ = parity.compare("GET", "/info/", headers=forwarded)
        assert json.loads(mine.body)["host"] == "localhost:8443"
    with parity.override(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        mine, _ = parity.compare("GET", "/info/", headers=forwarded)
        assert json.loads(mine.body)["secure"] is True
        parity.compare("GET", "/info/", headers=(("x-forwarded-proto", "http"),))
    with parity.override(USE_X_FORWARDED_HOST=True):
        # A list of hosts is not split: both refuse it as a host (400).
        mine, _ = parity.compare("GET", "/info/", headers=(("x-forwarded-host", "localhost, proxy"),))
        assert mine.status == 400


def test_every_case_was_compared() -> None:
    """The table is big enough to mean something (the parity count the brief asks for)."""
    assert len(CASES) >= 80

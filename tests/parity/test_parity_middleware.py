"""Differential tests, middleware: Common (APPEND_SLASH, PREPEND_WWW, user agents), Security, GZip,
ConditionalGet, signed-cookie sessions and CSRF — the same MIDDLEWARE setting ("{fw}." swapped) on both
sides."""

from __future__ import annotations

import gzip
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.parity.parity_driver import Answer, Parity, normalise, urlencoded

COMMON = "{fw}.middleware.common.CommonMiddleware"
SECURITY = "{fw}.middleware.security.SecurityMiddleware"
GZIP = "{fw}.middleware.gzip.GZipMiddleware"
CONDITIONAL = "{fw}.middleware.http.ConditionalGetMiddleware"
SESSIONS = "{fw}.contrib.sessions.middleware.SessionMiddleware"
CSRF = "{fw}.middleware.csrf.CsrfViewMiddleware"
SIGNED_COOKIES = "{fw}.contrib.sessions.backends.signed_cookies"

# Django warns that its ASGI handler consumes a sync streaming iterator; microdj streams it from a worker.
pytestmark = pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous iterators")


@pytest.fixture(autouse=True)
def quiet(caplog: Any) -> None:
    caplog.set_level(logging.CRITICAL)


def stack(*middleware: str, **settings: Any) -> Iterator[Parity]:
    with Parity(MIDDLEWARE=list(middleware), **settings) as pair:
        yield pair


# ------------------------------------------------------------------------------------------- common
@pytest.fixture(scope="module")
def common() -> Iterator[Parity]:
    yield from stack(COMMON)


@pytest.mark.parametrize(
    ("method", "path", "query", "headers"),
    [
        pytest.param("GET", "/slash", b"", (), id="append-slash-301"),
        pytest.param("GET", "/slash", b"a=1&b=%C3%A9&c", (), id="append-slash-keeps-query"),
        pytest.param("HEAD", "/slash", b"", (), id="append-slash-head"),
        pytest.param("POST", "/slash", b"", (("content-length", "0"),), id="append-slash-post-no-debug"),
        pytest.param("GET", "/async/text", b"", (), id="append-slash-async-view"),
        pytest.param("GET", "/slash/", b"", (), id="content-length-added"),
        pytest.param("GET", "/nothing-here", b"", (), id="no-slash-variant-404"),
        pytest.param("GET", "/nothing-here/", b"", (), id="plain-404"),
        pytest.param("GET", "/conv/path/a/b", b"", (), id="matching-path-without-slash"),
        pytest.param("GET", "/stream/", b"", (), id="streaming-no-length"),
        pytest.param("GET", "/error/http404", b"", (), id="slash-redirect-before-view-404"),
        pytest.param("GET", "/%C3%A9t%C3%A9", b"", (), id="unicode-404"),
        pytest.param("GET", "/redirect/plain", b"", (("user-agent", "evilbot/1"),), id="user-agent-allowed"),
    ],
)
def test_common(
    common: Parity, method: str, path: str, query: bytes, headers: tuple[tuple[str, str], ...]
) -> None:
    common.compare(method, path, query, headers)


def test_common_settings(common: Parity) -> None:
    """APPEND_SLASH off, PREPEND_WWW on, DISALLOWED_USER_AGENTS (403 page)."""
    with common.override(APPEND_SLASH=False):
        mine, _ = common.compare("GET", "/slash")
        assert mine.status == 404
    with common.override(PREPEND_WWW=True, ALLOWED_HOSTS=["testserver", "www.testserver"]):
        mine, _ = common.compare("GET", "/text/", b"x=1")
        assert (mine.status, mine.header("location")) == (301, "http://www.testserver/text/?x=1")
        mine, _ = common.compare("GET", "/slash", headers=(("host", "www.testserver"),))
        assert mine.header("location") == "/slash/"
    with common.override(DISALLOWED_USER_AGENTS=[re.compile(r"evilbot", re.I)]):
        mine, _ = common.compare("GET", "/text/", headers=(("user-agent", "EvilBot/2"),))
        assert mine.status == 403
        common.compare("GET", "/text/", headers=(("user-agent", "nicebot"),))


# ----------------------------------------------------------------------------------------- security
@pytest.fixture(scope="module")
def security() -> Iterator[Parity]:
    yield from stack(SECURITY, ALLOWED_HOSTS=["testserver", "secure.example"])


def test_security_default_headers(security: Parity) -> None:
    mine, _ = security.compare("GET", "/text/")
    assert mine.header("x-content-type-options") == "nosniff"
    security.compare("GET", "/async/json/dict/")
    security.compare("GET", "/nowhere/")


@pytest.mark.parametrize(
    ("settings", "scheme", "path", "query"),
    [
        pytest.param({"SECURE_HSTS_SECONDS": 3600}, "https", "/text/", b"", id="hsts"),
        pytest.param({"SECURE_HSTS_SECONDS": 3600}, "http", "/text/", b"", id="hsts-not-on-http"),
        pytest.param(
            {"SECURE_HSTS_SECONDS": 60, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True},
            "https",
            "/text/",
            b"",
            id="hsts-subdomains-preload",
        ),
        pytest.param({"SECURE_SSL_REDIRECT": True}, "http", "/text/", b"q=1", id="ssl-redirect"),
        pytest.param({"SECURE_SSL_REDIRECT": True}, "https", "/text/", b"", id="ssl-redirect-already-https"),
        pytest.param(
            {"SECURE_SSL_REDIRECT": True, "SECURE_SSL_HOST": "secure.example"},
            "http",
            "/info/",
            b"",
            id="ssl-host",
        ),
        pytest.param(
            {"SECURE_SSL_REDIRECT": True, "SECURE_REDIRECT_EXEMPT": [r"^te"]},
            "http",
            "/text/",
            b"",
            id="ssl-exempt",
        ),
        pytest.param(
            {"SECURE_REFERRER_POLICY": ["origin", "strict-origin"]}, "http", "/text/", b"", id="referrer-list"
        ),
        pytest.param({"SECURE_REFERRER_POLICY": None}, "http", "/text/", b"", id="referrer-off"),
        pytest.param({"SECURE_CROSS_ORIGIN_OPENER_POLICY": "unsafe-none"}, "http", "/text/", b"", id="coop"),
        pytest.param(
            {"SECURE_CROSS_ORIGIN_OPENER_POLICY": None, "SECURE_CONTENT_TYPE_NOSNIFF": False},
            "http",
            "/text/",
            b"",
            id="all-off",
        ),
    ],
)
def test_security_settings(
    security: Parity, settings: dict[str, Any], scheme: str, path: str, query: bytes
) -> None:
    port = 443 if scheme == "https" else 80
    with security.override(**settings):
        security.compare("GET", path, query, scheme=scheme, server=("testserver", port))


# --------------------------------------------------------------------------------------------- gzip
@pytest.fixture(scope="module")
def gzipped() -> Iterator[Parity]:
    yield from stack(GZIP, CONDITIONAL)


def assert_same_gzip(
    mine_raw: dict[str, Any], theirs_raw: dict[str, Any], *, check_length: bool = True
) -> tuple[Answer, Answer]:
    """Compare gzip answers: the decompressed bodies and the headers; gzip bytes (Django pads the header with
    random bytes against BREACH) and hence Content-Length may differ."""
    mine, theirs = normalise(mine_raw), normalise(theirs_raw)
    assert mine.status == theirs.status
    if theirs.header("content-encoding") == "gzip" and check_length:
        assert gzip.decompress(mine.body) == gzip.decompress(theirs.body)
        if mine.header("content-length") is not None:
            assert mine.header("content-length") == str(len(mine.body))
    else:
        assert mine.body == theirs.body

    def without_length(answer: Answer) -> list[tuple[str, str]]:
        return [(name, value) for name, value in answer.headers if name != "content-length"]

    assert without_length(mine) == without_length(theirs)
    return mine, theirs


@pytest.mark.parametrize(
    ("method", "path", "accept"),
    [
        pytest.param("GET", "/big/", "gzip, deflate", id="compressed"),
        pytest.param("GET", "/async/text/", "gzip", id="too-small"),
        pytest.param("GET", "/big/", "", id="not-accepted"),
        pytest.param("GET", "/big/", "identity, gzip;q=0", id="gzip-q0-still-gzip-as-django"),
        pytest.param("GET", "/stream/", "gzip", id="streaming"),
        pytest.param("HEAD", "/big/", "gzip", id="head"),
        pytest.param("GET", "/nowhere/", "gzip", id="error-page"),
    ],
)
def test_gzip(gzipped: Parity, method: str, path: str, accept: str) -> None:
    headers = (("accept-encoding", accept),) if accept else ()
    mine_raw, theirs_raw = gzipped.run(method, path, headers=headers)
    if method == "HEAD":
        # microdj sends no body for HEAD (README); the compressed length differs: compare the headers only.
        assert mine_raw["body"] == b""
        mine_raw, theirs_raw = {**mine_raw, "body": b""}, {**theirs_raw, "body": b""}
    mine, _ = assert_same_gzip(mine_raw, theirs_raw, check_length=method != "HEAD")
    if path == "/big/" and "gzip, deflate" in accept:
        assert mine.header("content-encoding") == "gzip"
        assert (mine.header("etag") or "").startswith('W/"')


# -------------------------------------------------------------------------------------- conditional
@pytest.fixture(scope="module")
def conditional() -> Iterator[Parity]:
    yield from stack(CONDITIONAL)


def test_conditional_get(conditional: Parity) -> None:
    mine, _ = conditional.compare("GET", "/text/")
    etag = mine.header("etag")
    assert etag is not None and etag.startswith('"')
    mine, _ = conditional.compare("GET", "/text/", headers=(("if-none-match", etag),))
    assert mine.status == 304
    conditional.compare("HEAD", "/text/", headers=(("if-none-match", etag),))
    conditional.compare("GET", "/text/", headers=(("if-none-match", '"other"'),))
    conditional.compare("POST", "/text/", headers=(("if-none-match", etag), ("content-length", "0")))
    conditional.compare("GET", "/async/text/", headers=(("if-none-match", etag),))
    conditional.compare("GET", "/stream/")
    conditional.compare("GET", "/dec-never/")
    conditional.compare("GET", "/nowhere/")
    modified = (("if-modified-since", "Wed, 03 Jan 2024 00:00:00 GMT"),)
    mine, _ = conditional.compare("GET", "/dec-modified/", headers=modified)
    assert mine.status == 304


# ----------------------------------------------------------------------------------------- sessions
@pytest.fixture(scope="module")
def sessions() -> Iterator[Parity]:
    yield from stack(SESSIONS, SESSION_ENGINE=SIGNED_COOKIES)


def test_session_counter(sessions: Parity) -> None:
    """A counter kept in the signed-cookie session: the same answers at each step (cookie values differ:
    they are signed, with each framework's own salt)."""
    jar: dict[str, str] = {}

    def request(path: str, query: bytes = b"") -> Any:
        def build(framework: str) -> dict[str, Any]:
            cookie = jar.get(framework)
            headers = (("cookie", f"sessionid={cookie}"),) if cookie else ()
            return {"path": path, "query": query, "headers": headers}

        return build

    for expected in (1, 2, 3):
        mine, theirs = sessions.compare_each(request("/session/"), mask_cookies=["sessionid"])
        assert mine.body == b'{"count": %d, "empty": false}' % expected
        jar["microdj"], jar["django"] = mine.cookies["sessionid"], theirs.cookies["sessionid"]
    mine, _ = sessions.compare_each(request("/session-read/"), mask_cookies=["sessionid"])
    assert mine.cookies == {} and mine.header("vary") == "Cookie"
    mine, _ = sessions.compare_each(request("/session/", b"flush=1"), mask_cookies=["sessionid"])
    assert mine.cookies == {"sessionid": '""'}
    sessions.compare("GET", "/text/")
    # A forged or missing cookie: an empty session, re-saved (as Django does) when read.
    sessions.compare(
        "GET", "/session-read/", headers=(("cookie", "sessionid=forged:value"),), mask_cookies=["sessionid"]
    )
    sessions.compare("GET", "/session-read/", mask_cookies=["sessionid"])


def test_session_settings(sessions: Parity) -> None:
    with sessions.override(
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_PATH="/s/",
        SESSION_COOKIE_DOMAIN=".testserver",
        SESSION_EXPIRE_AT_BROWSER_CLOSE=True,
    ):
        mine, _ = sessions.compare("GET", "/session/", mask_cookies=["sid"])
        assert "sid" in mine.cookies
    with sessions.override(SESSION_COOKIE_AGE=60, SESSION_COOKIE_HTTPONLY=False):
        sessions.compare("GET", "/session/", mask_cookies=["sessionid"])


# --------------------------------------------------------------------------------------------- csrf
@pytest.fixture(scope="module")
def csrf() -> Iterator[Parity]:
    yield from stack(CSRF)


def test_csrf(csrf: Parity) -> None:
    """Masked tokens differ per framework: each side gets its own cookie and token; the answers compare
    equal."""
    mine, theirs = csrf.compare("GET", "/csrf-token/", mask_cookies=["csrftoken"], same_body=False)
    assert mine.status == 200 and mine.header("vary") == "Cookie"
    tokens = {
        "microdj": (mine.cookies["csrftoken"], mine.body.decode()),
        "django": (theirs.cookies["csrftoken"], theirs.body.decode()),
    }
    form_type, _ = urlencoded([])

    def post(
        *,
        field: bool = False,
        header: bool = False,
        cookie: bool = True,
        extra: tuple[tuple[str, str], ...] = (),
        token: str = "",
        https: bool = False,
    ) -> Any:
        def build(framework: str) -> dict[str, Any]:
            secret, masked = tokens[framework]
            body = urlencoded([("a", "1"), *([("csrfmiddlewaretoken", token or masked)] if field else [])])[1]
            headers = [("content-type", form_type), ("content-length", str(len(body))), *extra]
            if cookie:
                headers.append(("cookie", f"csrftoken={secret}"))
            if header:
                headers.append(("x-csrftoken", token or masked))
            request = {"method": "POST", "path": "/csrf-post/", "headers": headers, "chunks": (body,)}
            if https:
                request.update(scheme="https", server=("testserver", 443))
            return request

        return build

    cases: list[tuple[dict[str, Any], int]] = [
        ({}, 403),  # cookie, no token
        ({"cookie": False}, 403),  # nothing
        ({"field": True}, 200),
        ({"header": True}, 200),
        ({"field": True, "token": "x" * 64}, 403),  # wrong token
        ({"field": True, "token": "short"}, 403),  # malformed token
        ({"header": True, "token": "!" * 32}, 403),  # invalid characters
        ({"field": True, "cookie": False}, 403),  # token without cookie
        ({"field": True, "extra": (("origin", "http://evil.example"),)}, 403),
        ({"field": True, "extra": (("origin", "http://testserver"),)}, 200),
        ({"field": True, "extra": (("origin", "null"),)}, 403),
        ({"field": True, "https": True}, 403),  # https without Referer
        ({"field": True, "https": True, "extra": (("referer", "https://evil.example/"),)}, 403),
        ({"field": True, "https": True, "extra": (("referer", "http://testserver/"),)}, 403),  # insecure
        ({"field": True, "https": True, "extra": (("referer", "https://testserver/form/"),)}, 200),
        ({"field": True, "https": True, "extra": (("referer", "not a url"),)}, 403),
    ]
    for options, status in cases:
        # The 403 page's wording is microdj's own (not Django's prose): headers and status must match.
        mine, theirs = csrf.compare_each(post(**options), mask_cookies=["csrftoken"], same_body=status == 200)
        assert mine.status == status, options
        if status == 403:
            for page in (mine.body, theirs.body):
                assert b"<title>403 Forbidden</title>" in page
                assert b"CSRF verification failed. Request aborted." in page
    # Safe methods and exempt views are not checked.
    csrf.compare("GET", "/csrf-post/")
    body = b"a=2"
    headers = (("content-type", form_type), ("content-length", "3"))
    mine, _ = csrf.compare("POST", "/csrf-exempt/", headers=headers, chunks=(body,))
    assert mine.body == b"accepted 2"


# --------------------------------------------------------------------------------------- full stack
@pytest.fixture(scope="module")
def full() -> Iterator[Parity]:
    """A typical project stack, in Django's recommended order (GZip outside ConditionalGet: Django's gzip
    bytes carry random padding, so an ETag of them could not compare)."""
    yield from stack(SECURITY, GZIP, SESSIONS, COMMON, CSRF, CONDITIONAL, SESSION_ENGINE=SIGNED_COOKIES)


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        pytest.param("GET", "/text/", (), id="text"),
        pytest.param("GET", "/big/", (("accept-encoding", "gzip"),), id="big-gzip"),
        pytest.param("GET", "/slash", (), id="append-slash"),
        pytest.param("GET", "/nowhere/", (), id="404"),
        pytest.param("GET", "/error/boom/", (), id="500"),
        pytest.param("GET", "/session-read/", (), id="session-read"),
        pytest.param("POST", "/csrf-exempt/", (("content-length", "0"),), id="csrf-exempt"),
        pytest.param("GET", "/async/json/dict/", (), id="async-json"),
        pytest.param("OPTIONS", "/cbv/", (), id="options"),
    ],
)
def test_full_stack(full: Parity, method: str, path: str, headers: tuple[tuple[str, str], ...]) -> None:
    mine_raw, theirs_raw = full.run(method, path, headers=headers)
    mine, _ = assert_same_gzip(
        {**mine_raw, "headers": masked(mine_raw["headers"])},
        {**theirs_raw, "headers": masked(theirs_raw["headers"])},
    )
    if path == "/big/":
        assert mine.header("content-encoding") == "gzip"


def masked(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Session cookie values (signed with each framework's salt) replaced by a placeholder."""
    return [
        (
            name,
            re.sub(rb"^sessionid=[^;]*", b"sessionid=<masked>", value)
            if name.lower() == b"set-cookie"
            else value,
        )
        for name, value in headers
    ]

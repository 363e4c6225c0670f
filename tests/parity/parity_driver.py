"""Drive Django's and microdj's ASGI applications with the same raw request and compare what they send.

Both applications run the same views (tests/parity/views_source.py) on twin URLconfs. ``Parity`` owns the
two applications and their settings; ``Parity.compare`` sends one request to both and asserts that status,
body and headers agree after normalisation:

- header names are compared lower-case, as a multiset of (name, value);
- HTTP dates (Expires, Last-Modified, cookie ``expires=``) and cookie ``Max-Age`` values are compared within
  two seconds;
- Content-Length: microdj sets it on every non-streaming response, Django's ASGI handler does not (a
  documented difference): when only microdj sends it, it must equal the length of Django's body;
- cookie values named in ``mask_cookies`` (random CSRF tokens, signed sessions) are compared by name only.
"""

from __future__ import annotations

import asyncio
import email.utils
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.core.handlers.asgi import ASGIHandler as DjangoASGIHandler
from django.test.utils import override_settings as django_override_settings

from microdj.asgi import get_asgi_application
from microdj.test.utils import override_settings
from tests.support.asgi import acall, make_scope

URLCONFS = {"django": "tests.parity.dj_urls", "microdj": "tests.parity.mdj_urls"}
MAX_AGE = re.compile(r"Max-Age=(\d+)")
HTTP_DATE = re.compile(r"[A-Z][a-z]{2}, \d{2}[ -][A-Z][a-z]{2}[ -]\d{4} \d{2}:\d{2}:\d{2} GMT")
NO_BODY_STATUSES = {204, 304}

# How many request/response pairs were compared in this process (reported by the summary test).
COMPARED: list[str] = []


def for_framework(value: Any, prefix: str) -> Any:
    """``value`` with every "{fw}" in its strings replaced by ``prefix`` (lists, tuples, dicts recursed)."""
    if isinstance(value, str):
        return value.replace("{fw}", prefix)
    if isinstance(value, list | tuple):
        return type(value)(for_framework(item, prefix) for item in value)
    if isinstance(value, dict):
        return {key: for_framework(item, prefix) for key, item in value.items()}
    return value


def framework_settings(settings: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """The settings for one framework ("{fw}" placeholders resolved)."""
    return {name: for_framework(value, prefix) for name, value in settings.items()}


@dataclass
class Answer:
    """One framework's normalised answer."""

    status: int | None
    body: bytes
    headers: list[tuple[str, str]]
    dates: list[float]
    cookies: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (lower-case), or None."""
        return next((value for key, value in self.headers if key == name), None)

    def headers_named(self, name: str) -> list[str]:
        """Every value of header ``name`` (lower-case)."""
        return [value for key, value in self.headers if key == name]


def normalise(result: dict[str, Any], mask_cookies: Sequence[str] = ()) -> Answer:
    """The comparable form of a raw ASGI result (see the module docstring)."""
    headers: list[tuple[str, str]] = []
    dates: list[float] = []
    cookies: dict[str, str] = {}
    for raw_name, raw_value in result["headers"]:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        dates.extend(
            email.utils.parsedate_to_datetime(stamp).timestamp() for stamp in HTTP_DATE.findall(value)
        )
        value = HTTP_DATE.sub("<date>", value)
        if name == "set-cookie":
            # Max-Age computed from an expires datetime may differ by a second, as the dates.
            dates.extend(float(age) for age in MAX_AGE.findall(value))
            value = MAX_AGE.sub("Max-Age=<n>", value)
            cookie_name, _, rest = value.partition("=")
            cookie_value, _, attributes = rest.partition(";")
            cookies[cookie_name] = cookie_value
            if cookie_name in mask_cookies:
                value = f"{cookie_name}=<masked>;{attributes}"
        headers.append((name, value))
    return Answer(result["status"], result["body"], sorted(headers), dates, cookies)


def assert_same(mine: Answer, theirs: Answer, *, method: str, same_body: bool = True) -> None:
    """Assert microdj's answer (``mine``) equals Django's (``theirs``) up to the documented differences."""
    assert mine.status == theirs.status, (mine.status, theirs.status, mine.body[:300], theirs.body[:300])
    mine_headers = list(mine.headers)
    theirs_names = {name for name, _ in theirs.headers}
    if "content-length" not in theirs_names:
        lengths = mine.headers_named("content-length")
        if mine.status in NO_BODY_STATUSES:
            # microdj: 204/304 carry neither body nor Content-Length (README).
            assert lengths == []
        elif lengths:
            # microdj sets Content-Length on non-streaming responses; Django's ASGI handler does not.
            # For HEAD it is that of the body not sent (Django's, which sends it).
            assert lengths == [str(len(theirs.body if method == "HEAD" else mine.body))]
            mine_headers.remove(("content-length", lengths[0]))
    assert mine_headers == theirs.headers
    assert len(mine.dates) == len(theirs.dates)
    for mine_date, theirs_date in zip(mine.dates, theirs.dates, strict=True):
        assert abs(mine_date - theirs_date) <= 2, (mine.headers, theirs.headers)
    if method == "HEAD":
        # microdj: HEAD responses carry no body bytes (README); Django's ASGI handler sends the body.
        assert mine.body == b""
    elif same_body:
        assert mine.body == theirs.body, (mine.body[:500], theirs.body[:500])


class Parity:
    """Django's and microdj's applications on the parity URLconfs, with the same extra settings.

    Settings values may contain "{fw}" (e.g. "{fw}.middleware.common.CommonMiddleware"), replaced by
    "django" or "microdj". Use as a context manager: the overrides stay active while requests run,
    since both handlers read most settings per request.
    """

    def __init__(self, **settings: Any) -> None:
        self.settings = settings
        self._overrides: list[Any] = []

    def __enter__(self) -> Parity:
        self._push(ROOT_URLCONF=None, **self.settings)
        self.django = DjangoASGIHandler()
        self.microdj = get_asgi_application()
        return self

    def __exit__(self, *exc_info: object) -> None:
        while self._overrides:
            self._overrides.pop().disable()

    def _push(self, **settings: Any) -> None:
        django_settings = framework_settings(settings, "django")
        microdj_settings = framework_settings(settings, "microdj")
        if "ROOT_URLCONF" in settings:
            django_settings["ROOT_URLCONF"] = URLCONFS["django"]
            microdj_settings["ROOT_URLCONF"] = URLCONFS["microdj"]
        for override in (django_override_settings(**django_settings), override_settings(**microdj_settings)):
            override.enable()
            self._overrides.append(override)

    @contextmanager
    def override(self, **settings: Any) -> Iterator[None]:
        """Change settings of both frameworks for a block ("{fw}" placeholders allowed)."""
        depth = len(self._overrides)
        self._push(**settings)
        try:
            yield
        finally:
            while len(self._overrides) > depth:
                self._overrides.pop().disable()

    def run(
        self,
        method: str = "GET",
        path: str = "/",
        query: bytes = b"",
        headers: Sequence[tuple[str, str]] = (),
        chunks: Sequence[bytes] = (b"",),
        **scope_extra: Any,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Send the same raw request to microdj and to Django: (microdj's result, Django's result)."""
        mine = self.run_one("microdj", method, path, query, headers, chunks, **scope_extra)
        theirs = self.run_one("django", method, path, query, headers, chunks, **scope_extra)
        return mine, theirs

    def run_one(
        self,
        framework: str,
        method: str = "GET",
        path: str = "/",
        query: bytes = b"",
        headers: Sequence[tuple[str, str]] = (),
        chunks: Sequence[bytes] = (b"",),
        **scope_extra: Any,
    ) -> dict[str, Any]:
        """Send one raw request to ``framework`` ("django" or "microdj"); Host defaults to testserver."""
        raw_headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]
        if not any(name == b"host" for name, _ in raw_headers):
            raw_headers.insert(0, (b"host", b"testserver"))
        app = self.microdj if framework == "microdj" else self.django
        scope = make_scope(method, path, query, raw_headers, **scope_extra)
        return asyncio.run(acall(app, scope, tuple(chunks)))

    def compare(
        self,
        method: str = "GET",
        path: str = "/",
        query: bytes = b"",
        headers: Sequence[tuple[str, str]] = (),
        chunks: Sequence[bytes] = (b"",),
        *,
        mask_cookies: Sequence[str] = (),
        same_body: bool = True,
        **scope_extra: Any,
    ) -> tuple[Answer, Answer]:
        """Send one request to both and assert parity; return (microdj's answer, Django's answer)."""
        mine_raw, theirs_raw = self.run(method, path, query, headers, chunks, **scope_extra)
        mine, theirs = normalise(mine_raw, mask_cookies), normalise(theirs_raw, mask_cookies)
        assert_same(mine, theirs, method=method, same_body=same_body)
        COMPARED.append(f"{method} {path}?{query.decode('latin-1')}")
        return mine, theirs

    def compare_each(
        self,
        build: Callable[[str], dict[str, Any]],
        *,
        mask_cookies: Sequence[str] = (),
        same_body: bool = True,
    ) -> tuple[Answer, Answer]:
        """As ``compare``, with a request built per framework by ``build(framework)`` (``run_one`` keyword
        arguments): for flows carrying each framework's own cookies or tokens."""
        mine_request, theirs_request = build("microdj"), build("django")
        mine = normalise(self.run_one("microdj", **mine_request), mask_cookies)
        theirs = normalise(self.run_one("django", **theirs_request), mask_cookies)
        method = mine_request.get("method", "GET")
        assert_same(mine, theirs, method=method, same_body=same_body)
        COMPARED.append(f"{method} {mine_request.get('path', '/')}")
        return mine, theirs


def urlencoded(pairs: Sequence[tuple[str, str]]) -> tuple[str, bytes]:
    """The Content-Type and body of an urlencoded form."""
    return "application/x-www-form-urlencoded", urlencode(pairs).encode()


def multipart(
    fields: Sequence[tuple[str, str]], files: Sequence[tuple[str, str, str, bytes]], boundary: str = "PaRiTy"
) -> tuple[str, bytes]:
    """The Content-Type and body of a multipart form: fields (name, value), files (name, filename,
    content type, content)."""
    parts: list[bytes] = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode()
        )
    for name, filename, content_type, content in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content)
    body = b"\r\n".join(parts) + f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", body
